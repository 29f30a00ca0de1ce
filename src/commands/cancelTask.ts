import * as vscode from 'vscode';
import { presentError } from '../adapters/errorPresenter';
import {
  CANCEL_RECHECK,
  canCancel,
  cancelUnavailableReason,
  describeCancelOutcome,
  recheckUntilTerminal,
  taskLabelForMessage,
  type CancelOutcome,
  type CancelRequestOutcome,
  type RecheckSchedule,
  type SettleResult,
} from '../core/tasks/cancelPolicy';
import { systemClock } from '../core/util/clock';
import { BadRequestError, isAbortError } from '../core/http/errors';
import type { CommandContext } from './support/commandContext';
import { booleanArgument, requireConnection } from './support/requireConnection';
import { namesWholeTask, resolveAgentLane, taskIdOf } from './support/resolveTask';
import type { ApiConnection } from '../adapters/api/apiSession';
import type { Task } from '../core/tasks/model';
import { agentTasksOf, findAgentTask, isAgentLaneReference, type AgentTask } from '../core/tasks/agentTask';
import { activeLanes, isMultiAgent, laneTitle } from '../core/tasks/agentLanes';
import { showInformation, showWarning } from '../adapters/userMessages';

export interface CancelTaskResult {
  readonly outcome: CancelOutcome['kind'] | 'notActive' | 'notStarted' | 'declined' | 'failed' | 'aborted';
  readonly finalStatus?: string;
  readonly message?: string;
  /** Cancel all on a multi-agent task: each run cancelled (one for a Cloud task, which stops as a whole). */
  readonly runs?: readonly {
    readonly taskId: string;
    readonly outcome: CancelOutcome['kind'];
    readonly finalStatus?: string;
  }[];
}

/** After a refusal one check is enough to learn the real status; re-checking a refused cancel proves nothing. */
const AFTER_REFUSAL: RecheckSchedule = { attempts: 1, intervalMs: 0 };

/**
 * Cancel Task: only for queued or running tasks; a modal confirmation; the row shows
 * "Cancelling…" at once (pending cancel), then the real status is re-checked a bounded
 * number of times and applied each time. Pending is cleared on every way out: success,
 * refusal, error or the user stopping the wait. On a multi-agent task's row it cancels every
 * agent still working, after one confirmation that says how many (a Cloud task can only be
 * stopped as a whole, and the confirmation says so); on an agent's row, only that agent
 * (Cloud: the whole task, said in the confirmation). Argument object (README, Command arguments):
 * `{ taskId, confirm: true }`, `{ taskId, laneKey, confirm: true }`.
 */
export function cancelTaskCommand(context: CommandContext) {
  const { store } = context;

  return async (argument?: unknown): Promise<CancelTaskResult> => {
    const connection = await requireConnection(context);
    if (!connection) return { outcome: 'aborted' };

    const whole = multiAgentTaskNamed(argument, context);
    if (whole) return cancelAll(context, connection, whole, argument);

    const resolved = await resolveAgentLane(argument, context, {
      placeHolder: vscode.l10n.t('Choose a task to cancel'),
      lanePlaceHolder: vscode.l10n.t('Cancel which agent?'),
      qualifies: (candidate) => canCancel(candidate) && !store.isPendingCancel(candidate.id),
      noneMessage: vscode.l10n.t('No task can be cancelled now: none is running (or queued, for Agent API tasks).'),
    });
    if (!resolved) return { outcome: 'aborted' };
    const { task, agentTask, lane } = resolved;
    const multi = isMultiAgent(agentTask);
    const label = multi
      ? vscode.l10n.t('{0} ({1})', taskLabelForMessage(task), laneTitle(lane, agentTask.lanes.indexOf(lane)))
      : taskLabelForMessage(task);

    const unavailable = cancelUnavailableReason(task);
    if (unavailable) {
      const message =
        unavailable === 'finished'
          ? vscode.l10n.t('Task {0} has already finished ({1}); there is nothing to cancel.', label, task.status)
          : unavailable === 'notStarted'
            ? vscode.l10n.t(
                'Task {0} has not started yet, and the Cloud API can only stop a task while it is running. Try again once it runs.',
                label,
              )
            : vscode.l10n.t(
                'Task {0} is not known to be queued or running (status {1}). Refresh the list and try again.',
                label,
                task.status,
              );
      void showInformation(message);
      return { outcome: unavailable === 'notStarted' ? 'notStarted' : 'notActive', finalStatus: task.status, message };
    }

    const cancelTask = vscode.l10n.t('Cancel Task');
    const wholeCloudTask = multi && task.api === 'cloud';
    const confirmed =
      booleanArgument(argument, 'confirm') ??
      (await showWarning(
        wholeCloudTask
          ? vscode.l10n.t('Cancel all {0} agents of task {1}?', agentTask.lanes.length, taskLabelForMessage(task))
          : vscode.l10n.t('Cancel task {0}?', label),
        {
          modal: true,
          detail: wholeCloudTask
            ? vscode.l10n.t(
                'The Cloud API can only stop a task as a whole: every agent of it stops, not only {0}. Anything they already pushed stays on their branches.',
                laneTitle(lane, agentTask.lanes.indexOf(lane)),
              )
            : vscode.l10n.t('The agent stops working on it. Anything it already pushed stays on its branch.'),
        },
        cancelTask,
      )) === cancelTask;
    if (!confirmed) return { outcome: 'declined' };

    const [result] = await cancelRuns(
      context,
      connection,
      [{ task, label }],
      vscode.l10n.t('Cancelling task {0}', label),
    );
    return result ?? { outcome: 'aborted' };
  };
}

