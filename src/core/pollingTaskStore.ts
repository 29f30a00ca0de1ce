import { systemClock, type Clock } from './clock';
import { DetailsCache, detailsFieldsOf, type DetailsOutcome } from './detailsCache';
import { Emitter, type Disposable, type Event } from './emitter';
import { ApiError, AuthError, NotFoundError, RateLimitError, isAbortError } from './errors';
import { TransitionTracker } from './finishedTasks';
import { isActive, isTerminal, type Task, type TaskStatus } from './model';
import { activeTasksOutsideList, DEFAULT_REFRESH_POLICY, planNextRefresh, type RefreshPlan, type RefreshPolicyOptions } from './refreshPolicy';
import type { TaskStore, TaskStoreChange } from './taskStore';
import type { PageCursor, TasksApi } from './tasksApi';
import { parseSnapshot, SNAPSHOT_VERSION, type SnapshotStorage, type TaskSnapshot } from './taskSnapshot';

/**
 * The TaskStore the tree, the commands and the log channels share. It keeps the tasks in
 * memory, refreshes them on the schedule of `refreshPolicy` (one list call per tick, a
 * status call only for an active task the list cannot show), fills in v1 details lazily,
 * and persists a snapshot so the next start draws at once. It never shows UI: problems
 * become `status().problem` for the view to display.
 */

export type StoreState = 'noKey' | 'loading' | 'ready' | 'unreachable';

export interface StoreConnection {
  readonly api: TasksApi;
  /** Which snapshot belongs to this connection (API kind, base URL and key fingerprint). */
  readonly accountKey: string;
}

export type ConnectionState =
  /** The stored key has not been read yet. */
  | { readonly kind: 'pending' }
  /** No key, or settings that cannot work; `problem` says which when it is not simply "no key". */
  | { readonly kind: 'none'; readonly problem?: string }
  | { readonly kind: 'connected'; readonly connection: StoreConnection };

export interface ConnectionSource {
  state(): ConnectionState;
  readonly onDidChange: Event<void>;
}

export interface StoreStatus {
  readonly state: StoreState;
  /** Showing the persisted snapshot: no refresh has landed since the connection was made. */
  readonly stale: boolean;
  /** What went wrong, as a sentence for the view (never a notification). */
  readonly problem?: string;
  readonly hasMore: boolean;
  readonly loadingMore: boolean;
  readonly refreshing: boolean;
}

export interface Activity {
  readonly viewVisible: boolean;
  readonly windowFocused: boolean;
}

export interface PollingTaskStoreOptions {
  readonly connection: ConnectionSource;
  readonly storage?: SnapshotStorage;
  readonly clock?: Clock;
  /** Tasks per list call (1–100; default 50). */
  readonly pageSize?: number;
  readonly policy?: Partial<RefreshPolicyOptions>;
  readonly detailsConcurrency?: number;
  /** Tasks written to the snapshot (newest first; default 500). */
  readonly snapshotLimit?: number;
  /** Quiet time before a changed state is written (default 2 s). */
  readonly persistDelayMs?: number;
  /** Wait used after a 429 without Retry-After (default 30 s). */
  readonly defaultRetryAfterMs?: number;
  readonly onDiagnostic?: (message: string) => void;
}

type MutableTask = { -readonly [K in keyof Task]: Task[K] };

/** The latest snapshot (whichever account's), read at start in parallel with the stored key. */
interface LatestRead {
  settled: boolean;
  snapshot: TaskSnapshot | undefined;
  belongsTo: (accountKey: string) => boolean;
  readonly done: Promise<void>;
}

const NO_KEY_PROBLEM = 'The BLACKBOX API did not accept the API key. Run “BLACKBOX: Set API Key…” to set a valid one.';

export class PollingTaskStore implements TaskStore, Disposable {
  private readonly changed = new Emitter<TaskStoreChange>();
  readonly onDidChange: Event<TaskStoreChange> = this.changed.event;
  private readonly statusChanged = new Emitter<void>();
  /** The state, problem, staleness or paging changed. */
  readonly onDidChangeStatus: Event<void> = this.statusChanged.event;
  private readonly finishedEmitter = new Emitter<readonly Task[]>();
  /** Tasks this store saw active (from live data) that have just become terminal; one event per update. */
  readonly onDidFinish: Event<readonly Task[]> = this.finishedEmitter.event;

