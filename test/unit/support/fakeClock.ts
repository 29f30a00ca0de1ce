import type { Clock } from '../../../src/core/util/clock';

interface Timer {
  readonly due: number;
  readonly resolve: () => void;
}

/**
 * A clock that only moves when told. Sleeps shorter than `autoBelowMs` complete by
 * themselves on the next turn of the event loop (advancing the time), so retry and
 * reconnect waits pass instantly while longer ones (request deadlines, idle timeouts)
 * stay pending until a test calls `advance`. Every requested sleep is recorded.
 */
export class FakeClock implements Clock {
  /** Every sleep requested, in order. */
  readonly sleeps: number[] = [];
  private current: number;
  private timers = new Set<Timer>();

  constructor(
    start = Date.parse('2025-01-01T00:00:00Z'),
    private readonly autoBelowMs = 0,
  ) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const timer: Timer = {
        due: this.current + ms,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.timers.delete(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.timers.add(timer);
      if (ms < this.autoBelowMs) setImmediate(() => this.advanceTo(Math.max(this.current, timer.due)));
    });
  }

  /** Moves time on and completes every sleep that is due, earliest first. */
  advance(ms: number): void {
    this.advanceTo(this.current + ms);
  }

  /** Remaining time of each pending sleep. */
  pending(): number[] {
    return [...this.timers].map((timer) => timer.due - this.current);
  }

  private advanceTo(time: number): void {
    this.current = time;
    const due = [...this.timers].filter((timer) => timer.due <= time).sort((a, b) => a.due - b.due);
    for (const timer of due) {
      this.timers.delete(timer);
      timer.resolve();
    }
  }
}

/** Waits (without sleeping) until `condition` holds, for at most `limitMs` of real time. */
export async function waitFor(condition: () => boolean, limitMs = 2000): Promise<void> {
  const startedAt = Date.now();
  while (!condition()) {
    if (Date.now() - startedAt > limitMs) throw new Error('condition not met in time');
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
