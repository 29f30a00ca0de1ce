import * as vscode from 'vscode';
import { systemClock } from '../../core/util/clock';
import {
  FinishedBatcher,
  parseNotificationMode,
  planFinishedNotice,
  type FinishedNotice,
  type NoticeAction,
} from '../../core/tasks/finishedTasks';
import type { Task } from '../../core/tasks/model';
import type { PollingTaskStore } from '../../core/tasks/pollingTaskStore';
import { taskLabel } from '../../core/view/taskPresentation';
import type { Logger } from '../logger';
import { pickOne, showNotice } from '../userMessages';

/**
 * One notification per batch of tasks that finished while this window watched them, with
 * the actions that fit (Show Logs, Check Out Branch, Open Pull Request), under the
 * `blackboxTasks.notifications` setting. Before showing, a v1 run's final details are
 * fetched (briefly) so the branch and error are known.
 */
export type FinishedNotifications = vscode.Disposable;

/** Shows a notice and resolves with the title of the action the user chose. */
export interface NoticePresenter {
  show(notice: FinishedNotice): Thenable<string | undefined>;
}

/** Notices as VS Code notifications (their text neutralised by userMessages). */
export function createNoticePresenter(): NoticePresenter {
  return { show: (notice) => showNotice(notice.severity, notice.message, ...notice.actions.map((a) => a.title)) };
}

const DETAILS_WAIT_MS = 3_000;

export function createFinishedNotifications(deps: {
  readonly store: PollingTaskStore;
  readonly logger: Logger;
  readonly presenter: NoticePresenter;
  /** Called when the user acts on tasks from a notification (they have been looked at). */
  readonly onSeen: (taskId: string) => void;
}): FinishedNotifications {
  const batcher = new FinishedBatcher(systemClock, 1_500);
  const subscriptions = [
    deps.store.onDidFinish((tasks) => batcher.add(tasks)),
    batcher.onDidBatch((batch) => void present(batch)),
  ];

  const present = async (batch: readonly Task[]): Promise<void> => {
    const mode = parseNotificationMode(vscode.workspace.getConfiguration('blackboxTasks').get('notifications'));
    if (!planFinishedNotice(batch, mode)) return;
    await deps.store.ensureDetails(
      batch.filter((task) => task.api === 'agent').map((task) => task.id),
      DETAILS_WAIT_MS,
    );
    const fresh = batch.map((task) => deps.store.get(task.id) ?? task);
    const notice = planFinishedNotice(fresh, mode);
    if (!notice) return;
    const choice = await deps.presenter.show(notice);
    const action = notice.actions.find((candidate) => candidate.title === choice);
    if (action) await run(action, fresh);
  };

  const run = async (action: NoticeAction, tasks: readonly Task[]): Promise<void> => {
    let taskId: string | undefined = action.taskIds[0];
    if (action.taskIds.length > 1) {
      const picked = await pickOne(
        action.taskIds.map((id) => {
          const task = deps.store.get(id) ?? tasks.find((candidate) => candidate.id === id);
          return { label: task ? taskLabel(task) : id, description: task?.status, id };
        }),
        { placeHolder: vscode.l10n.t('{0}: which task?', action.title.replace(/…$/, '')) },
      );
      taskId = picked?.id;
    }
    if (!taskId) return;
    deps.onSeen(taskId);
    try {
      await vscode.commands.executeCommand(action.command, taskId);
    } catch (error) {
      deps.logger.error(
        `${action.title} from a notification failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };

  return {
    dispose: () => {
      for (const subscription of subscriptions) subscription.dispose();
      batcher.dispose();
    },
  };
}
