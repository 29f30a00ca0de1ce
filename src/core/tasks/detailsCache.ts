import { NotFoundError } from '../http/errors';
import { isTerminal, type Task, type TaskDetails } from './model';
import { spokenFields } from './taskMerge';

/**
 * What a task's details add to its list entry (the v1 list has no prompt, repository or
 * branch), fetched lazily, a few at a time, and kept across restarts. Details fetched
 * once the task was terminal are final: a finished run never changes, so they are never
 * fetched again.
 */

/** The fields details contribute; everything else comes from the list. */
export type DetailsFields = Pick<
  Task,
  | 'prompt'
  | 'title'
  | 'repoUrl'
  | 'baseBranch'
  | 'createdBranch'
  | 'pullRequestUrl'
  | 'diffStats'
  | 'error'
  | 'model'
  | 'agent'
  | 'previousRunId'
>;

const DETAIL_KEYS = [
  'prompt',
  'title',
  'repoUrl',
  'baseBranch',
  'createdBranch',
  'pullRequestUrl',
  'diffStats',
  'error',
  'model',
  'agent',
  'previousRunId',
] as const satisfies readonly (keyof DetailsFields)[];

/** The details fields a v1 details answer speaks about: one it leaves out or sends as null is cleared. */
export const DETAILS_SPOKEN: readonly (keyof DetailsFields)[] = DETAIL_KEYS.filter((key) =>
  spokenFields('agentDetails').includes(key),
);

export interface DetailsEntry {
  readonly id: string;
  readonly fields: DetailsFields;
  /** Fetched while the task was terminal: never fetched again. */
  readonly final: boolean;
}

export type DetailsOutcome =
  | { readonly kind: 'loaded'; readonly details: TaskDetails }
  | { readonly kind: 'missing' }
  | { readonly kind: 'failed'; readonly error: unknown };

export interface DetailsCacheOptions {
  /** Fetches one task's details; rejects with the API's errors. */
  readonly fetch: (id: string, signal: AbortSignal) => Promise<TaskDetails>;
  /** Called once per finished fetch, before waiters resume. */
  readonly onOutcome: (id: string, outcome: DetailsOutcome) => void;
  readonly now: () => number;
  readonly concurrency?: number;
  /** A failed fetch is not retried before this long (default 60 s). */
  readonly retryAfterFailureMs?: number;
  /** Entries kept (least recently used dropped first; default 2,000). */
  readonly capacity?: number;
}

export function detailsFieldsOf(task: Partial<Task>): DetailsFields {
  const fields: { -readonly [K in keyof DetailsFields]?: DetailsFields[K] } = {};
  for (const key of DETAIL_KEYS) {
    const value = task[key];
    if (value !== undefined && value !== null) (fields as Record<string, unknown>)[key] = value;
  }
  return fields;
}

export class DetailsCache {
  private readonly entries = new Map<string, DetailsEntry>();
  private readonly failedAt = new Map<string, number>();
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly waiters = new Map<string, (() => void)[]>();
  private controller = new AbortController();
  private paused = false;
  private readonly concurrency: number;
  private readonly retryAfterFailureMs: number;
  private readonly capacity: number;

