/**
 * When the task list is refreshed next: a pure function of what is on screen, what is
 * running, and what the server asked for, so the schedule is tested with plain numbers.
 *
 * - Something queued or running: every `activeIntervalMs` (the user's setting, default 5 s).
 * - Nothing active: about once a minute, only to notice tasks started elsewhere.
 * - Window unfocused: paused. View hidden: paused unless tasks are active; then the list is
 *   checked only about once a minute (`hiddenActiveIntervalMs`), because the status bar and
 *   the "task finished" notifications are exactly for when the view is not in sight, but a
 *   hidden view should cost next to nothing (turn `watchActiveWhileHidden` off to pause
 *   whenever hidden).
 * - Returning after a pause catches up at once when a refresh is overdue.
 * - Retry-After is a floor; consecutive failures back off exponentially up to a cap.
 */

export interface RefreshPolicyOptions {
  readonly activeIntervalMs: number;
  readonly idleIntervalMs: number;
  readonly maxBackoffMs: number;
  readonly watchActiveWhileHidden: boolean;
  /** How often active tasks are checked while the view is hidden (window focused). */
  readonly hiddenActiveIntervalMs: number;
}

export const DEFAULT_REFRESH_POLICY: RefreshPolicyOptions = {
  activeIntervalMs: 5_000,
  idleIntervalMs: 60_000,
  maxBackoffMs: 5 * 60_000,
  watchActiveWhileHidden: true,
  hiddenActiveIntervalMs: 60_000,
};

export interface RefreshInputs {
  readonly now: number;
  /** When the last refresh started; undefined before the first. */
  readonly lastAttemptAt: number | undefined;
  readonly activeCount: number;
  readonly viewVisible: boolean;
  readonly windowFocused: boolean;
  readonly connected: boolean;
  /** The key was refused (401): nothing is retried until the key or the user changes something. */
  readonly authFailed: boolean;
  /** Earliest time the server allows another request (Retry-After). */
  readonly notBefore: number | undefined;
  readonly consecutiveFailures: number;
  /** No list has arrived since the connection was made: failures retry on the active backoff, not the idle minute. */
  readonly neverLoaded?: boolean;
}

export type PauseReason = 'noConnection' | 'authFailed' | 'unfocused' | 'hidden';

export type RefreshPlan =
  | { readonly kind: 'paused'; readonly reason: PauseReason }
  | { readonly kind: 'wait'; readonly delayMs: number; readonly periodMs: number };

function pauseReason(inputs: RefreshInputs, options: RefreshPolicyOptions): PauseReason | undefined {
  if (!inputs.connected) return 'noConnection';
  if (inputs.authFailed) return 'authFailed';
  if (!inputs.windowFocused) return 'unfocused';
  if (!inputs.viewVisible && (inputs.activeCount === 0 || !options.watchActiveWhileHidden)) return 'hidden';
  return undefined;
}

/** Time between refreshes in the current situation, failures included. */
export function refreshPeriod(
  inputs: Pick<RefreshInputs, 'activeCount' | 'consecutiveFailures' | 'neverLoaded'> & {
    readonly viewVisible?: boolean;
  },
  options: RefreshPolicyOptions,
): number {
  const watchingHidden = inputs.viewVisible === false && inputs.activeCount > 0;
  const base = watchingHidden
    ? Math.max(options.activeIntervalMs, options.hiddenActiveIntervalMs)
    : inputs.activeCount > 0 || inputs.neverLoaded
      ? options.activeIntervalMs
      : options.idleIntervalMs;
  if (inputs.consecutiveFailures <= 0) return base;
  const backoff = options.activeIntervalMs * 2 ** Math.min(inputs.consecutiveFailures, 20);
  return Math.min(options.maxBackoffMs, Math.max(base, backoff));
}

export function planNextRefresh(inputs: RefreshInputs, options: RefreshPolicyOptions): RefreshPlan {
  const reason = pauseReason(inputs, options);
  if (reason) return { kind: 'paused', reason };
  const periodMs = refreshPeriod(inputs, options);
  const due = inputs.lastAttemptAt === undefined ? inputs.now : inputs.lastAttemptAt + periodMs;
  const allowed = inputs.notBefore ?? inputs.now;
  return { kind: 'wait', delayMs: Math.max(0, due - inputs.now, allowed - inputs.now), periodMs };
}

/**
 * Which active tasks need a request of their own after the list call: those the first
 * page did not include. One list call sees every task on it (and tasks started
 * elsewhere); a status call sees one task. So the list is always the first request and
 * status calls only cover what it cannot see.
 */
export function activeTasksOutsideList(activeIds: Iterable<string>, listedIds: ReadonlySet<string>): string[] {
  const outside: string[] = [];
  for (const id of activeIds) if (!listedIds.has(id)) outside.push(id);
  return outside;
}
