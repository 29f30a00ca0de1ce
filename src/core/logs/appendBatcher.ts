/**
 * Coalesces many small appends into few large ones. Every append to an Output channel is
 * an IPC message to the workbench; a streaming log produces hundreds of deltas a second,
 * so they are gathered and written together every ~75 ms, or at once when a batch is
 * big. The pending text is bounded by the size threshold (it is written as soon as it
 * reaches it), so a fast stream never piles up here.
 */

/** The timer the batcher uses; injectable so tests drive time by hand. */
export interface BatchTimer {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const systemBatchTimer: BatchTimer = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface AppendBatcherOptions {
  /** How long an append may wait for company (default 75 ms). */
  readonly intervalMs?: number;
  /** Pending text that is written at once, without waiting (default 64 KiB of UTF-16 units). */
  readonly flushAtChars?: number;
  readonly timer?: BatchTimer;
}

export const DEFAULT_BATCH_INTERVAL_MS = 75;
export const DEFAULT_FLUSH_AT_CHARS = 64 * 1024;

export class AppendBatcher {
  private readonly intervalMs: number;
  private readonly flushAtChars: number;
  private readonly timer: BatchTimer;
  private pieces: string[] = [];
  private pendingLength = 0;
  private scheduled: unknown;
  private isScheduled = false;
  private disposed = false;

  /** `write` receives the joined text; if it throws, that text is lost and the error goes to the caller of flush/append. */
  constructor(
    private readonly write: (text: string) => void,
    options: AppendBatcherOptions = {},
  ) {
    this.intervalMs = Math.max(0, options.intervalMs ?? DEFAULT_BATCH_INTERVAL_MS);
    this.flushAtChars = Math.max(1, options.flushAtChars ?? DEFAULT_FLUSH_AT_CHARS);
    this.timer = options.timer ?? systemBatchTimer;
  }

  append(text: string): void {
    if (this.disposed || text.length === 0) return;
    this.pieces.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength >= this.flushAtChars) {
      this.flush();
      return;
    }
    if (!this.isScheduled) {
      this.isScheduled = true;
      this.scheduled = this.timer.set(() => {
        this.isScheduled = false;
        this.scheduled = undefined;
        this.flush();
      }, this.intervalMs);
    }
  }

  /** Writes what is pending now. */
  flush(): void {
    this.cancelTimer();
    if (this.pendingLength === 0) return;
    const text = this.pieces.length === 1 ? (this.pieces[0] ?? '') : this.pieces.join('');
    this.pieces = [];
    this.pendingLength = 0;
    this.write(text);
  }

  /** Forgets what is pending without writing it (the channel is being cleared). */
  discard(): void {
    this.cancelTimer();
    this.pieces = [];
    this.pendingLength = 0;
  }

  /** Stops for good; pending text is dropped (flush first to keep it). */
  dispose(): void {
    this.discard();
    this.disposed = true;
  }

  private cancelTimer(): void {
    if (!this.isScheduled) return;
    this.isScheduled = false;
    this.timer.clear(this.scheduled);
    this.scheduled = undefined;
  }
}
