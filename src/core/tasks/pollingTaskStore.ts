import { ApiError, AuthError, NotFoundError, RateLimitError, isAbortError } from '../http/errors';
import { forEachLimited } from '../util/async';
import { systemClock, type Clock } from '../util/clock';
import { Disposable } from '../util/disposable';
import { Emitter, type Event } from '../util/emitter';
import { messageOf } from '../util/errorMessage';
import { AccountSession } from './accountSession';
import { DETAILS_SPOKEN, DetailsCache, detailsFieldsOf, type DetailsOutcome } from './detailsCache';
import type { Task, TaskStatus } from './model';
import { activeTasksOutsideList, DEFAULT_REFRESH_POLICY } from './refreshPolicy';
import { RefreshScheduler, type Activity } from './refreshScheduler';
import { SnapshotPersistence, type LatestRead } from './snapshotPersistence';
import { listAnswer, statusAnswer, taskAnswer, type MutableTask } from './taskMerge';
import { SNAPSHOT_VERSION, type TaskSnapshot } from './taskSnapshot';
import type {
  ConnectionState,
  PollingTaskStoreOptions,
  StoreState,
  StoreStatus,
  TaskListStore,
  TaskStoreChange,
} from './taskStore';
import { combineChanges, TaskTable, type TableChange } from './taskTable';
import * as l10n from '@vscode/l10n';

const noKeyProblem = (): string =>
  l10n.t('The BLACKBOX API did not accept the API key. Run “BLACKBOX: Set API Key…” to set a valid one.');

/**
 * The TaskStore the tree, the commands and the log channels share (the Tasks view sees it as
 * a TaskListStore). A small facade over collaborating parts, each with one job:
 * - `TaskTable`: the tasks in memory and how answers fold into them (pure);
 * - `AccountSession`: one account's client, paging and backoff; retiring it drops its answers;
 * - `DetailsCache`: v1 details fetched lazily for the rows being drawn;
 * - `SnapshotPersistence`: the saved list that draws at once on the next start;
 * - `RefreshScheduler`: when to refresh (one list call per tick, `refreshPolicy` decides).
 * It never shows UI: problems become `status().problem` for the view to display.
 */
export class PollingTaskStore extends Disposable implements TaskListStore {
  private readonly changed = this.register(new Emitter<TaskStoreChange>((error) => this.listenerFailed(error)));
  readonly onDidChange: Event<TaskStoreChange> = this.changed.event;
  private readonly statusChanged = this.register(new Emitter<void>((error) => this.listenerFailed(error)));
  /** The state, problem, staleness or paging changed. */
  readonly onDidChangeStatus: Event<void> = this.statusChanged.event;
  private readonly finishedEmitter = this.register(new Emitter<readonly Task[]>((error) => this.listenerFailed(error)));
  /** Tasks this store saw active (from live data) that have just become terminal; one event per update. */
  readonly onDidFinish: Event<readonly Task[]> = this.finishedEmitter.event;

  private readonly clock: Clock;
  private readonly pageSize: number;
  private readonly snapshotLimit: number;
  private readonly defaultRetryAfterMs: number;
  private readonly details: DetailsCache;
  private readonly table: TaskTable;
  private readonly persistence: SnapshotPersistence;
  private readonly scheduler: RefreshScheduler;

  private session: AccountSession | undefined;
  /** The latest saved list, being read while the stored key is; cleared once the account is known. */
  private latest: LatestRead | undefined;
  /** Paging of a saved list drawn before any account was connected. */
  private snapshotPaging: { readonly loadedCount: number; readonly hasMore: boolean } | undefined;
  private state: StoreState = 'loading';
  private stale = false;
  private problem: string | undefined;
  private refreshing = false;
  private loadingMore = false;
  private started = false;

  constructor(private readonly options: PollingTaskStoreOptions) {
    super();
    this.clock = options.clock ?? systemClock;
    this.pageSize = Math.min(100, Math.max(1, options.pageSize ?? 50));
    this.snapshotLimit = options.snapshotLimit ?? 500;
    this.defaultRetryAfterMs = options.defaultRetryAfterMs ?? 30_000;
    this.details = this.register(
      new DetailsCache({
        fetch: (id, signal) => this.fetchDetails(id, signal),
        onOutcome: (id, outcome) => this.onDetails(id, outcome),
        now: () => this.clock.now(),
        concurrency: options.detailsConcurrency ?? 3,
      }),
    );
    this.table = new TaskTable((id) => this.details.get(id)?.fields);
    this.persistence = new SnapshotPersistence({
      ...(options.storage ? { storage: options.storage } : {}),
      clock: this.clock,
      delayMs: options.persistDelayMs ?? 2_000,
      onDiagnostic: (message) => this.diagnostic(message),
    });
    this.scheduler = this.register(
      new RefreshScheduler(
        this.clock,
        { ...DEFAULT_REFRESH_POLICY, ...options.policy },
        () => ({
          lastAttemptAt: this.session?.lastAttemptAt,
          activeCount: this.table.activeCount(),
          connected: this.session !== undefined,
          authFailed: this.session?.authFailed ?? false,
          notBefore: this.session?.notBefore,
          consecutiveFailures: this.session?.consecutiveFailures ?? 0,
          neverLoaded: !(this.session?.receivedLive ?? false),
        }),
        () => this.refreshOnce(),
      ),
    );
  }

