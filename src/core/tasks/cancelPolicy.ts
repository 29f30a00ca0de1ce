import { cleanServerText } from '../http/httpErrorMapping';
import type { Clock } from '../util/clock';
import { AuthError, NotFoundError, abortError, isAbortError } from '../http/errors';
import { isActive, isTerminal, type ApiKind, type TaskStatus, type TaskStatusInfo } from './model';
import * as l10n from '@vscode/l10n';

/**
 * The pure half of "Cancel Task": after the cancel request, re-check the task's real
 * status a bounded number of times (a cancel is asynchronous on the server, and a task
 * may finish on its own meanwhile), then say plainly what happened.
 */

/**
 * Why Cancel cannot work for this task right now, or undefined when it can. The Agent API
 * cancels a queued or running run; the Cloud API stops only `processing`/`saving` tasks
 * (running here) and refuses a `pending` one, so offering it there could only fail.
 */
export function cancelUnavailableReason(task: {
  readonly api: ApiKind;
  readonly status: TaskStatus;
}): 'finished' | 'notStarted' | 'notActive' | undefined {
  if (isTerminal(task.status)) return 'finished';
  if (!isActive(task.status)) return 'notActive';
  if (task.api === 'cloud' && task.status !== 'running') return 'notStarted';
  return undefined;
}

export function canCancel(task: { readonly api: ApiKind; readonly status: TaskStatus }): boolean {
  return cancelUnavailableReason(task) === undefined;
}

export interface RecheckSchedule {
  /** Status checks at most; the first one is immediate. */
  readonly attempts: number;
  /** Pause between two checks. */
  readonly intervalMs: number;
}

export const CANCEL_RECHECK: RecheckSchedule = { attempts: 10, intervalMs: 1000 };

export type SettleResult =
  | { readonly settled: true; readonly status: TaskStatus; readonly checks: number }
  | {
      readonly settled: false;
      /** timeout: still active after every check; gone: the server no longer knows it; failed: the last check failed. */
      readonly reason: 'timeout' | 'gone' | 'failed';
      readonly lastStatus?: TaskStatus;
      readonly checks: number;
    };

export interface RecheckDeps {
  readonly check: (signal: AbortSignal | undefined) => Promise<TaskStatusInfo>;
  /** Every status seen, so the row follows along. */
  readonly onStatus: (info: TaskStatusInfo) => void;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  readonly schedule?: RecheckSchedule;
}

/**
 * Polls until the status is terminal or the schedule runs out. A failed check is not
 * fatal (the next one may work) except 401, which no retry cures, and 404, which means
 * the task is gone. Rejects with an AbortError when the signal aborts.
 */
export async function recheckUntilTerminal(deps: RecheckDeps): Promise<SettleResult> {
  const schedule = deps.schedule ?? CANCEL_RECHECK;
  const attempts = Math.max(1, Math.floor(schedule.attempts));
  let lastStatus: TaskStatus | undefined;
  let lastFailed = false;
  for (let check = 1; check <= attempts; check++) {
    if (deps.signal?.aborted) throw abortError();
    if (check > 1) await deps.clock.sleep(schedule.intervalMs, deps.signal).catch(() => Promise.reject(abortError()));
    try {
      const info = await deps.check(deps.signal);
      lastFailed = false;
      lastStatus = info.status;
      deps.onStatus(info);
      if (isTerminal(info.status)) return { settled: true, status: info.status, checks: check };
    } catch (error) {
      if (isAbortError(error) || deps.signal?.aborted) throw abortError();
      if (AuthError.is(error)) throw error;
      if (NotFoundError.is(error))
        return { settled: false, reason: 'gone', checks: check, ...(lastStatus ? { lastStatus } : {}) };
      lastFailed = true;
    }
  }
  return {
    settled: false,
    reason: lastFailed ? 'failed' : 'timeout',
    checks: attempts,
    ...(lastStatus ? { lastStatus } : {}),
  };
}