  private readonly map = new Map<string, Task>();
  private readonly rankMap = new Map<string, number>();
  private readonly pendingCancel = new Set<string>();
  /** When a status last came from a stream or an upsert: older list answers must not undo it. */
  private readonly statusStamp = new Map<string, number>();
  private readonly tracker = new TransitionTracker();
  private readonly details: DetailsCache;

  private readonly clock: Clock;
  private readonly pageSize: number;
  private policy: RefreshPolicyOptions;
  private readonly snapshotLimit: number;
  private readonly persistDelayMs: number;
  private readonly defaultRetryAfterMs: number;

  private connection: StoreConnection | undefined;
  /** Set while the stored key is being read; cleared once the account is known. */
  private latest: LatestRead | undefined;
  private epoch = 0;
  private epochController = new AbortController();
  private state: StoreState = 'loading';
  private stale = false;
  private problem: string | undefined;
  private receivedLive = false;
  private hasMore = false;
  private loadedCount = 0;
  private nextCursor: PageCursor | undefined;
  private loadingMore = false;
  private refreshing = false;

  private lastAttemptAt: number | undefined;
  private failures = 0;
  private notBefore: number | undefined;
  private authFailed = false;
  private activity: Activity = { viewVisible: false, windowFocused: true };

  private inflightRefresh: Promise<void> | undefined;
  private inflightLoadMore: Promise<void> | undefined;
  private dirty = false;
  private persistScheduled = false;
  private wakeController = new AbortController();
  private started = false;
  private disposed = false;
  private readonly subscriptions: Disposable[] = [];
  private requestCount = 0;