  /** Connects and starts the refresh schedule. Never waits on the network. */
  start(): void {
    if (this.started || this.isDisposed) return;
    this.started = true;
    this.register(this.options.connection.onDidChange(() => this.connect()));
    if (this.options.connection.state().kind === 'pending') {
      this.latest = this.persistence.readLatest((read) => {
        const snapshot = read.snapshot();
        if (this.latest !== read || this.isDisposed || !snapshot) return;
        if (this.showSnapshot(snapshot)) this.fireSnapshotShown();
      });
    }
    this.connect();
    this.scheduler.start();
  }

  // ---- TaskStore -------------------------------------------------------------------------

  tasks(): readonly Task[] {
    return this.table.all();
  }

  get(id: string): Task | undefined {
    return this.table.get(id);
  }

  upsert(task: Task): void {
    if (task.api === 'agent') this.details.remember(task.id, detailsFieldsOf(task), false, DETAILS_SPOKEN);
    this.emit(this.table.upsert(task, taskAnswer(task.api), this.clock.now()));
    this.markDirty();
    this.scheduler.wake();
  }

  applyStatus(id: string, status: TaskStatus, rawStatus: string, error?: string): void {
    const patch: Partial<MutableTask> & { status: TaskStatus } = { status, rawStatus };
    if (error) patch.error = error;
    this.applied(this.table.applyStatus(id, patch, 'stream', { stampAt: this.clock.now() }));
  }

  setPendingCancel(id: string, pending: boolean): void {
    if (this.table.setPendingCancel(id, pending)) this.changed.fire({ ids: [id] });
  }

  isPendingCancel(id: string): boolean {
    return this.table.isPendingCancel(id);
  }

  remove(id: string): void {
    if (!this.table.remove(id)) return;
    this.details.forget(id);
    this.changed.fire({ ids: [id] });
    this.markDirty();
  }

  /** A refresh the user asked for: runs now (unless the server asked to wait), retries after a refused key. */
  refresh(options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    const session = this.session;
    if (session?.authFailed) {
      session.authFailed = false;
      this.details.resume();
    }
    const wait = session?.notBefore !== undefined ? session.notBefore - this.clock.now() : 0;
    if (wait > 0 && !session?.refreshing) {
      this.setProblem(
        l10n.t('The BLACKBOX API is rate limiting requests; the tasks refresh again in {0} s.', Math.ceil(wait / 1000)),
      );
      return Promise.resolve();
    }
    return this.refreshOnce(options.signal);
  }

  // ---- Details the view asks for ---------------------------------------------------------

  /** Whether the row's v1 details (prompt, repository, branch) are still to be fetched. */
  needsDetails(id: string): boolean {
    const task = this.table.get(id);
    return task !== undefined && this.details.needs(task);
  }

  /** Asks for the details of these tasks (rows being drawn); at most a few fetches run at a time. */
  requestDetails(ids: readonly string[]): void {
    if (!this.session) return;
    const tasks = ids
      .map((id) => this.table.get(id))
      .filter((task): task is Task => task !== undefined && this.details.needs(task));
    if (tasks.length) void this.details.request(tasks);
  }

  /** Fetches missing details first in line and waits for them, at most `timeoutMs`. */
  async ensureDetails(ids: readonly string[], timeoutMs: number): Promise<void> {
    if (!this.session) return;
    const tasks = ids.map((id) => this.table.get(id)).filter((task): task is Task => task !== undefined);
    if (!tasks.some((task) => this.details.needs(task))) return;
    const timer = new AbortController();
    await Promise.race([
      this.details.request(tasks, { urgent: true }),
      this.clock.sleep(timeoutMs, timer.signal).catch(() => undefined),
    ]);
    timer.abort();
  }

  // ---- What the view needs ---------------------------------------------------------------

