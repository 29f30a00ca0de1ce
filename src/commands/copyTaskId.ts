import * as vscode from 'vscode';
import type { CommandContext } from './support/commandContext';
import { resolveTask } from './support/resolveTask';

/** Copy Task ID: the id the API knows the task by (v1 runId, Cloud id), with a brief status bar note. */
export function copyTaskIdCommand(context: CommandContext) {
  return async (argument?: unknown): Promise<string | undefined> => {
    const task = await resolveTask(argument, context, {
      placeHolder: vscode.l10n.t('Choose a task whose ID to copy'),
      noneMessage: vscode.l10n.t('There is no task yet.'),
    });
    if (!task) return undefined;
    await vscode.env.clipboard.writeText(task.id);
    vscode.window.setStatusBarMessage(`$(copy) ${vscode.l10n.t('Copied task ID {0}', task.id)}`, 3_000);
    return task.id;
  };
}
