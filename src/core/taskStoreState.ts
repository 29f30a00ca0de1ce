import { systemClock, type Clock } from './clock';
import { DETAILS_SPOKEN, DetailsCache, detailsFieldsOf, type DetailsOutcome } from './detailsCache';
import { Emitter, type Disposable, type Event } from './emitter';
import { AuthError, RateLimitError, isAbortError } from './errors';
import { TransitionTracker } from './finishedTasks';
import { isActive, isTerminal, type Task, type TaskStatus } from './model';
import type { PollingTaskStoreOptions, StoreConnection, StoreState, Activity } from './pollingTaskStoreTypes';
import { DEFAULT_REFRESH_POLICY, type RefreshPolicyOptions } from './refreshPolicy';
import type { TaskStoreChange } from './taskStore';
import type { PageCursor } from './tasksApi';
import type { TaskSnapshot } from './taskSnapshot';
import {
  foldAnswer,
  foldFields,
  holdStatus,
  settleActive,
  taskAnswer,
  type AnswerKind,
  type MutableTask,
} from './taskMerge';
import { messageOf } from './taskStoreHelpers';

/**
 * The first layer of PollingTaskStore: the tasks in memory and every rule for folding new
 * data into them (list rows, stream statuses, upserts, v1 details), plus the finished-task
 * detection those folds feed. It holds all of the store's state so the snapshot and polling
 * layers above it share one set of fields; what those layers own (persisting, failure
 * handling) is declared abstract here because a merge must be able to trigger it.
 */

/** The latest snapshot (whichever account's), read at start in parallel with the stored key. */
export interface LatestRead {
  settled: boolean;
  snapshot: TaskSnapshot | undefined;
  belongsTo: (accountKey: string) => boolean;
  readonly done: Promise<void>;
}

export abstract class TaskStoreState implements Disposable {
  protected readonly changed = new Emitter<TaskStoreChange>();
  readonly onDidChange: Event<TaskStoreChange> = this.changed.event;
  protected readonly statusChanged = new Emitter<void>();
  /** The state, problem, staleness or paging changed. */
  readonly onDidChangeStatus: Event<void> = this.statusChanged.event;
  protected readonly finishedEmitter = new Emitter<readonly Task[]>();
  /** Tasks this store saw active (from live data) that have just become terminal; one event per update. */
  readonly onDidFinish: Event<readonly Task[]> = this.finishedEmitter.event;

  protected readonly map = new Map<string, Task>();
  protected readonly rankMap = new Map<string, number>();
  protected readonly pendingCancel = new Set<string>();
  /** When a status last came from a stream or an upsert: older list answers must not undo it. */
  protected readonly statusStamp = new Map<string, number>();
  protected readonly tracker = new TransitionTracker();
  /** List rows already reported as skipped or partly ignored: each is logged once per connection, not per refresh. */
  protected readonly reportedRowProblems = new Set<string>();
  protected readonly details: DetailsCache;

  protected readonly clock: Clock;
  protected readonly pageSize: number;
  protected policy: RefreshPolicyOptions;
  protected readonly snapshotLimit: number;
  protected readonly persistDelayMs: number;
  protected readonly defaultRetryAfterMs: number;

  protected connection: StoreConnection | undefined;
  /** Set while the stored key is being read; cleared once the account is known. */
  protected latest: LatestRead | undefined;
  protected epoch = 0;
  protected epochController = new AbortController();
  protected state: StoreState = 'loading';
  protected stale = false;
  protected problem: string | undefined;
  protected receivedLive = false;
  protected hasMore = false;
  protected loadedCount = 0;
  protected nextCursor: PageCursor | undefined;
  protected loadingMore = false;
  protected refreshing = false;

  protected lastAttemptAt: number | undefined;
  protected failures = 0;
  protected notBefore: number | undefined;
  protected authFailed = false;
  protected activity: Activity = { viewVisible: false, windowFocused: true };

  protected inflightRefresh: Promise<void> | undefined;
  protected inflightLoadMore: Promise<void> | undefined;
  protected dirty = false;
  protected persistScheduled = false;
  protected wakeController = new AbortController();
  protected started = false;
  protected disposed = false;
  protected readonly subscriptions: Disposable[] = [];
  protected requestCount = 0;

  constructor(protected readonly options: PollingTaskStoreOptions) {
    this.clock = options.clock ?? systemClock;
    this.pageSize = Math.min(100, Math.max(1, options.pageSize ?? 50));
    this.policy = { ...DEFAULT_REFRESH_POLICY, ...options.policy };
    this.snapshotLimit = options.snapshotLimit ?? 500;
    this.persistDelayMs = options.persistDelayMs ?? 2_000;
    this.defaultRetryAfterMs = options.defaultRetryAfterMs ?? 30_000;
    this.details = new DetailsCache({
      fetch: (id, signal) => this.fetchDetails(id, signal),
      onOutcome: (id, outcome) => this.onDetails(id, outcome),
      now: () => this.clock.now(),
      concurrency: options.detailsConcurrency ?? 3,
    });
  }