  status(): StoreStatus {
    const paging = this.session ?? this.snapshotPaging;
    return {
      state: this.state,
      stale: this.stale,
      ...(this.problem !== undefined ? { problem: this.problem } : {}),
      hasMore: paging?.hasMore ?? false,
      loadingMore: this.loadingMore,
      refreshing: this.refreshing,
    };
  }

  /** Position of each task in the server's list (lower first), to order tasks without a time. */
  rank(): ReadonlyMap<string, number> {
    return this.table.rank();
  }

  /** Appends the next page. Rejects with the API error so the command can show it. */
  loadMore(): Promise<void> {
    const session = this.session;
    if (session?.loadingMore) return session.loadingMore;
    if (!session?.hasMore) return Promise.resolve();
    const run = this.runLoadMore(session).finally(() => {
      if (session.loadingMore === run) session.loadingMore = undefined;
    });
    session.loadingMore = run;
    return run;
  }

  /** The view's visibility and the window's focus decide whether the schedule runs. */
  setActivity(activity: Activity): void {
    this.scheduler.setActivity(activity);
  }

  setRefreshInterval(ms: number): void {
    this.scheduler.setActiveInterval(ms);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    // What changed in the last quiet time is written now: the next start draws it.
    const session = this.session;
    void this.persistence.flush(session?.accountKey, () => this.snapshotOf(session));
    this.session?.dispose();
    super.dispose();
  }

  // ---- Accounts --------------------------------------------------------------------------

  private connect(): void {
    if (this.isDisposed) return;
    const next = this.options.connection.state();
    if (this.isSameAccount(next)) return;
    const latest = this.latest;
    if (next.kind !== 'pending') this.latest = undefined;
    this.session?.dispose();
    this.session = undefined;
    this.snapshotPaging = undefined;
    this.table.clear();
    this.details.reset();
    this.details.resume();
    this.persistence.reset();
    this.refreshing = false;
    this.loadingMore = false;
    this.stale = false;
    this.problem = undefined;
    if (next.kind === 'connected') {
      const session = new AccountSession(next.connection.api, next.connection.accountKey);
      this.session = session;
      this.state = 'loading';
      // The latest list drawn while the key was read stays drawn, without a flash of an empty tree, if it is this account's.
      const drawn = latest?.settled() ? latest.snapshot() : undefined;
      if (drawn && latest?.belongsTo(session.accountKey)) this.showSnapshot(drawn);
      else void this.restoreSnapshot(session, latest);
    } else if (next.kind === 'pending') {
      this.state = 'loading';
    } else {
      this.state = 'noKey';
      this.problem = next.problem;
      this.persistence.forgetLatest();
    }
    this.changed.fire({ all: true });
    this.statusChanged.fire();
    this.scheduler.wake();
  }

  /**
   * A change event that names the account already connected (the same key stored again, a
   * settings event that changed nothing that decides where the key goes) is not a new
   * account: the tasks, the finished-task tracker, pending cancels and the schedule stay.
   * The client is taken over (it may be a new object for the same account), and a refused
   * key gets its retry, since storing it again is the user saying it is good.
   */
  private isSameAccount(next: ConnectionState): boolean {
    const session = this.session;
    if (next.kind === 'connected') {
      if (!session || session.accountKey !== next.connection.accountKey) return false;
      session.api = next.connection.api;
      if (session.authFailed) {
        session.authFailed = false;
        session.lastAttemptAt = undefined;
        this.problem = undefined;
        if (this.state === 'noKey') this.state = 'loading';
        this.details.resume();
        this.statusChanged.fire();
        this.scheduler.wake();
      }
      return true;
    }
    if (next.kind === 'none')
      return !session && !this.latest && this.state === 'noKey' && this.problem === next.problem;
    return false;
  }

  private async restoreSnapshot(session: AccountSession, latest: LatestRead | undefined): Promise<void> {
    const snapshot = await this.persistence.restore(session.accountKey, latest);
    if (session.retired || session.receivedLive || this.isDisposed || !snapshot) return;
    if (this.showSnapshot(snapshot)) this.fireSnapshotShown();
  }

  /** Puts a saved list's tasks in the table, marked stale; the caller fires the change. */
  private showSnapshot(snapshot: TaskSnapshot): boolean {
    if (snapshot.tasks.length === 0) return false;
    for (const entry of snapshot.details) this.details.remember(entry.id, entry.fields, entry.final);
    this.table.addSnapshot(snapshot);
    if (this.session) {
      this.session.loadedCount = snapshot.loadedCount;
      this.session.hasMore = snapshot.hasMore;
    } else {
      this.snapshotPaging = { loadedCount: snapshot.loadedCount, hasMore: snapshot.hasMore };
    }
    this.stale = true;
    return true;
  }

