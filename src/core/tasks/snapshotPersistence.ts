import type { Clock } from '../util/clock';
import { messageOf } from '../util/errorMessage';
import { parseSnapshot, type SnapshotStorage, type TaskSnapshot } from './taskSnapshot';

/** The latest saved snapshot (whichever account's), read at start while the stored key is read. */
export interface LatestRead {
  readonly done: Promise<void>;
  settled(): boolean;
  snapshot(): TaskSnapshot | undefined;
  belongsTo(accountKey: string): boolean;
}

export interface SnapshotPersistenceOptions {
  readonly storage?: SnapshotStorage;
  readonly clock: Clock;
  /** Quiet time before a changed state is written. */
  readonly delayMs: number;
  readonly onDiagnostic: (message: string) => void;
}

/**
 * Reading and writing the saved task list, so the next start draws the last known tree at once.
 * Writes are debounced: `markDirty` after every change, one write after a quiet time. What to
 * write is asked for when the write happens, so it is always the state of that moment.
 */
export class SnapshotPersistence {
  private dirty = false;
  private scheduled: AbortController | undefined;

  constructor(private readonly options: SnapshotPersistenceOptions) {}

  /** Starts reading the latest snapshot; `onRead` runs once it is in (with or without one). */
  readLatest(onRead: (read: LatestRead) => void): LatestRead | undefined {
    const storage = this.options.storage;
    if (!storage?.loadLatest) return undefined;
    let settled = false;
    let snapshot: TaskSnapshot | undefined;
    let belongsTo: (accountKey: string) => boolean = () => false;
    const read: LatestRead = {
      settled: () => settled,
      snapshot: () => snapshot,
      belongsTo: (accountKey) => belongsTo(accountKey),
      done: storage
        .loadLatest()
        .then(
          (latest) => {
            if (!latest) return;
            snapshot = parseSnapshot(latest.raw);
            belongsTo = (accountKey) => latest.belongsTo(accountKey);
          },
          (error: unknown) =>
            this.options.onDiagnostic(`Could not read the latest saved task list: ${messageOf(error)}`),
        )
        .then(() => {
          settled = true;
          onRead(read);
        }),
    };
    return read;
  }

  /** This account's snapshot: the latest one if it is this account's, else the account's own file. */
  async restore(accountKey: string, latest: LatestRead | undefined): Promise<TaskSnapshot | undefined> {
    const storage = this.options.storage;
    if (!storage) return undefined;
    if (latest) await latest.done;
    const fromLatest = latest?.snapshot();
    if (fromLatest && latest?.belongsTo(accountKey)) return fromLatest;
    try {
      return parseSnapshot(await storage.load(accountKey));
    } catch (error) {
      this.options.onDiagnostic(`Could not read the saved task list: ${messageOf(error)}`);
      return undefined;
    }
  }

  /** Something changed: write `snapshot()` for `accountKey` after a quiet time, unless `signal` retires it first. */
  markDirty(accountKey: string, snapshot: () => TaskSnapshot, signal: AbortSignal): void {
    if (!this.options.storage) return;
    this.dirty = true;
    if (this.scheduled && !this.scheduled.signal.aborted) return;
    const scheduled = new AbortController();
    this.scheduled = scheduled;
    const cancel = () => scheduled.abort();
    signal.addEventListener('abort', cancel, { once: true });
    this.options.clock.sleep(this.options.delayMs, AbortSignal.any([signal, scheduled.signal])).then(
      () => {
        signal.removeEventListener('abort', cancel);
        if (this.scheduled === scheduled) this.scheduled = undefined;
        void this.write(accountKey, snapshot);
      },
      () => {
        signal.removeEventListener('abort', cancel);
        if (this.scheduled === scheduled) this.scheduled = undefined;
      },
    );
  }

  /** Writes now if anything changed since the last write. */
  async flush(accountKey: string | undefined, snapshot: () => TaskSnapshot): Promise<void> {
    this.scheduled?.abort();
    this.scheduled = undefined;
    if (accountKey !== undefined) await this.write(accountKey, snapshot);
  }

  /** A new account (or none): nothing of the previous one is written any more. */
  reset(): void {
    this.scheduled?.abort();
    this.scheduled = undefined;
    this.dirty = false;
  }

  /** No account is signed in: the next start draws nothing before its key is read. */
  forgetLatest(): void {
    this.options.storage
      ?.forgetLatest?.()
      .catch((error: unknown) =>
        this.options.onDiagnostic(`Could not forget the saved task list: ${messageOf(error)}`),
      );
  }

  private async write(accountKey: string, snapshot: () => TaskSnapshot): Promise<void> {
    const storage = this.options.storage;
    if (!storage || !this.dirty) return;
    this.dirty = false;
    try {
      await storage.save(accountKey, snapshot());
    } catch (error) {
      this.options.onDiagnostic(`Could not save the task list: ${messageOf(error)}`);
    }
  }
}