  abstract dispose(): void;

  /** Marks the state changed so the snapshot is written after a quiet time. */
  protected abstract markDirty(): void;

  /** Turns an API failure into the status the view shows (and the waits the schedule keeps). */
  protected abstract handleFailure(error: unknown, epoch: number): void;

  // ---- TaskStore -------------------------------------------------------------------------

  tasks(): readonly Task[] {
    return [...this.map.values()];
  }

  get(id: string): Task | undefined {
    return this.map.get(id);
  }

  upsert(task: Task): void {
    const now = this.clock.now();
    const known = this.map.get(task.id);
    const incoming: Task = known || task.createdAt !== undefined ? task : { ...task, createdAt: now };
    this.statusStamp.set(task.id, now);
    const fields = detailsFieldsOf(incoming);
    if (task.api === 'agent') this.details.remember(task.id, fields, false, DETAILS_SPOKEN);
    const changedIds: string[] = [];
    const finished: Task[] = [];
    this.merge(incoming, taskAnswer(task.api), undefined, true, changedIds, finished);
    this.emit(changedIds, finished);
    this.markDirty();
    this.wake();
  }

  applyStatus(id: string, status: TaskStatus, rawStatus: string, error?: string): void {
    const patch: Partial<MutableTask> = { status, rawStatus };
    if (error) patch.error = error;
    this.applyPatch(id, patch, 'stream', this.clock.now());
  }

  setPendingCancel(id: string, pending: boolean): void {
    const task = this.map.get(id);
    const wanted = pending && task !== undefined && !isTerminal(task.status);
    if (wanted === this.pendingCancel.has(id)) return;
    if (wanted) this.pendingCancel.add(id);
    else this.pendingCancel.delete(id);
    this.changed.fire({ ids: [id] });
  }

  isPendingCancel(id: string): boolean {
    return this.pendingCancel.has(id);
  }

  remove(id: string): void {
    if (!this.map.delete(id)) return;
    this.rankMap.delete(id);
    this.pendingCancel.delete(id);
    this.statusStamp.delete(id);
    this.tracker.forget(id);
    this.details.forget(id);
    this.changed.fire({ ids: [id] });
    this.markDirty();
  }

  // ---- Details the view asks for ---------------------------------------------------------

  /** Whether the row's v1 details (prompt, repository, branch) are still to be fetched. */
  needsDetails(id: string): boolean {
    const task = this.map.get(id);
    return task !== undefined && this.details.needs(task);
  }

  /** Asks for the details of these tasks (rows being drawn); at most a few fetches run at a time. */
  requestDetails(ids: readonly string[]): void {
    if (!this.connection) return;
    const tasks = ids
      .map((id) => this.map.get(id))
      .filter((task): task is Task => task !== undefined && this.details.needs(task));
    if (tasks.length) void this.details.request(tasks);
  }

  /** Fetches missing details first in line and waits for them, at most `timeoutMs`. */
  async ensureDetails(ids: readonly string[], timeoutMs: number): Promise<void> {
    if (!this.connection) return;
    const tasks = ids.map((id) => this.map.get(id)).filter((task): task is Task => task !== undefined);
    if (!tasks.some((task) => this.details.needs(task))) return;
    const timer = new AbortController();
    await Promise.race([
      this.details.request(tasks, { urgent: true }),
      this.clock.sleep(timeoutMs, timer.signal).catch(() => undefined),
    ]);
    timer.abort();
  }

  // ---- Merging ---------------------------------------------------------------------------

  /**
   * Folds one task from the server into what is known: the answer is the truth for every
   * field it speaks about (see taskMerge.ts), the rest keeps what details gave. A status
   * older than one seen on a stream is not applied, and a v1 run that is terminal never
   * goes back (a finished run never changes); either way the status fields stay together.
   */
  protected merge(
    incoming: Task,
    kind: AnswerKind,
    requestStartedAt: number | undefined,
    live: boolean,
    changedIds: string[],
    finished: Task[],
  ): void {
    const previous = this.map.get(incoming.id);
    let next: MutableTask;
    if (!previous) {
      const cached = this.details.get(incoming.id);
      next = settleActive({ ...cached?.fields, ...definedFields(incoming) } as MutableTask, incoming);
    } else {
      next = foldAnswer(previous, incoming, kind);
      const stamp = this.statusStamp.get(incoming.id);
      const olderThanStream = requestStartedAt !== undefined && stamp !== undefined && requestStartedAt < stamp;
      const goingBack = previous.api === 'agent' && isTerminal(previous.status) && !isTerminal(next.status);
      if (olderThanStream || goingBack) holdStatus(next, previous);
    }
    this.store(previous, next, live, changedIds, finished);
  }

