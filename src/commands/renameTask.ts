import * as vscode from 'vscode';
import { presentError } from '../adapters/errorPresenter';
import { taskLabelForMessage } from '../core/tasks/cancelPolicy';
import { describeError } from '../core/view/errorDescription';
import { latestRunOf } from '../core/tasks/followUp';
import { API_NAMES } from '../core/api/keyCheck';
import { renamedRuns, titleProblem } from '../core/tasks/rename';
import { taskTitle } from '../core/logs/taskHeader';
import type { CommandContext } from './support/commandContext';
import { requireConnection, stringArgument } from './support/requireConnection';
import { resolveTask } from './support/resolveTask';

export interface RenameTaskResult {
  readonly outcome: 'renamed' | 'unsupported' | 'refused' | 'failed' | 'cancelled';
  readonly title?: string;
  readonly message?: string;
}

/**
 * Rename Task…: a new title for an Agent API task's conversation (the Cloud API has no
 * rename, so its tasks are never offered). The row's label shows the title at once, on
 * every run of the chat. Argument object (README, Command arguments): `{ taskId, title }`.
 */
export function renameTaskCommand(context: CommandContext) {
  const { store, logger, session } = context;

  return async (argument?: unknown): Promise<RenameTaskResult> => {
    const connection = await requireConnection(context);
    if (!connection) return { outcome: 'cancelled' };
    const rename = connection.api.rename?.bind(connection.api);
    if (!rename) {
      const message = vscode.l10n.t('Tasks of the {0} cannot be renamed.', API_NAMES[connection.kind]);
      void vscode.window.showInformationMessage(message);
      return { outcome: 'unsupported', message };
    }
    const picked = await resolveTask(argument, context, {
      placeHolder: vscode.l10n.t('Rename which task?'),
      qualifies: (task) => task.api === 'agent',
      noneMessage: vscode.l10n.t('There are no tasks to rename yet.'),
    });
    if (!picked) return { outcome: 'cancelled' };
    if (picked.api !== connection.kind) {
      const message = vscode.l10n.t('Tasks of the {0} cannot be renamed.', API_NAMES[picked.api]);
      void vscode.window.showInformationMessage(message);
      return { outcome: 'unsupported', message };
    }
    const task = latestRunOf(picked, store.tasks());
    const label = taskLabelForMessage(task);

    const given = stringArgument(argument, 'title');
    const title = (
      given ??
      (await vscode.window.showInputBox({
        title: vscode.l10n.t('Rename {0}', label),
        prompt: vscode.l10n.t('The new title of the task (up to 200 characters).'),
        value: taskTitle(task, 200),
        valueSelection: [0, taskTitle(task, 200).length],
        validateInput: (value) => titleProblem(value),
      }))
    )?.trim();
    if (title === undefined) return { outcome: 'cancelled' };
    const problem = titleProblem(title);
    if (problem) {
      void vscode.window.showWarningMessage(problem);
      return { outcome: 'refused', message: problem };
    }

    try {
      const result = await rename(task.id, title);
      if (!result.success) {
        const message = vscode.l10n.t(
          'The server did not rename {0}: {1}',
          label,
          session.redact(result.message ?? vscode.l10n.t('no reason given')),
        );
        void vscode.window.showWarningMessage(message);
        return { outcome: 'refused', message };
      }
    } catch (error) {
      const doing = vscode.l10n.t('Renaming the task');
      void presentError(error, doing, { logger, redact: (text) => session.redact(text) });
      return { outcome: 'failed', message: session.redact(describeError(error, doing).message) };
    }
    for (const run of renamedRuns(task, store.tasks(), title)) store.upsert(run);
    logger.info(`Renamed ${task.id}.`);
    return { outcome: 'renamed', title };
  };
}
