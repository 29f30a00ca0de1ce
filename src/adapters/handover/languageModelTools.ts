import * as vscode from 'vscode';
import type { CommandContext } from '../../commands/support/commandContext';
import { loadOnDemand } from '../../commands/onDemandLoader';
import type { AgentChoice } from '../../core/api/tasksApi';

/** The tools' names, as package.json declares them under contributes.languageModelTools. */
export const TOOL_NAMES = {
  create: 'blackbox_create_task',
  list: 'blackbox_list_tasks',
  get: 'blackbox_get_task',
  continue: 'blackbox_continue_task',
  cancel: 'blackbox_cancel_task',
} as const;

export interface CreateToolInput {
  readonly prompt: string;
  readonly repository?: string;
  readonly branch?: string;
  readonly agent?: string;
  readonly model?: string;
  readonly agents?: readonly (string | AgentChoice)[];
}
export interface ListToolInput {
  readonly status?: string;
  readonly thisRepositoryOnly?: boolean;
  readonly limit?: number;
}
export interface TaskIdInput {
  readonly taskId: string;
}
export interface ContinueToolInput extends TaskIdInput {
  readonly prompt: string;
}

export interface LanguageModelTools {
  readonly create: vscode.LanguageModelTool<CreateToolInput>;
  readonly list: vscode.LanguageModelTool<ListToolInput>;
  readonly get: vscode.LanguageModelTool<TaskIdInput>;
  readonly continue: vscode.LanguageModelTool<ContinueToolInput>;
  readonly cancel: vscode.LanguageModelTool<TaskIdInput>;
}

/**
 * The tools as VS Code calls them: each one's body is loaded on the first invocation of any
 * (`createLanguageModelTools` in the on-demand bundle), so holding them costs nothing.
 */
export function languageModelTools(context: CommandContext): LanguageModelTools {
  let loaded: LanguageModelTools | undefined;
  const real = (): LanguageModelTools => (loaded ??= loadOnDemand().createLanguageModelTools(context));
  const lazy = <T>(name: keyof LanguageModelTools): vscode.LanguageModelTool<T> => {
    const tool = (): vscode.LanguageModelTool<T> => real()[name] as unknown as vscode.LanguageModelTool<T>;
    return {
      invoke: (options, token) => tool().invoke(options, token),
      prepareInvocation: (options, token) => tool().prepareInvocation?.(options, token),
    };
  };
  return {
    create: lazy('create'),
    list: lazy('list'),
    get: lazy('get'),
    continue: lazy('continue'),
    cancel: lazy('cancel'),
  };
}

/** Registers the tools with VS Code, where the host has the language model API. */
export function registerLanguageModelTools(extension: vscode.ExtensionContext, tools: LanguageModelTools): void {
  if (typeof vscode.lm?.registerTool !== 'function') return;
  extension.subscriptions.push(
    vscode.lm.registerTool(TOOL_NAMES.create, tools.create),
    vscode.lm.registerTool(TOOL_NAMES.list, tools.list),
    vscode.lm.registerTool(TOOL_NAMES.get, tools.get),
    vscode.lm.registerTool(TOOL_NAMES.continue, tools.continue),
    vscode.lm.registerTool(TOOL_NAMES.cancel, tools.cancel),
  );
}
