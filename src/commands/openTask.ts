import * as vscode from 'vscode';
import { TaskDetailsPanels, type TaskDetailsPanelHandle } from '../adapters/view/taskDetailsPanel';
import type { CommandContext } from './support/commandContext';
import { requireConnection } from './support/requireConnection';
import { resolveTask } from './support/resolveTask';

/**
 * Open Task Details: a read-only webview of the task's conversation and metadata, one
 * panel per task (opened again, it is revealed and re-fetched). Returns the panel's handle,
 * which integration tests read (its rendered HTML, whether it is still refreshing).
 */
export function openTaskCommand(context: CommandContext) {
  const panels = new TaskDetailsPanels({ session: context.session, store: context.store, logger: context.logger });
  context.extension.subscriptions.push(panels);

  return async (argument?: unknown): Promise<TaskDetailsPanelHandle | undefined> => {
    if (!(await requireConnection(context))) return undefined;
    const task = await resolveTask(argument, context, {
      placeHolder: vscode.l10n.t('Choose a task to open'),
      noneMessage: vscode.l10n.t('There is no task to open yet.'),
    });
    if (!task) return undefined;
    return panels.open(task);
  };
}