  private fireSnapshotShown(): void {
    this.changed.fire({ all: true });
    this.statusChanged.fire();
    this.scheduler.wake();
  }

  // ---- Refresh ---------------------------------------------------------------------------

  private refreshOnce(callerSignal?: AbortSignal): Promise<void> {
    const session = this.session;
    if (!session) return Promise.resolve();
    if (session.refreshing) return session.refreshing;
    const run = this.runRefresh(session, callerSignal).finally(() => {
      if (session.refreshing === run) session.refreshing = undefined;
    });
    session.refreshing = run;
    return run;
  }

  private async runRefresh(session: AccountSession, callerSignal?: AbortSignal): Promise<void> {
    const startedAt = this.clock.now();
    session.lastAttemptAt = startedAt;
    this.setRefreshing(true);
    const signal = session.requestSignal(callerSignal);
    try {
      const page = await session.api.list({ limit: this.pageSize, signal });
      if (session.retired) return;
      this.reportRowProblems(session, page.problems);
      const listed = new Set<string>();
      const change = combineChanges(
        page.tasks.map((task, index) => {
          listed.add(task.id);
          this.table.setRank(task.id, index);
          return this.table.fold(task, listAnswer(task.api), { requestStartedAt: startedAt });
        }),
      );
      if (session.loadedCount <= this.pageSize) {
        session.hasMore = page.hasMore;
        session.nextCursor = page.next;
      }
      session.loadedCount = Math.max(session.loadedCount, page.tasks.length);
      const statusWasOff =
        this.stale || this.state !== 'ready' || this.problem !== undefined || session.consecutiveFailures > 0;
      session.receivedLive = true;
      session.consecutiveFailures = 0;
      this.stale = false;
      this.state = 'ready';
      this.problem = undefined;
      this.emit(change);
      if (statusWasOff || change.changed.length) this.statusChanged.fire();
      this.markDirty();

      const outside = activeTasksOutsideList(this.table.activeIds(), listed);
      await forEachLimited(outside, 3, (id) => this.pollOne(session, id, signal));
    } catch (error) {
      this.handleFailure(error, session);
    } finally {
      if (!session.retired) {
        this.setRefreshing(false);
        this.scheduler.wake();
      }
    }
  }

  /** One active task the list did not include: the lightweight status call. */
  private async pollOne(session: AccountSession, id: string, signal: AbortSignal): Promise<void> {
    const startedAt = this.clock.now();
    try {
      const info = await session.api.status(id, { signal });
      if (session.retired) return;
      const patch: Partial<MutableTask> & { status: TaskStatus } = { status: info.status, rawStatus: info.rawStatus };
      if (info.error) patch.error = info.error;
      if (info.progress !== undefined) patch.progress = info.progress;
      if (info.startedAt !== undefined) patch.startedAt = info.startedAt;
      if (info.completedAt !== undefined) patch.completedAt = info.completedAt;
      this.applied(this.table.applyStatus(id, patch, statusAnswer(session.api.kind), { requestStartedAt: startedAt }));
    } catch (error) {
      if (session.retired || isAbortError(error)) return;
      if (NotFoundError.is(error)) this.remove(id);
      else if (AuthError.is(error) || RateLimitError.is(error)) this.handleFailure(error, session);
      else this.diagnostic(`Status of task ${id} could not be read: ${messageOf(error)}`);
    }
  }

  private async runLoadMore(session: AccountSession): Promise<void> {
    const start = session.loadedCount;
    const cursor = session.nextPage(this.pageSize);
    const startedAt = this.clock.now();
    this.loadingMore = true;
    this.statusChanged.fire();
    try {
      const page = await session.api.list({ cursor, limit: this.pageSize, signal: session.signal });
      if (session.retired) return;
      this.reportRowProblems(session, page.problems);
      const change = combineChanges(
        page.tasks.map((task, index) => {
          this.table.setRank(task.id, start + index, { keepKnown: true });
          return this.table.fold(task, listAnswer(task.api), { requestStartedAt: startedAt });
        }),
      );
      session.loadedCount = start + page.tasks.length;
      session.hasMore = page.hasMore && page.tasks.length > 0;
      session.nextCursor = page.next;
      this.emit(change);
      this.markDirty();
    } catch (error) {
      if (session.retired || isAbortError(error)) return;
      if (AuthError.is(error) || RateLimitError.is(error)) this.handleFailure(error, session);
      throw error;
    } finally {
      if (!session.retired) {
        this.loadingMore = false;
        this.statusChanged.fire();
      }
    }
  }