  constructor(private readonly options: PollingTaskStoreOptions) {
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

  /** Connects and starts the refresh schedule. Never waits on the network. */
  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    this.subscriptions.push(this.options.connection.onDidChange(() => this.connect()));
    if (this.options.connection.state().kind === 'pending') this.latest = this.readLatest();
    this.connect();
    void this.scheduleLoop();
  }

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
    if (task.api === 'agent' && Object.keys(fields).length) this.details.remember(task.id, fields, false);
    const changedIds: string[] = [];
    const finished: Task[] = [];
    this.merge(incoming, undefined, true, changedIds, finished);
    this.emit(changedIds, finished);
    this.markDirty();
    this.wake();
  }

  applyStatus(id: string, status: TaskStatus, rawStatus: string, error?: string): void {
    const patch: Partial<MutableTask> = { status, rawStatus };
    if (error) patch.error = error;
    this.applyPatch(id, patch, this.clock.now());
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

  /** A refresh the user asked for: runs now (unless the server asked to wait), retries after a refused key. */
  refresh(options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    if (this.authFailed) {
      this.authFailed = false;
      this.details.resume();
    }
    const wait = this.notBefore !== undefined ? this.notBefore - this.clock.now() : 0;
    if (wait > 0 && !this.inflightRefresh) {
      this.setProblem(`The BLACKBOX API is rate limiting requests; the tasks refresh again in ${Math.ceil(wait / 1000)} s.`);
      return Promise.resolve();
    }
    return this.refreshOnce(options.signal);
  }

  // ---- What the view needs ---------------------------------------------------------------

  status(): StoreStatus {
    return {
      state: this.state,
      stale: this.stale,
      ...(this.problem !== undefined ? { problem: this.problem } : {}),
      hasMore: this.hasMore,
      loadingMore: this.loadingMore,
      refreshing: this.refreshing,
    };
  }

  /** Position of each task in the server's list (lower first), to order tasks without a time. */
  rank(): ReadonlyMap<string, number> {
    return this.rankMap;
  }

  /** Whether the row's v1 details (prompt, repository, branch) are still to be fetched. */
  needsDetails(id: string): boolean {
    const task = this.map.get(id);
    return task !== undefined && this.details.needs(task);
  }

  /** Asks for the details of these tasks (rows being drawn); at most a few fetches run at a time. */
  requestDetails(ids: readonly string[]): void {
    if (!this.connection) return;
    const tasks = ids.map((id) => this.map.get(id)).filter((task): task is Task => task !== undefined && this.details.needs(task));
    if (tasks.length) void this.details.request(tasks);
  }

  /** Fetches missing details first in line and waits for them, at most `timeoutMs`. */
  async ensureDetails(ids: readonly string[], timeoutMs: number): Promise<void> {
    if (!this.connection) return;
    const tasks = ids.map((id) => this.map.get(id)).filter((task): task is Task => task !== undefined);
    if (!tasks.some((task) => this.details.needs(task))) return;
    const timer = new AbortController();
    await Promise.race([this.details.request(tasks, { urgent: true }), this.clock.sleep(timeoutMs, timer.signal).catch(() => undefined)]);
    timer.abort();
  }

  /** Appends the next page. Rejects with the API error so the command can show it. */
  loadMore(): Promise<void> {
    if (this.inflightLoadMore) return this.inflightLoadMore;
    const connection = this.connection;
    if (!connection || !this.hasMore) return Promise.resolve();
    const run = this.runLoadMore(connection, this.epoch).finally(() => {
      if (this.inflightLoadMore === run) this.inflightLoadMore = undefined;
    });
    this.inflightLoadMore = run;
    return run;
  }

  /** The view's visibility and the window's focus decide whether the schedule runs. */
  setActivity(activity: Activity): void {
    if (activity.viewVisible === this.activity.viewVisible && activity.windowFocused === this.activity.windowFocused) return;
    this.activity = activity;
    this.wake();
  }

  setRefreshInterval(ms: number): void {
    const activeIntervalMs = Math.max(1_000, ms);
    if (activeIntervalMs === this.policy.activeIntervalMs) return;
    this.policy = { ...this.policy, activeIntervalMs };
    this.wake();
  }

  /** What the schedule would do now (for tests and diagnostics). */
  plan(): RefreshPlan {
    return planNextRefresh(
      {
        now: this.clock.now(),
        lastAttemptAt: this.lastAttemptAt,
        activeCount: this.activeCount(),
        viewVisible: this.activity.viewVisible,
        windowFocused: this.activity.windowFocused,
        connected: this.connection !== undefined,
        authFailed: this.authFailed,
        notBefore: this.notBefore,
        consecutiveFailures: this.failures,
        neverLoaded: !this.receivedLive,
      },
      this.policy,
    );
  }

  activeCount(): number {
    let count = 0;
    for (const task of this.map.values()) if (isActive(task.status)) count++;
    return count;
  }

  /** Requests this store has started (list, status, details), for measurements. */
  get requestsStarted(): number {
    return this.requestCount;
  }

  /** Writes the snapshot now if anything changed. */
  async flush(): Promise<void> {
    if (this.dirty) await this.persistNow();
  }

  dispose(): void {
    if (this.disposed) return;
    void this.flush();
    this.disposed = true;
    this.wake();
    this.epochController.abort();
    this.details.dispose();
    for (const subscription of this.subscriptions) subscription.dispose();
    this.changed.dispose();
    this.statusChanged.dispose();
    this.finishedEmitter.dispose();
  }

  // ---- Connection ------------------------------------------------------------------------

  private connect(): void {
    if (this.disposed) return;
    const next = this.options.connection.state();
    const latest = this.latest;
    if (next.kind !== 'pending') this.latest = undefined;
    this.epoch++;
    this.epochController.abort();
    this.epochController = new AbortController();
    this.map.clear();
    this.rankMap.clear();
    this.pendingCancel.clear();
    this.statusStamp.clear();
    this.tracker.clear();
    this.details.reset();
    this.details.resume();
    this.hasMore = false;
    this.loadedCount = 0;
    this.nextCursor = undefined;
    this.loadingMore = false;
    this.refreshing = false;
    this.inflightRefresh = undefined;
    this.inflightLoadMore = undefined;
    this.lastAttemptAt = undefined;
    this.failures = 0;
    this.notBefore = undefined;
    this.authFailed = false;
    this.stale = false;
    this.receivedLive = false;
    this.dirty = false;
    this.problem = undefined;
    this.connection = next.kind === 'connected' ? next.connection : undefined;
    if (next.kind === 'connected') {
      this.state = 'loading';
      // The latest snapshot drawn while the key was read stays drawn, without a flash of an empty tree, if it is this account's.
      if (latest?.settled && latest.snapshot && latest.belongsTo(next.connection.accountKey)) this.showSnapshot(latest.snapshot);
      else void this.restoreSnapshot(next.connection, this.epoch, latest);
    } else if (next.kind === 'pending') {
      this.state = 'loading';
    } else {
      this.state = 'noKey';
      this.problem = next.problem;
      this.options.storage?.forgetLatest?.().catch((error: unknown) => this.diagnostic(`Could not forget the saved task list: ${messageOf(error)}`));
    }
    this.changed.fire({ all: true });
    this.statusChanged.fire();
    this.wake();
  }

  /** Starts reading the latest snapshot; it is drawn if it arrives while the key is still being read. */
  private readLatest(): LatestRead | undefined {
    const storage = this.options.storage;
    if (!storage?.loadLatest) return undefined;
    const read: LatestRead = {
      settled: false,
      snapshot: undefined,
      belongsTo: () => false,
      done: storage.loadLatest().then(
        (latest) => {
          if (!latest) return;
          read.snapshot = parseSnapshot(latest.raw);
          read.belongsTo = (accountKey) => latest.belongsTo(accountKey);
        },
        (error: unknown) => this.diagnostic(`Could not read the latest saved task list: ${messageOf(error)}`),
      ).then(() => {
        read.settled = true;
        if (this.latest !== read || this.disposed || !read.snapshot) return;
        if (this.showSnapshot(read.snapshot)) this.fireSnapshotShown();
      }),
    };
    return read;
  }

  private async restoreSnapshot(connection: StoreConnection, epoch: number, latest?: LatestRead): Promise<void> {
    const storage = this.options.storage;
    if (!storage) return;
    let snapshot: TaskSnapshot | undefined;
    if (latest) await latest.done;
    if (latest?.snapshot && latest.belongsTo(connection.accountKey)) {
      snapshot = latest.snapshot;
    } else {
      let raw: unknown;
      try {
        raw = await storage.load(connection.accountKey);
      } catch (error) {
        this.diagnostic(`Could not read the saved task list: ${messageOf(error)}`);
        return;
      }
      snapshot = parseSnapshot(raw);
    }
    if (epoch !== this.epoch || this.receivedLive || this.disposed || !snapshot) return;
    if (this.showSnapshot(snapshot)) this.fireSnapshotShown();
  }

  /** Puts a snapshot's tasks in the store, marked stale; the caller fires the change. */
  private showSnapshot(snapshot: TaskSnapshot): boolean {
    if (snapshot.tasks.length === 0) return false;
    for (const entry of snapshot.details) this.details.remember(entry.id, entry.fields, entry.final);
    snapshot.tasks.forEach((task, index) => {
      if (this.map.has(task.id)) return;
      this.map.set(task.id, task);
      this.rankMap.set(task.id, index);
    });
    this.loadedCount = snapshot.loadedCount;
    this.hasMore = snapshot.hasMore;
    this.stale = true;
    return true;
  }

  private fireSnapshotShown(): void {
    this.changed.fire({ all: true });
    this.statusChanged.fire();
    this.wake();
  }

  // ---- Refresh ---------------------------------------------------------------------------

  private refreshOnce(signal?: AbortSignal): Promise<void> {
    if (this.inflightRefresh) return this.inflightRefresh;
    const connection = this.connection;
    if (!connection) return Promise.resolve();
    const run = this.runRefresh(connection, this.epoch, signal).finally(() => {
      if (this.inflightRefresh === run) this.inflightRefresh = undefined;
    });
    this.inflightRefresh = run;
    return run;
  }

  private async runRefresh(connection: StoreConnection, epoch: number, callerSignal?: AbortSignal): Promise<void> {
    const startedAt = this.clock.now();
    this.lastAttemptAt = startedAt;
    this.setRefreshing(true);
    const signal = callerSignal ? AbortSignal.any([callerSignal, this.epochController.signal]) : this.epochController.signal;
    try {
      this.requestCount++;
      const page = await connection.api.list({ limit: this.pageSize, signal });
      if (epoch !== this.epoch) return;
      const listed = new Set<string>();
      const changedIds: string[] = [];
      const finished: Task[] = [];
      page.tasks.forEach((task, index) => {
        listed.add(task.id);
        this.rankMap.set(task.id, index);
        this.merge(task, startedAt, true, changedIds, finished);
      });
      if (this.loadedCount <= this.pageSize) {
        this.hasMore = page.hasMore;
        this.nextCursor = page.next;
      }
      this.loadedCount = Math.max(this.loadedCount, page.tasks.length);
      const statusWasOff = this.stale || this.state !== 'ready' || this.problem !== undefined || this.failures > 0;
      this.receivedLive = true;
      this.stale = false;
      this.state = 'ready';
      this.problem = undefined;
      this.failures = 0;
      this.emit(changedIds, finished);
      if (statusWasOff || changedIds.length) this.statusChanged.fire();
      this.markDirty();

      const outside = activeTasksOutsideList(
        [...this.map.values()].filter((task) => isActive(task.status)).map((task) => task.id),
        listed,
      );
      await forEachLimited(outside, 3, (id) => this.pollOne(connection, id, epoch, signal));
    } catch (error) {
      this.handleFailure(error, epoch);
    } finally {
      if (epoch === this.epoch) {
        this.setRefreshing(false);
        this.wake();
      }
    }
  }

  /** One active task the list did not include: the lightweight status call. */
  private async pollOne(connection: StoreConnection, id: string, epoch: number, signal: AbortSignal): Promise<void> {
    const startedAt = this.clock.now();
    try {
      this.requestCount++;
      const info = await connection.api.status(id, { signal });
      if (epoch !== this.epoch) return;
      const patch: Partial<MutableTask> = { status: info.status, rawStatus: info.rawStatus };
      if (info.error) patch.error = info.error;
      if (info.progress !== undefined) patch.progress = info.progress;
      if (info.startedAt !== undefined) patch.startedAt = info.startedAt;
      if (info.completedAt !== undefined) patch.completedAt = info.completedAt;
      this.applyPatch(id, patch, undefined, startedAt);
    } catch (error) {
      if (epoch !== this.epoch || isAbortError(error)) return;
      if (NotFoundError.is(error)) this.remove(id);
      else if (AuthError.is(error) || RateLimitError.is(error)) this.handleFailure(error, epoch);
      else this.diagnostic(`Status of task ${id} could not be read: ${messageOf(error)}`);
    }
  }

  private async runLoadMore(connection: StoreConnection, epoch: number): Promise<void> {
    const start = this.loadedCount;
    const cursor: PageCursor = this.nextCursor ?? (connection.api.kind === 'agent' ? { page: Math.floor(start / this.pageSize) + 1 } : { offset: start });
    const startedAt = this.clock.now();
    this.loadingMore = true;
    this.statusChanged.fire();
    try {
      this.requestCount++;
      const page = await connection.api.list({ cursor, limit: this.pageSize, signal: this.epochController.signal });
      if (epoch !== this.epoch) return;
      const changedIds: string[] = [];
      const finished: Task[] = [];
      page.tasks.forEach((task, index) => {
        if (!this.rankMap.has(task.id)) this.rankMap.set(task.id, start + index);
        this.merge(task, startedAt, true, changedIds, finished);
      });
      this.loadedCount = start + page.tasks.length;
      this.hasMore = page.hasMore && page.tasks.length > 0;
      this.nextCursor = page.next;
      this.emit(changedIds, finished);
      this.markDirty();
    } catch (error) {
      if (epoch !== this.epoch || isAbortError(error)) return;
      if (AuthError.is(error) || RateLimitError.is(error)) this.handleFailure(error, epoch);
      throw error;
    } finally {
      if (epoch === this.epoch) {
        this.loadingMore = false;
        this.statusChanged.fire();
      }
    }
  }

  private handleFailure(error: unknown, epoch: number): void {
    if (epoch !== this.epoch || isAbortError(error) || this.disposed) return;
    this.diagnostic(`Refreshing tasks failed: ${messageOf(error)}`);
    const showing = this.map.size > 0;
    if (AuthError.is(error)) {
      this.authFailed = true;
      this.details.pause();
      this.state = showing ? 'ready' : 'noKey';
      this.problem = NO_KEY_PROBLEM;
      this.statusChanged.fire();
      return;
    }
    const text = ApiError.is(error) ? error.userMessage : 'Refreshing the tasks failed unexpectedly; see the extension log.';
    if (RateLimitError.is(error)) {
      const wait = error.retryAfterMs ?? this.defaultRetryAfterMs;
      this.notBefore = this.clock.now() + wait;
      this.details.pause();
      void this.clock.sleep(wait, this.epochController.signal).then(
        () => this.details.resume(),
        () => undefined,
      );
    } else {
      this.failures++;
    }
    this.state = showing ? 'ready' : 'unreachable';
    this.problem = showing ? `${text} Showing the last known tasks.` : text;
    this.statusChanged.fire();
  }

  // ---- Merging ---------------------------------------------------------------------------

  /**
   * Folds one task from the server into what is known. List fields win, missing ones keep
   * what details gave; a status older than one seen on a stream is not applied, and a v1
   * run that is terminal never goes back (a finished run never changes).
   */
  private merge(incoming: Task, requestStartedAt: number | undefined, live: boolean, changedIds: string[], finished: Task[]): void {
    const previous = this.map.get(incoming.id);
    const defined = definedFields(incoming);
    let next: MutableTask;
    if (!previous) {
      const cached = this.details.get(incoming.id);
      next = cached ? ({ ...cached.fields, ...defined } as MutableTask) : ({ ...defined } as MutableTask);
    } else {
      next = { ...previous, ...defined } as MutableTask;
      const stamp = this.statusStamp.get(incoming.id);
      const olderThanStream = requestStartedAt !== undefined && stamp !== undefined && requestStartedAt < stamp;
      const goingBack = previous.api === 'agent' && isTerminal(previous.status) && !isTerminal(next.status);
      if (olderThanStream || goingBack) {
        next.status = previous.status;
        next.rawStatus = previous.rawStatus;
      }
      if (isActive(next.status) && incoming.completedAt === undefined) delete next.completedAt;
    }
    this.store(previous, next, live, changedIds, finished);
  }

  private applyPatch(id: string, patch: Partial<MutableTask>, stampAt: number | undefined, requestStartedAt?: number): void {
    const previous = this.map.get(id);
    if (!previous || patch.status === undefined) return;
    const stamp = this.statusStamp.get(id);
    if (requestStartedAt !== undefined && stamp !== undefined && requestStartedAt < stamp) return;
    if (previous.api === 'agent' && isTerminal(previous.status) && !isTerminal(patch.status)) return;
    if (stampAt !== undefined) this.statusStamp.set(id, stampAt);
    const next = { ...previous, ...patch } as MutableTask;
    if (isActive(next.status) && patch.completedAt === undefined) delete next.completedAt;
    const changedIds: string[] = [];
    const finished: Task[] = [];
    this.store(previous, next, true, changedIds, finished);
    this.emit(changedIds, finished);
    if (changedIds.length) this.markDirty();
    if (isActive(next.status) !== isActive(previous.status)) this.wake();
  }

  private store(previous: Task | undefined, next: Task, live: boolean, changedIds: string[], finished: Task[]): void {
    let changed = previous === undefined || !sameTask(previous, next);
    if (live && this.tracker.observe(next.id, next.status)) finished.push(next);
    if (isTerminal(next.status) && this.pendingCancel.delete(next.id)) changed = true;
    if (changed) {
      this.map.set(next.id, next);
      changedIds.push(next.id);
    }
  }

  private emit(changedIds: readonly string[], finished: readonly Task[]): void {
    if (changedIds.length) this.changed.fire({ ids: changedIds });
    if (finished.length) {
      // The list has no branch or error for a v1 run: fetch its final details once.
      const v1 = finished.filter((task) => task.api === 'agent');
      if (v1.length) void this.details.request(v1, { urgent: true });
      this.finishedEmitter.fire(finished);
    }
  }

  // ---- Details ---------------------------------------------------------------------------

  private fetchDetails(id: string, signal: AbortSignal) {
    const connection = this.connection;
    if (!connection) return Promise.reject(new Error('not connected'));
    this.requestCount++;
    return connection.api.get(id, { signal: AbortSignal.any([signal, this.epochController.signal]) });
  }

  private onDetails(id: string, outcome: DetailsOutcome): void {
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
    const next = { ...previous, ...detailsFieldsOf(details) } as MutableTask;
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

  // ---- Schedule --------------------------------------------------------------------------

  private wake(): void {
    this.wakeController.abort();
    this.wakeController = new AbortController();
  }

  private async scheduleLoop(): Promise<void> {
    while (!this.disposed) {
      const plan = this.plan();
      const signal = this.wakeController.signal;
      try {
        if (plan.kind === 'paused') await untilAborted(signal);
        else if (plan.delayMs > 0) await this.clock.sleep(plan.delayMs, signal);
        else await Promise.resolve();
      } catch {
        continue;
      }
      if (this.disposed) return;
      if (plan.kind === 'wait') await this.refreshOnce();
    }
  }

  // ---- Persistence -----------------------------------------------------------------------

  private markDirty(): void {
    if (!this.receivedLive || !this.options.storage) return;
    this.dirty = true;
    if (this.persistScheduled) return;
    this.persistScheduled = true;
    const epoch = this.epoch;
    this.clock.sleep(this.persistDelayMs, this.epochController.signal).then(
      () => {
        this.persistScheduled = false;
        if (epoch === this.epoch) void this.persistNow();
      },
      () => {
        this.persistScheduled = false;
      },
    );
  }

  /** The snapshot as it would be written now. */
  snapshot(): TaskSnapshot {
    const rank = this.rankMap;
    const newestFirst = [...this.map.values()].sort((a, b) => {
      const byTime = (b.createdAt ?? -Infinity) - (a.createdAt ?? -Infinity);
      if (byTime !== 0 && !Number.isNaN(byTime)) return byTime;
      return (rank.get(a.id) ?? Number.MAX_SAFE_INTEGER) - (rank.get(b.id) ?? Number.MAX_SAFE_INTEGER);
    });
    const kept = newestFirst.slice(0, this.snapshotLimit);
    const truncated = kept.length < newestFirst.length;
    return {
      version: SNAPSHOT_VERSION,
      savedAt: this.clock.now(),
      tasks: kept,
      details: this.details.exportFor(kept.map((task) => task.id)),
      loadedCount: truncated ? kept.length : this.loadedCount,
      hasMore: truncated || this.hasMore,
    };
  }

  private async persistNow(): Promise<void> {
    const storage = this.options.storage;
    const connection = this.connection;
    if (!storage || !connection || !this.dirty) return;
    this.dirty = false;
    try {
      await storage.save(connection.accountKey, this.snapshot());
    } catch (error) {
      this.diagnostic(`Could not save the task list: ${messageOf(error)}`);
    }
  }

  // ---- Small helpers ---------------------------------------------------------------------

  private setRefreshing(value: boolean): void {
    if (this.refreshing === value) return;
    this.refreshing = value;
    this.statusChanged.fire();
  }

  private setProblem(problem: string): void {
    this.problem = problem;
    this.statusChanged.fire();
  }

  private diagnostic(message: string): void {
    this.options.onDiagnostic?.(message);
  }
}

function definedFields(task: Task): Partial<MutableTask> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(task)) if (value !== undefined && value !== null) result[key] = value;
  return result as Partial<MutableTask>;
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

function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

async function forEachLimited<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await run(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
