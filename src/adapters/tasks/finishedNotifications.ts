import * as vscode from 'vscode';
import { systemClock } from '../../core/util/clock';
import {
  FinishedBatcher,
  parseNotificationMode,
  planFinishedNotices,
  type FinishedNotice,
  type NoticeAction,
} from '../../core/tasks/finishedTasks';
import type { Task } from '../../core/tasks/model';
import type { TaskStore } from '../../core/tasks/taskStore';
import { taskLabel } from '../../core/view/taskPresentation';
import type { Logger } from '../logger';
import { pickOne, showNotice } from '../userMessages';

/**
 * One notification per batch of tasks that finished while this window watched them, with
 * the actions that fit (Show Logs, Check Out Branch, Open Pull Request), under the
 * `blackboxTasks.notifications` setting; a task given to several agents gets one of its own
 * when its last agent finishes, offering Compare Agents. Before showing, a v1 run's final
 * details are fetched (briefly) so the branch and error are known.
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
  readonly store: TaskStore;
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
    if (planFinishedNotices(batch, deps.store.tasks(), mode).length === 0) return;
    await deps.store.ensureDetails(
      batch.filter((task) => task.api === 'agent').map((task) => task.id),
      DETAILS_WAIT_MS,
    );
    // A Cloud task's stream tells that it finished, not how each of its agents did: the list does.
    if (batch.some((task) => task.api === 'cloud' && (task.agentRuns?.length ?? 0) > 1)) await refreshBriefly();
    const fresh = batch.map((task) => deps.store.get(task.id) ?? task);
    await Promise.all(planFinishedNotices(fresh, deps.store.tasks(), mode).map((notice) => show(notice, fresh)));
  };

  const refreshBriefly = async (): Promise<void> => {
    const timer = new AbortController();
    await Promise.race([
      deps.store.refresh({ signal: timer.signal }).catch(() => undefined),
      systemClock.sleep(DETAILS_WAIT_MS, timer.signal).catch(() => undefined),
    ]);
    timer.abort();
  };

  const show = async (notice: FinishedNotice, fresh: readonly Task[]): Promise<void> => {
    const choice = await deps.presenter.show(notice);
    const action = notice.actions.find((candidate) => candidate.title === choice);
    if (!action) return;
    // Comparing the agents looks at every one of them.
    if (action.command === 'blackboxTasks.compareAgents') for (const id of notice.taskIds) deps.onSeen(id);
    await run(action, fresh);
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
    // Compare Agents names a task key (its agents' runs were marked seen above).
    if (action.command !== 'blackboxTasks.compareAgents') deps.onSeen(taskId);
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
