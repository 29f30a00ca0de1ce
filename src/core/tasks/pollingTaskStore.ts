import type { Disposable } from '../util/emitter';
import { ApiError, AuthError, NotFoundError, RateLimitError, isAbortError } from '../http/errors';
import { isActive, type Task } from './model';
import type { Activity, StoreConnection, StoreStatus } from './pollingTaskStoreTypes';
import { activeTasksOutsideList, planNextRefresh, type RefreshPlan } from './refreshPolicy';
import { SnapshotTaskStore } from './snapshotTaskStore';
import type { TaskStore } from './taskStore';
import type { PageCursor } from '../api/tasksApi';
import { forEachLimited, messageOf, untilAborted } from './taskStoreHelpers';
import { listAnswer, statusAnswer, type MutableTask } from './taskMerge';

/**
 * The TaskStore the tree, the commands and the log channels share. It keeps the tasks in
 * memory, refreshes them on the schedule of `refreshPolicy` (one list call per tick, a
 * status call only for an active task the list cannot show), fills in v1 details lazily,
 * and persists a snapshot so the next start draws at once. It never shows UI: problems
 * become `status().problem` for the view to display.
 */

// Built in layers by concern: taskStoreState.ts (tasks in memory, merging, details,
// finished-task detection), snapshotTaskStore.ts (connecting, snapshot restore and
// persistence), and this file (the refresh schedule, paging and failure handling).

const NO_KEY_PROBLEM = 'The BLACKBOX API did not accept the API key. Run “BLACKBOX: Set API Key…” to set a valid one.';

export class PollingTaskStore extends SnapshotTaskStore implements TaskStore, Disposable {
  /** Connects and starts the refresh schedule. Never waits on the network. */
  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    this.subscriptions.push(this.options.connection.onDidChange(() => this.connect()));
    if (this.options.connection.state().kind === 'pending') this.latest = this.readLatest();
    this.connect();
    void this.scheduleLoop();
  }

  /** A refresh the user asked for: runs now (unless the server asked to wait), retries after a refused key. */
  refresh(options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    if (this.authFailed) {
      this.authFailed = false;
      this.details.resume();
    }
    const wait = this.notBefore !== undefined ? this.notBefore - this.clock.now() : 0;
    if (wait > 0 && !this.inflightRefresh) {
      this.setProblem(
        `The BLACKBOX API is rate limiting requests; the tasks refresh again in ${Math.ceil(wait / 1000)} s.`,
      );
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
    if (activity.viewVisible === this.activity.viewVisible && activity.windowFocused === this.activity.windowFocused)
      return;
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
    const signal = callerSignal
      ? AbortSignal.any([callerSignal, this.epochController.signal])
      : this.epochController.signal;
    try {
      this.requestCount++;
      const page = await connection.api.list({ limit: this.pageSize, signal });
      if (epoch !== this.epoch) return;
      this.reportRowProblems(page.problems);
      const listed = new Set<string>();
      const changedIds: string[] = [];
      const finished: Task[] = [];
      page.tasks.forEach((task, index) => {
        listed.add(task.id);
        this.rankMap.set(task.id, index);
        this.merge(task, listAnswer(task.api), startedAt, true, changedIds, finished);
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
      this.applyPatch(id, patch, statusAnswer(connection.api.kind), undefined, startedAt);
    } catch (error) {
      if (epoch !== this.epoch || isAbortError(error)) return;
      if (NotFoundError.is(error)) this.remove(id);
      else if (AuthError.is(error) || RateLimitError.is(error)) this.handleFailure(error, epoch);
      else this.diagnostic(`Status of task ${id} could not be read: ${messageOf(error)}`);
    }
  }

  private async runLoadMore(connection: StoreConnection, epoch: number): Promise<void> {
    const start = this.loadedCount;
    const cursor: PageCursor =
      this.nextCursor ??
      (connection.api.kind === 'agent' ? { page: Math.floor(start / this.pageSize) + 1 } : { offset: start });
    const startedAt = this.clock.now();
    this.loadingMore = true;
    this.statusChanged.fire();
    try {
      this.requestCount++;
      const page = await connection.api.list({ cursor, limit: this.pageSize, signal: this.epochController.signal });
      if (epoch !== this.epoch) return;
      this.reportRowProblems(page.problems);
      const changedIds: string[] = [];
      const finished: Task[] = [];
      page.tasks.forEach((task, index) => {
        if (!this.rankMap.has(task.id)) this.rankMap.set(task.id, start + index);
        this.merge(task, listAnswer(task.api), startedAt, true, changedIds, finished);
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

  protected handleFailure(error: unknown, epoch: number): void {
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
    const text = ApiError.is(error)
      ? error.userMessage
      : 'Refreshing the tasks failed unexpectedly; see the extension log.';
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

  // ---- Schedule --------------------------------------------------------------------------

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
}