  constructor(private readonly options: DetailsCacheOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? 3);
    this.retryAfterFailureMs = options.retryAfterFailureMs ?? 60_000;
    this.capacity = Math.max(1, options.capacity ?? 2_000);
  }

  get(id: string): DetailsEntry | undefined {
    return this.entries.get(id);
  }

  /** True when the task's row lacks what details give and a fetch would be useful now. */
  needs(task: Task): boolean {
    if (task.api !== 'agent') return false;
    const entry = this.entries.get(task.id);
    if (entry?.final) return false;
    const failed = this.failedAt.get(task.id);
    if (failed !== undefined && this.options.now() - failed < this.retryAfterFailureMs) return false;
    if (!entry) return task.prompt === undefined || isTerminal(task.status);
    // Fetched while active: fetch once more when terminal for the final branch and error.
    return isTerminal(task.status);
  }

  /**
   * Records what is known (from a fetch, or without one: a task created here knows its
   * prompt). The `spoken` fields are the answer's truth: those it lacks are forgotten.
   */
  remember(id: string, fields: DetailsFields, final: boolean, spoken: readonly (keyof DetailsFields)[] = []): void {
    const previous = this.entries.get(id);
    if (previous?.final && !final) return;
    const kept: { -readonly [K in keyof DetailsFields]?: DetailsFields[K] } = { ...previous?.fields };
    for (const key of spoken) delete kept[key];
    this.entries.delete(id);
    this.entries.set(id, { id, fields: { ...kept, ...fields }, final });
    this.evict();
  }

  forget(id: string): void {
    this.entries.delete(id);
    this.failedAt.delete(id);
  }

  /** Queues fetches for the tasks that need them; resolves when each has finished (or the cache is reset). */
  request(tasks: readonly Task[], options: { readonly urgent?: boolean } = {}): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const task of tasks) {
      const running = this.inFlight.get(task.id);
      if (running) {
        waits.push(running);
        continue;
      }
      if (!this.needs(task)) continue;
      if (!this.queued.has(task.id)) {
        this.queued.add(task.id);
        if (options.urgent) this.queue.unshift(task.id);
        else this.queue.push(task.id);
      } else if (options.urgent) {
        this.queue.splice(this.queue.indexOf(task.id), 1);
        this.queue.unshift(task.id);
      }
      waits.push(new Promise<void>((resolve) => this.addWaiter(task.id, resolve)));
    }
    this.pump();
    return Promise.all(waits).then(() => undefined);
  }

  /** Stops starting fetches (rate limited, key refused); queued ones wait for `resume`. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.pump();
  }

  /** Cancels everything (the connection changed) and forgets the entries. */
  reset(entries: readonly DetailsEntry[] = []): void {
    this.controller.abort();
    this.controller = new AbortController();
    this.entries.clear();
    this.failedAt.clear();
    this.queue.length = 0;
    this.queued.clear();
    this.inFlight.clear();
    for (const resolvers of this.waiters.values()) for (const resolve of resolvers) resolve();
    this.waiters.clear();
    for (const entry of entries) this.entries.set(entry.id, entry);
    this.evict();
  }

  /** Entries worth persisting for the given tasks. */
  exportFor(ids: Iterable<string>): DetailsEntry[] {
    const result: DetailsEntry[] = [];
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (entry) result.push(entry);
    }
    return result;
  }

  dispose(): void {
    this.reset();
  }

  private addWaiter(id: string, resolve: () => void): void {
    const list = this.waiters.get(id);
    if (list) list.push(resolve);
    else this.waiters.set(id, [resolve]);
  }

  private pump(): void {
    while (!this.paused && this.inFlight.size < this.concurrency && this.queue.length > 0) {
      const id = this.queue.shift() as string;
      this.queued.delete(id);
      this.inFlight.set(id, this.fetchOne(id, this.controller));
    }
  }

  private async fetchOne(id: string, controller: AbortController): Promise<void> {
    let outcome: DetailsOutcome;
    try {
      const details = await this.options.fetch(id, controller.signal);
      outcome = { kind: 'loaded', details };
    } catch (error) {
      outcome = NotFoundError.is(error) ? { kind: 'missing' } : { kind: 'failed', error };
    }
    if (controller !== this.controller) return;
    if (outcome.kind === 'loaded') {
      this.failedAt.delete(id);
      this.remember(id, detailsFieldsOf(outcome.details), isTerminal(outcome.details.status), DETAILS_SPOKEN);
    } else if (outcome.kind === 'missing') {
      this.forget(id);
    } else {
      this.failedAt.set(id, this.options.now());
    }
    this.inFlight.delete(id);
    this.options.onOutcome(id, outcome);
    const resolvers = this.waiters.get(id) ?? [];
    this.waiters.delete(id);
    for (const resolve of resolvers) resolve();
    this.pump();
  }

  private evict(): void {
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}