  /** Turns an API failure into the status the view shows, and the waits the schedule keeps. */
  private handleFailure(error: unknown, session: AccountSession): void {
    if (session.retired || session !== this.session || isAbortError(error) || this.isDisposed) return;
    this.diagnostic(`Refreshing tasks failed: ${messageOf(error)}`);
    const showing = this.table.size > 0;
    if (AuthError.is(error)) {
      session.authFailed = true;
      this.details.pause();
      this.state = showing ? 'ready' : 'noKey';
      this.problem = noKeyProblem();
      this.statusChanged.fire();
      return;
    }
    const text = ApiError.is(error)
      ? error.userMessage
      : l10n.t('Refreshing the tasks failed unexpectedly; see the extension log.');
    if (RateLimitError.is(error)) {
      const wait = error.retryAfterMs ?? this.defaultRetryAfterMs;
      session.notBefore = this.clock.now() + wait;
      this.details.pause();
      void this.clock.sleep(wait, session.signal).then(
        () => this.details.resume(),
        () => undefined,
      );
    } else {
      session.consecutiveFailures++;
    }
    this.state = showing ? 'ready' : 'unreachable';
    this.problem = showing ? l10n.t('{0} Showing the last known tasks.', text) : text;
    this.statusChanged.fire();
  }

  // ---- Details ---------------------------------------------------------------------------

  private fetchDetails(id: string, signal: AbortSignal) {
    const session = this.session;
    if (!session) return Promise.reject(new Error('not connected'));
    return session.api.get(id, { signal: session.requestSignal(signal) });
  }

  private onDetails(id: string, outcome: DetailsOutcome): void {
    if (outcome.kind === 'missing') {
      this.remove(id);
      return;
    }
    if (outcome.kind === 'failed') {
      const error = outcome.error;
      if (isAbortError(error)) return;
      if ((AuthError.is(error) || RateLimitError.is(error)) && this.session) this.handleFailure(error, this.session);
      else this.diagnostic(`Details of task ${id} could not be read: ${messageOf(error)}`);
      return;
    }
    const details = outcome.details;
    this.applied(this.table.applyDetails(id, details, detailsFieldsOf(details), DETAILS_SPOKEN));
  }

  // ---- Changes, persistence, diagnostics -------------------------------------------------

  /** Fires what a fold changed, persists it, and lets the schedule look again when activity changed. */
  private applied(change: TableChange): void {
    this.emit(change);
    if (change.changed.length) this.markDirty();
    if (change.activity) this.scheduler.wake();
  }

  private emit(change: TableChange): void {
    if (change.changed.length) this.changed.fire({ ids: change.changed });
    if (change.finished.length) {
      // The list has no branch or error for a v1 run: fetch its final details once.
      const v1 = change.finished.filter((task) => task.api === 'agent');
      if (v1.length) void this.details.request(v1, { urgent: true });
      this.finishedEmitter.fire(change.finished);
    }
  }

  /** Marks the state changed so the saved list is written after a quiet time (once live data arrived). */
  private markDirty(): void {
    const session = this.session;
    if (!session?.receivedLive) return;
    this.persistence.markDirty(session.accountKey, () => this.snapshotOf(session), session.signal);
  }

  private snapshotOf(session: AccountSession | undefined): TaskSnapshot {
    const { tasks, truncated } = this.table.newest(this.snapshotLimit);
    return {
      version: SNAPSHOT_VERSION,
      savedAt: this.clock.now(),
      tasks,
      details: this.details.exportFor(tasks.map((task) => task.id)),
      loadedCount: truncated ? tasks.length : (session?.loadedCount ?? 0),
      hasMore: truncated || (session?.hasMore ?? false),
    };
  }

  /** Logs what a list answer could not use, once per distinct problem. */
  private reportRowProblems(session: AccountSession, problems: readonly string[] | undefined): void {
    const fresh = (problems ?? []).filter((problem) => !session.reportedRowProblems.has(problem));
    if (!fresh.length) return;
    for (const problem of fresh) session.reportedRowProblems.add(problem);
    this.diagnostic(`The task list had rows this extension could not read whole: ${fresh.join('; ')}.`, 'warn');
  }

  private setRefreshing(value: boolean): void {
    if (this.refreshing === value) return;
    this.refreshing = value;
    this.statusChanged.fire();
  }

  private setProblem(problem: string): void {
    this.problem = problem;
    this.statusChanged.fire();
  }

  private listenerFailed(error: unknown): void {
    this.diagnostic(`A part of the extension failed while handling a task change: ${messageOf(error)}`);
  }

  private diagnostic(message: string, level: 'debug' | 'warn' = 'debug'): void {
    this.options.onDiagnostic?.(message, level);
  }
}