/** The multi-agent task a task row (not an agent row, nor one agent's run id) names, for Cancel all. */
function multiAgentTaskNamed(argument: unknown, context: CommandContext): AgentTask | undefined {
  if (isAgentLaneReference(argument)) return undefined;
  const id = taskIdOf(argument);
  if (!id) return undefined;
  const agentTask = findAgentTask(agentTasksOf(context.store.tasks()), id);
  return agentTask && isMultiAgent(agentTask) && namesWholeTask(argument, agentTask, id) ? agentTask : undefined;
}

/** Cancel all: every agent still working, after one confirmation. */
async function cancelAll(
  context: CommandContext,
  connection: ApiConnection,
  agentTask: AgentTask,
  argument: unknown,
): Promise<CancelTaskResult> {
  const working = activeLanes(agentTask);
  const first = agentTask.lanes[0];
  const taskLabel = first ? taskLabelForMessage(first.run) : agentTask.key;
  if (working.length === 0) {
    const message = vscode.l10n.t('No agent of task {0} is still working; there is nothing to cancel.', taskLabel);
    void showInformation(message);
    return { outcome: 'notActive', finalStatus: agentTask.status, message };
  }
  const cloud = agentTask.api === 'cloud';
  const targets: { readonly task: Task; readonly label: string }[] = cloud
    ? first
      ? [{ task: first.run, label: taskLabel }]
      : []
    : working.map((lane) => ({
        task: lane.run,
        label: vscode.l10n.t('{0} ({1})', taskLabel, laneTitle(lane, agentTask.lanes.indexOf(lane))),
      }));
  const cloudRun = targets[0]?.task;
  if (cloud && cloudRun && cancelUnavailableReason(cloudRun) === 'notStarted') {
    const message = vscode.l10n.t(
      'Task {0} has not started yet, and the Cloud API can only stop a task while it is running. Try again once it runs.',
      taskLabel,
    );
    void showInformation(message);
    return { outcome: 'notStarted', finalStatus: cloudRun.status, message };
  }

  const cancelAllLabel = vscode.l10n.t('Cancel All');
  const confirmed =
    booleanArgument(argument, 'confirm') ??
    (await showWarning(
      working.length === 1
        ? vscode.l10n.t('Cancel the one agent of task {0} still working?', taskLabel)
        : vscode.l10n.t('Cancel all {0} agents?', working.length),
      {
        modal: true,
        detail: cloud
          ? vscode.l10n.t(
              'Task {0}: the Cloud API stops the task as a whole, so every agent of it stops. Anything they already pushed stays on their branches.',
              taskLabel,
            )
          : vscode.l10n.t(
              'Task {0}: {1} stop working. Anything they already pushed stays on their branches.',
              taskLabel,
              working.map((lane) => laneTitle(lane, agentTask.lanes.indexOf(lane))).join(', '),
            ),
      },
      cancelAllLabel,
    )) === cancelAllLabel;
  if (!confirmed) return { outcome: 'declined' };

  const results = await cancelRuns(
    context,
    connection,
    targets,
    vscode.l10n.t('Cancelling {0} agents of task {1}', working.length, taskLabel),
  );
  const runs = results.map((result, index) => ({
    taskId: targets[index]?.task.id ?? '',
    outcome: isOutcomeKind(result.outcome) ? result.outcome : 'unconfirmed',
    ...(result.finalStatus ? { finalStatus: result.finalStatus } : {}),
  }));
  const allCancelled = runs.length > 0 && runs.every((run) => run.outcome === 'cancelled');
  const message = results.map((result) => result.message ?? '').join(' ');
  return {
    outcome: allCancelled
      ? 'cancelled'
      : (results.find((result) => result.outcome !== 'cancelled')?.outcome ?? 'aborted'),
    message,
    runs,
  };
}

