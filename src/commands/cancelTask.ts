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
import { resolveTask } from './support/resolveTask';
import { showInformation, showWarning } from '../adapters/userMessages';

export interface CancelTaskResult {
  readonly outcome: CancelOutcome['kind'] | 'notActive' | 'notStarted' | 'declined' | 'failed' | 'aborted';
  readonly finalStatus?: string;
  readonly message?: string;
}

/** After a refusal one check is enough to learn the real status; re-checking a refused cancel proves nothing. */
const AFTER_REFUSAL: RecheckSchedule = { attempts: 1, intervalMs: 0 };

/**
 * Cancel Task: only for queued or running tasks; a modal confirmation; the row shows
 * "Cancelling…" at once (pending cancel), then the real status is re-checked a bounded
 * number of times and applied each time. Pending is cleared on every way out: success,
 * refusal, error or the user stopping the wait. Argument object (README, Command arguments):
 * `{ taskId, confirm: true }`.
 */
export function cancelTaskCommand(context: CommandContext) {
  const { store, logger, session } = context;

  return async (argument?: unknown): Promise<CancelTaskResult> => {
    const connection = await requireConnection(context);
    if (!connection) return { outcome: 'aborted' };
    const task = await resolveTask(argument, context, {
      placeHolder: vscode.l10n.t('Choose a task to cancel'),
      qualifies: (candidate) => canCancel(candidate) && !store.isPendingCancel(candidate.id),
      noneMessage: vscode.l10n.t('No task can be cancelled now: none is running (or queued, for Agent API tasks).'),
    });
    if (!task) return { outcome: 'aborted' };
    const label = taskLabelForMessage(task);

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
    const confirmed =
      booleanArgument(argument, 'confirm') ??
      (await showWarning(
        vscode.l10n.t('Cancel task {0}?', label),
        {
          modal: true,
          detail: vscode.l10n.t('The agent stops working on it. Anything it already pushed stays on its branch.'),
        },
        cancelTask,
      )) === cancelTask;
    if (!confirmed) return { outcome: 'declined' };

    store.setPendingCancel(task.id, true);
    try {
      const { request, settle, schedule } = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: vscode.l10n.t('Cancelling task {0}', label),
          cancellable: true,
        },
        async (progress, token) => {
          const controller = new AbortController();
          const subscription = token.onCancellationRequested(() => controller.abort());
          try {
            const request = await requestCancel(() => connection.api.cancel(task.id, { signal: controller.signal }));
            const schedule = request.accepted ? CANCEL_RECHECK : AFTER_REFUSAL;
            let checks = 0;
            const settle: SettleResult = await recheckUntilTerminal({
              check: (signal) => {
                checks++;
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
            return { request, settle, schedule };
          } finally {
            subscription.dispose();
          }
        },
      );
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
    } catch (error) {
      if (isAbortError(error)) {
        logger.info(`Cancel ${task.id}: stopped waiting for the final status.`);
        return { outcome: 'aborted' };
      }
      void presentError(error, vscode.l10n.t('Cancelling task {0}', label), {
        logger,
        redact: (text) => session.redact(text),
      });
      return { outcome: 'failed', message: session.redact(error instanceof Error ? error.message : String(error)) };
    } finally {
      store.setPendingCancel(task.id, false);
    }
  };
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
