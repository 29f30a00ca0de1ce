import { parseSnapshot, SNAPSHOT_VERSION, type TaskSnapshot } from './taskSnapshot';
import type { ConnectionState, StoreConnection } from './pollingTaskStoreTypes';
import { TaskStoreState, type LatestRead } from './taskStoreState';
import { messageOf } from './taskStoreHelpers';

/**
 * The second layer of PollingTaskStore: connecting to an account (which resets every field)
 * and the snapshot glue around it, i.e. drawing the persisted snapshot at once on start and
 * writing it back after a quiet time. Apart from the refresh loop so the start-up drawing
 * rules can be read in one place.
 */

export abstract class SnapshotTaskStore extends TaskStoreState {
  /** Writes the snapshot now if anything changed. */
  async flush(): Promise<void> {
    if (this.dirty) await this.persistNow();
  }

  // ---- Connection ------------------------------------------------------------------------

  protected connect(): void {
    if (this.disposed) return;
    const next = this.options.connection.state();
    if (this.isSameAccount(next)) return;
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
    this.reportedRowProblems.clear();
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
      if (latest?.settled && latest.snapshot && latest.belongsTo(next.connection.accountKey))
        this.showSnapshot(latest.snapshot);
      else void this.restoreSnapshot(next.connection, this.epoch, latest);
    } else if (next.kind === 'pending') {
      this.state = 'loading';
    } else {
      this.state = 'noKey';
      this.problem = next.problem;
      this.options.storage
        ?.forgetLatest?.()
        .catch((error: unknown) => this.diagnostic(`Could not forget the saved task list: ${messageOf(error)}`));
    }
    this.changed.fire({ all: true });
    this.statusChanged.fire();
    this.wake();
  }

  /**
   * A change event that names the account already connected (the same key stored again, a
   * settings event that changed nothing that decides where the key goes) is not a new
   * account: the tasks, the finished-task tracker, pending cancels and the schedule stay.
   * The client is taken over (it may be a new object for the same account), and a refused
   * key gets its retry, since storing it again is the user saying it is good.
   */
  private isSameAccount(next: ConnectionState): boolean {
    if (next.kind === 'connected') {
      if (!this.connection || this.connection.accountKey !== next.connection.accountKey) return false;
      this.connection = next.connection;
      if (this.authFailed) {
        this.authFailed = false;
        this.problem = undefined;
        if (this.state === 'noKey') this.state = 'loading';
        this.lastAttemptAt = undefined;
        this.details.resume();
        this.statusChanged.fire();
        this.wake();
      }
      return true;
    }
    if (next.kind === 'none')
      return !this.connection && !this.latest && this.state === 'noKey' && this.problem === next.problem;
    return false;
  }

  /** Starts reading the latest snapshot; it is drawn if it arrives while the key is still being read. */
  protected readLatest(): LatestRead | undefined {
    const storage = this.options.storage;
    if (!storage?.loadLatest) return undefined;
    const read: LatestRead = {
      settled: false,
      snapshot: undefined,
      belongsTo: () => false,
      done: storage
        .loadLatest()
        .then(
          (latest) => {
            if (!latest) return;
            read.snapshot = parseSnapshot(latest.raw);
            read.belongsTo = (accountKey) => latest.belongsTo(accountKey);
          },
          (error: unknown) => this.diagnostic(`Could not read the latest saved task list: ${messageOf(error)}`),
        )
        .then(() => {
          read.settled = true;
          if (this.latest !== read || this.disposed || !read.snapshot) return;
          if (this.showSnapshot(read.snapshot)) this.fireSnapshotShown();
        }),
    };
    return read;
  }

  protected async restoreSnapshot(connection: StoreConnection, epoch: number, latest?: LatestRead): Promise<void> {
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
  protected showSnapshot(snapshot: TaskSnapshot): boolean {
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

  protected fireSnapshotShown(): void {
    this.changed.fire({ all: true });
    this.statusChanged.fire();
    this.wake();
  }

  // ---- Persistence -----------------------------------------------------------------------

  protected markDirty(): void {
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

  protected async persistNow(): Promise<void> {
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
}