function isOutcomeKind(kind: CancelTaskResult['outcome']): kind is CancelOutcome['kind'] {
  return ['cancelled', 'alreadyFinished', 'finishedOtherwise', 'refused', 'pending', 'gone', 'unconfirmed'].includes(
    kind,
  );
}

/**
 * Sends each cancel and re-checks each run until it is terminal (bounded), all under one
 * cancellable progress; each run's outcome is shown once and returned in order.
 */
async function cancelRuns(
  context: CommandContext,
  connection: ApiConnection,
  targets: readonly { readonly task: Task; readonly label: string }[],
  title: string,
): Promise<CancelTaskResult[]> {
  const { store, logger, session } = context;
  for (const { task } of targets) store.setPendingCancel(task.id, true);
  try {
    const settled = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const subscription = token.onCancellationRequested(() => controller.abort());
        try {
          return await Promise.all(
            targets.map(async ({ task, label }) => {
              try {
                const request = await requestCancel(() =>
                  connection.api.cancel(task.id, { signal: controller.signal }),
                );
                const schedule = request.accepted ? CANCEL_RECHECK : AFTER_REFUSAL;
                let checks = 0;
                const settle: SettleResult = await recheckUntilTerminal({
                  check: (signal) => {
                    checks++;
                    if (targets.length === 1)
                      progress.report({
                        message: vscode.l10n.t('checking its status ({0}/{1})…', checks, schedule.attempts),
                      });
                    return connection.api.status(task.id, signal ? { signal } : {});
                  },
                  onStatus: (info) => store.applyStatus(task.id, info.status, info.rawStatus, info.error),
                  clock: systemClock,
                  signal: controller.signal,
                  schedule,
                });
                return { ok: true as const, task, label, request, settle, schedule };
              } catch (error) {
                return { ok: false as const, task, label, error };
              }
            }),
          );
        } finally {
          subscription.dispose();
        }
      },
    );
    return settled.map((one): CancelTaskResult => {
      if (!one.ok) {
        if (isAbortError(one.error)) {
          logger.info(`Cancel ${one.task.id}: stopped waiting for the final status.`);
          return { outcome: 'aborted' };
        }
        void presentError(one.error, vscode.l10n.t('Cancelling task {0}', one.label), {
          logger,
          redact: (text) => session.redact(text),
        });
        return {
          outcome: 'failed',
          message: session.redact(one.error instanceof Error ? one.error.message : String(one.error)),
        };
      }
      const { task, label, request, settle, schedule } = one;
      if (!settle.settled && settle.reason === 'gone') store.remove(task.id);
      const outcome = describeCancelOutcome({ label, request, settle, schedule });
      logger.info(`Cancel ${task.id}: ${outcome.kind}${outcome.finalStatus ? ` (${outcome.finalStatus})` : ''}.`);
      if (outcome.severity === 'info') void showInformation(outcome.message);
      else void showWarning(outcome.message);
      return {
        outcome: outcome.kind,
        message: outcome.message,
        ...(outcome.finalStatus ? { finalStatus: outcome.finalStatus } : {}),
      };
    });
  } finally {
    for (const { task } of targets) store.setPendingCancel(task.id, false);
  }
}

/**
 * The cancel request's answer. A 400/409 refusal (a Cloud task that is no longer, or not
 * yet, stoppable) is an answer too, not a failure: the status check that follows says
 * what the task really is.
 */
async function requestCancel(
  send: () => Promise<{
    readonly success: boolean;
    readonly status?: CancelRequestOutcome['status'];
    readonly message?: string;
  }>,
): Promise<CancelRequestOutcome> {
  try {
    const result = await send();
    if (result.success) return result.status ? { accepted: true, status: result.status } : { accepted: true };
    return {
      accepted: false,
      ...(result.status ? { status: result.status } : {}),
      ...(result.message ? { serverMessage: result.message } : {}),
    };
  } catch (error) {
    if (BadRequestError.is(error) && (error.status === 400 || error.status === 409))
      return { accepted: false, serverMessage: error.userMessage };
    throw error;
  }
}