/** What the server said to the cancel request. */
export type CancelRequestOutcome =
  | { readonly accepted: true; readonly status?: TaskStatus }
  /** success:false (v1), or a refusal such as the Cloud API's "only running tasks can be stopped". */
  | { readonly accepted: false; readonly status?: TaskStatus; readonly serverMessage?: string };

export type CancelOutcomeKind =
  'cancelled' | 'alreadyFinished' | 'finishedOtherwise' | 'refused' | 'pending' | 'gone' | 'unconfirmed';

export interface CancelOutcome {
  readonly kind: CancelOutcomeKind;
  readonly severity: 'info' | 'warning';
  readonly message: string;
  /** The last status known, if any. */
  readonly finalStatus?: TaskStatus;
}

/** One plain sentence (or two) for every way a cancel can end. `label` comes from taskLabelForMessage. */
export function describeCancelOutcome(input: {
  readonly label: string;
  readonly request: CancelRequestOutcome;
  readonly settle: SettleResult;
  readonly schedule?: RecheckSchedule;
}): CancelOutcome {
  const { request, settle, label } = input;
  const finalStatus = settle.settled ? settle.status : (settle.lastStatus ?? request.status);
  const outcome = (kind: CancelOutcomeKind, severity: CancelOutcome['severity'], message: string): CancelOutcome =>
    finalStatus ? { kind, severity, message, finalStatus } : { kind, severity, message };

  if (!settle.settled && settle.reason === 'gone') {
    return outcome('gone', 'warning', l10n.t('Task {0} no longer exists on the server (it answered 404).', label));
  }
  if (!request.accepted) {
    if (finalStatus === 'cancelled')
      return outcome('alreadyFinished', 'info', l10n.t('Task {0} had already been cancelled.', label));
    if (finalStatus && isTerminal(finalStatus)) {
      return outcome(
        'alreadyFinished',
        'info',
        l10n.t('Task {0} had already finished ({1}), so there was nothing to cancel.', label, finalStatus),
      );
    }
    const reason = request.serverMessage ? cleanServerText(request.serverMessage, [], 200) : '';
    const because = reason ? l10n.t(' The server said: “{0}”.', reason) : '';
    const still = finalStatus ? l10n.t(' It still reports {0}.', finalStatus) : '';
    return outcome('refused', 'warning', l10n.t('The server did not cancel task {0}.{1}{2}', label, because, still));
  }
  if (settle.settled) {
    if (settle.status === 'cancelled') return outcome('cancelled', 'info', l10n.t('Cancelled task {0}.', label));
    return outcome(
      'finishedOtherwise',
      'warning',
      l10n.t('Task {0} finished as {1} before the cancel took effect.', label, settle.status),
    );
  }
  if (settle.reason === 'failed') {
    return outcome(
      'unconfirmed',
      'warning',
      l10n.t(
        'Cancel requested for task {0}, but its status could not be checked afterwards. The list shows its final status once it can be read.',
        label,
      ),
    );
  }
  const schedule = input.schedule ?? CANCEL_RECHECK;
  const seconds = Math.round(((Math.max(1, schedule.attempts) - 1) * schedule.intervalMs) / 1000);
  const message = finalStatus
    ? l10n.t(
        'Cancel requested for task {0}, but it still reports {1} after {2} s. The list shows its final status when it changes.',
        label,
        finalStatus,
        seconds,
      )
    : l10n.t(
        'Cancel requested for task {0}, but it has not finished after {1} s. The list shows its final status when it changes.',
        label,
        seconds,
      );
  return outcome('pending', 'warning', message);
}

/** A task's name for a message: its first line, shortened and quoted, else its id. */
export function taskLabelForMessage(task: {
  readonly id: string;
  readonly prompt?: string;
  readonly title?: string;
}): string {
  const line = cleanServerText((task.title ?? task.prompt ?? '').trim().split(/\r?\n/, 1)[0] ?? '', [], 60);
  return line === '' ? task.id : `“${line}”`;
}
