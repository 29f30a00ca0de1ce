import * as vscode from 'vscode';
import type { CommandContext } from './support/commandContext';
import { resolveTask } from './support/resolveTask';

/**
 * Show Task Logs: the task's live log in its own Output channel (also what clicking a task
 * row does). Focus stays where it was, so the tree keeps working with the keyboard.
 */
export function showLogsCommand(context: CommandContext) {
  return async (argument?: unknown): Promise<void> => {
    const task = await resolveTask(argument, context, {
      placeHolder: vscode.l10n.t('Show the log of which task?'),
      noneMessage: vscode.l10n.t('There are no tasks yet. Create one first.'),
    });
    if (!task) return;
    context.view.markSeen(task.id);
    await context.logs.show(task.id, { preserveFocus: true, task });
  };
}
