import * as vscode from 'vscode';
import type { ApiConnection } from '../../adapters/api/apiSession';
import type { CommandContext } from './commandContext';
import { showWarning } from '../../adapters/userMessages';

/**
 * The connection a task command needs, or undefined after telling the user why there is
 * none (no key, a key of unknown kind, an unusable URL setting) with a way to fix it.
 */
export async function requireConnection(context: CommandContext): Promise<ApiConnection | undefined> {
  const { session } = context;
  await session.whenLoaded();
  const connection = session.current();
  if (connection) return connection;
  const problem = session.currentProblem();
  const message =
    problem && problem.reason !== 'noKey'
      ? problem.message
      : vscode.l10n.t(
          'No BLACKBOX API key is set. Set one (or the BLACKBOX_API_KEY environment variable) to work with tasks.',
        );
  void showWarning(message, vscode.l10n.t('Set API Key…')).then((choice) => {
    if (choice) void vscode.commands.executeCommand('blackboxTasks.setApiKey');
  });
  return undefined;
}

/**
 * The optional argument object commands accept (keybindings, `command:` links, other commands,
 * tests; listed in the README's Command arguments), e.g. `{ taskId, prompt, confirm: true }`. A tree row or a Task (which carry
 * `task` or `api`, and a Task has its own `prompt`) is never read as one, so a row's data
 * can never stand in for what the user would have typed or confirmed.
 */
export function actionArguments(argument: unknown): Readonly<Record<string, unknown>> {
  if (!argument || typeof argument !== 'object' || Array.isArray(argument)) return {};
  const record = argument as Record<string, unknown>;
  return 'api' in record || 'task' in record ? {} : record;
}

export function stringArgument(argument: unknown, name: string): string | undefined {
  const value = actionArguments(argument)[name];
  return typeof value === 'string' ? value : undefined;
}

export function booleanArgument(argument: unknown, name: string): boolean | undefined {
  const value = actionArguments(argument)[name];
  return typeof value === 'boolean' ? value : undefined;
}