  protected applyPatch(
    id: string,
    patch: Partial<MutableTask>,
    kind: AnswerKind,
    stampAt: number | undefined,
    requestStartedAt?: number,
  ): void {
    const previous = this.map.get(id);
    if (!previous || patch.status === undefined) return;
    const stamp = this.statusStamp.get(id);
    if (requestStartedAt !== undefined && stamp !== undefined && requestStartedAt < stamp) return;
    if (previous.api === 'agent' && isTerminal(previous.status) && !isTerminal(patch.status)) return;
    if (stampAt !== undefined) this.statusStamp.set(id, stampAt);
    const next = foldAnswer(previous, patch, kind);
    const changedIds: string[] = [];
    const finished: Task[] = [];
    this.store(previous, next, true, changedIds, finished);
    this.emit(changedIds, finished);
    if (changedIds.length) this.markDirty();
    if (isActive(next.status) !== isActive(previous.status)) this.wake();
  }

  protected store(previous: Task | undefined, next: Task, live: boolean, changedIds: string[], finished: Task[]): void {
    let changed = previous === undefined || !sameTask(previous, next);
    if (live && this.tracker.observe(next.id, next.status)) finished.push(next);
    if (isTerminal(next.status) && this.pendingCancel.delete(next.id)) changed = true;
    if (changed) {
      this.map.set(next.id, next);
      changedIds.push(next.id);
    }
  }

  protected emit(changedIds: readonly string[], finished: readonly Task[]): void {
    if (changedIds.length) this.changed.fire({ ids: changedIds });
    if (finished.length) {
      // The list has no branch or error for a v1 run: fetch its final details once.
      const v1 = finished.filter((task) => task.api === 'agent');
      if (v1.length) void this.details.request(v1, { urgent: true });
      this.finishedEmitter.fire(finished);
    }
  }

  // ---- Details ---------------------------------------------------------------------------

  protected fetchDetails(id: string, signal: AbortSignal) {
    const connection = this.connection;
    if (!connection) return Promise.reject(new Error('not connected'));
    this.requestCount++;
    return connection.api.get(id, { signal: AbortSignal.any([signal, this.epochController.signal]) });
  }

  protected onDetails(id: string, outcome: DetailsOutcome): void {
    if (outcome.kind === 'missing') {
      this.remove(id);
      return;
    }
    if (outcome.kind === 'failed') {
      const error = outcome.error;
      if (isAbortError(error)) return;
      if (AuthError.is(error) || RateLimitError.is(error)) this.handleFailure(error, this.epoch);
      else this.diagnostic(`Details of task ${id} could not be read: ${messageOf(error)}`);
      return;
    }
    const previous = this.map.get(id);
    if (!previous) return;
    const details = outcome.details;
    const next = foldFields(previous, detailsFieldsOf(details), DETAILS_SPOKEN);
    if (details.threadId && !next.threadId) next.threadId = details.threadId;
    // A terminal status in details is final; an active one may be older than the list's.
    if (isTerminal(details.status) && !isTerminal(previous.status)) {
      next.status = details.status;
      next.rawStatus = details.rawStatus;
      if (details.completedAt !== undefined) next.completedAt = details.completedAt;
    }
    const changedIds: string[] = [];
    const finished: Task[] = [];
    this.store(previous, next, true, changedIds, finished);
    this.emit(changedIds, finished);
    if (changedIds.length) this.markDirty();
  }

  /** Logs what a list answer could not use, once per distinct problem. */
  protected reportRowProblems(problems: readonly string[] | undefined): void {
    const fresh = (problems ?? []).filter((problem) => !this.reportedRowProblems.has(problem));
    if (!fresh.length) return;
    for (const problem of fresh) this.reportedRowProblems.add(problem);
    this.diagnostic(`The task list had rows this extension could not read whole: ${fresh.join('; ')}.`, 'warn');
  }

  // ---- Schedule --------------------------------------------------------------------------

  protected wake(): void {
    this.wakeController.abort();
    this.wakeController = new AbortController();
  }

  // ---- Small helpers ---------------------------------------------------------------------

  protected setRefreshing(value: boolean): void {
    if (this.refreshing === value) return;
    this.refreshing = value;
    this.statusChanged.fire();
  }

  protected setProblem(problem: string): void {
    this.problem = problem;
    this.statusChanged.fire();
  }

  protected diagnostic(message: string, level: 'debug' | 'warn' = 'debug'): void {
    this.options.onDiagnostic?.(message, level);
  }
}

function definedFields(task: Task): Partial<MutableTask> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(task)) if (value !== undefined && value !== null) result[key] = value;
  return result;
}

function sameTask(a: Task, b: Task): boolean {
  const aKeys = Object.keys(a) as (keyof Task)[];
  if (aKeys.length !== Object.keys(b).length) return false;
  for (const key of aKeys) {
    const x = a[key];
    const y = b[key];
    if (x === y) continue;
    if (typeof x === 'object' && typeof y === 'object' && JSON.stringify(x) === JSON.stringify(y)) continue;
    return false;
  }
  return true;
}
