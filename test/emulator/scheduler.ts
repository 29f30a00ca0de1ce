/**
 * Time for the emulated service (status progression, paced logs). Real timers by
 * default; a manual clock lets tests step through a task's life with advance(ms).
 */
export interface Scheduler {
  now(): number;
  /** Runs `fn` after `ms`; returns a cancel function. */
  after(ms: number, fn: () => void): () => void;
  /** Cancels everything still scheduled. */
  dispose(): void;
}

export class RealScheduler implements Scheduler {
  private readonly timers = new Set<NodeJS.Timeout>();

  now(): number {
    return Date.now();
  }

  after(ms: number, fn: () => void): () => void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        fn();
      },
      Math.max(0, ms),
    );
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

interface ManualTimer {
  readonly due: number;
  readonly seq: number;
  readonly fn: () => void;
}

export class ManualScheduler implements Scheduler {
  private current: number;
  private seq = 0;
  private pending: ManualTimer[] = [];

  constructor(start: number) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  after(ms: number, fn: () => void): () => void {
    const timer: ManualTimer = { due: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.pending.push(timer);
    return () => {
      this.pending = this.pending.filter((t) => t !== timer);
    };
  }

  /** Moves time forward, running every timer that falls due, in order (timers they schedule included). */
  advance(ms: number): void {
    const target = this.current + Math.max(0, ms);
    for (;;) {
      let next: ManualTimer | undefined;
      for (const t of this.pending) {
        if (t.due <= target && (!next || t.due < next.due || (t.due === next.due && t.seq < next.seq))) next = t;
      }
      if (!next) break;
      const chosen = next;
      this.pending = this.pending.filter((t) => t !== chosen);
      this.current = Math.max(this.current, chosen.due);
      chosen.fn();
    }
    this.current = target;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  dispose(): void {
    this.pending = [];
  }
}
