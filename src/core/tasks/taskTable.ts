import type { DetailsFields } from './detailsCache';
import { TransitionTracker } from './finishedTasks';
import { isActive, isTerminal, type Task, type TaskDetails, type TaskStatus } from './model';
import { foldAnswer, foldFields, holdStatus, settleActive, type AnswerKind, type MutableTask } from './taskMerge';
import type { TaskSnapshot } from './taskSnapshot';

/** What one fold into the table changed. */
export interface TableChange {
  /** Rows whose task changed (or that appeared). */
  readonly changed: readonly string[];
  /** Tasks seen active in live data that have just become terminal. */
  readonly finished: readonly Task[];
  /** Whether the number of active tasks may have changed (the schedule then looks again). */
  readonly activity: boolean;
}

export const NO_CHANGE: TableChange = { changed: [], finished: [], activity: false };

/** Several folds as one change. */
export function combineChanges(changes: readonly TableChange[]): TableChange {
  const changed = new Set<string>();
  const finished: Task[] = [];
  let activity = false;
  for (const change of changes) {
    for (const id of change.changed) changed.add(id);
    finished.push(...change.finished);
    activity ||= change.activity;
  }
  return changed.size || finished.length || activity ? { changed: [...changed], finished, activity } : NO_CHANGE;
}

export interface FoldOptions {
  /** When the request that brought the answer started: an answer older than a status seen since is not applied. */
  readonly requestStartedAt?: number;
  /** Live data (not a saved snapshot): only live data can report a task as just finished. */
  readonly live?: boolean;
}

/**
 * The user's tasks as known in memory, and every rule for folding new data into them: list
 * rows, statuses from streams and polls, tasks built here, v1 details. Pure and synchronous:
 * each method returns what changed, and the store decides what to fire, persist or schedule.
 */
export class TaskTable {
  private readonly tasks = new Map<string, Task>();
  /** Position in the server's list (lower first), to order tasks that have no time. */
  private readonly ranks = new Map<string, number>();
  private readonly pendingCancel = new Set<string>();
  /** When a status last came from a stream or an upsert: older list answers must not undo it. */
  private readonly statusStamp = new Map<string, number>();
  private readonly tracker = new TransitionTracker();

  /** `cachedDetails` gives what earlier details said of a task the table does not hold yet. */
  constructor(private readonly cachedDetails: (id: string) => DetailsFields | undefined = () => undefined) {}

  get size(): number {
    return this.tasks.size;
  }

  all(): readonly Task[] {
    return [...this.tasks.values()];
  }

  get(id: string): Task | undefined {
    return this.tasks.get(id);
  }

  rank(): ReadonlyMap<string, number> {
    return this.ranks;
  }

  setRank(id: string, rank: number, options: { readonly keepKnown?: boolean } = {}): void {
    if (options.keepKnown && this.ranks.has(id)) return;
    this.ranks.set(id, rank);
  }

  activeIds(): string[] {
    const ids: string[] = [];
    for (const task of this.tasks.values()) if (isActive(task.status)) ids.push(task.id);
    return ids;
  }

  activeCount(): number {
    let count = 0;
    for (const task of this.tasks.values()) if (isActive(task.status)) count++;
    return count;
  }

  isPendingCancel(id: string): boolean {
    return this.pendingCancel.has(id);
  }

  /** Marks a cancel as under way (only for a task that is not terminal); true when that changed. */
  setPendingCancel(id: string, pending: boolean): boolean {
    const task = this.tasks.get(id);
    const wanted = pending && task !== undefined && !isTerminal(task.status);
    if (wanted === this.pendingCancel.has(id)) return false;
    if (wanted) this.pendingCancel.add(id);
    else this.pendingCancel.delete(id);
    return true;
  }

  /**
   * Folds one task from the server into what is known: the answer is the truth for every field
   * it speaks about (see taskMerge.ts), the rest keeps what earlier answers or details gave. A
   * status older than one seen on a stream is not applied, and a v1 run that is terminal never
   * goes back (a finished run never changes); either way the status fields stay together.
   */
  fold(incoming: Task, kind: AnswerKind, options: FoldOptions = {}): TableChange {
    const previous = this.tasks.get(incoming.id);
    let next: MutableTask;
    if (!previous) {
      next = settleActive({ ...this.cachedDetails(incoming.id), ...presentFields(incoming) } as MutableTask, incoming);
    } else {
      next = foldAnswer(previous, incoming, kind);
      const stamp = this.statusStamp.get(incoming.id);
      const requestStartedAt = options.requestStartedAt;
      const olderThanStream = requestStartedAt !== undefined && stamp !== undefined && requestStartedAt < stamp;
      const goingBack = previous.api === 'agent' && isTerminal(previous.status) && !isTerminal(next.status);
      if (olderThanStream || goingBack) holdStatus(next, previous);
    }
    return this.put(previous, next, options.live ?? true);
  }

  /** A task learnt here (created, continued, fetched by the details page): its status is as new as `now`. */
  upsert(task: Task, kind: AnswerKind, now: number): TableChange {
    const incoming: Task = this.tasks.has(task.id) || task.createdAt !== undefined ? task : { ...task, createdAt: now };
    this.statusStamp.set(task.id, now);
    return this.fold(incoming, kind);
  }

  /**
   * A status (with what came with it) for a known task. `stampAt` marks it as seen live at that
   * time (a stream); `requestStartedAt` drops it when a newer status is known.
   */
  applyStatus(
    id: string,
    patch: Partial<MutableTask> & { readonly status: TaskStatus },
    kind: AnswerKind,
    options: { readonly stampAt?: number; readonly requestStartedAt?: number } = {},
  ): TableChange {
    const previous = this.tasks.get(id);
    if (!previous) return NO_CHANGE;
    const stamp = this.statusStamp.get(id);
    if (options.requestStartedAt !== undefined && stamp !== undefined && options.requestStartedAt < stamp)
      return NO_CHANGE;
    if (previous.api === 'agent' && isTerminal(previous.status) && !isTerminal(patch.status)) return NO_CHANGE;
    if (options.stampAt !== undefined) this.statusStamp.set(id, options.stampAt);
    return this.put(previous, foldAnswer(previous, patch, kind), true);
  }

  /** A v1 run's details: their fields, and a terminal status (an active one may be older than the list's). */
  applyDetails(id: string, details: TaskDetails, fields: DetailsFields, spoken: readonly (keyof Task)[]): TableChange {
    const previous = this.tasks.get(id);
    if (!previous) return NO_CHANGE;
    const next = foldFields(previous, fields, spoken);
    if (details.threadId && !next.threadId) next.threadId = details.threadId;
    if (isTerminal(details.status) && !isTerminal(previous.status)) {
      next.status = details.status;
      next.rawStatus = details.rawStatus;
      if (details.completedAt !== undefined) next.completedAt = details.completedAt;
    }
    return this.put(previous, next, true);
  }

  /** Forgets a task; true when it was known. */
  remove(id: string): boolean {
    if (!this.tasks.delete(id)) return false;
    this.ranks.delete(id);
    this.pendingCancel.delete(id);
    this.statusStamp.delete(id);
    this.tracker.forget(id);
    return true;
  }

  /** Adds a saved snapshot's tasks that are not known yet, in its order; false when it has none. */
  addSnapshot(snapshot: TaskSnapshot): boolean {
    if (snapshot.tasks.length === 0) return false;
    snapshot.tasks.forEach((task, index) => {
      if (this.tasks.has(task.id)) return;
      this.tasks.set(task.id, task);
      this.ranks.set(task.id, index);
    });
    return true;
  }

  /** The newest `limit` tasks (by creation time, then list position), for the snapshot. */
  newest(limit: number): { readonly tasks: readonly Task[]; readonly truncated: boolean } {
    const newestFirst = [...this.tasks.values()].sort((a, b) => {
      const byTime = (b.createdAt ?? -Infinity) - (a.createdAt ?? -Infinity);
      if (byTime !== 0 && !Number.isNaN(byTime)) return byTime;
      return (this.ranks.get(a.id) ?? Number.MAX_SAFE_INTEGER) - (this.ranks.get(b.id) ?? Number.MAX_SAFE_INTEGER);
    });
    const tasks = newestFirst.slice(0, limit);
    return { tasks, truncated: tasks.length < newestFirst.length };
  }

  clear(): void {
    this.tasks.clear();
    this.ranks.clear();
    this.pendingCancel.clear();
    this.statusStamp.clear();
    this.tracker.clear();
  }

  private put(previous: Task | undefined, next: Task, live: boolean): TableChange {
    let changed = previous === undefined || !sameTask(previous, next);
    const finished = live && this.tracker.observe(next.id, next.status) ? [next] : [];
    if (isTerminal(next.status) && this.pendingCancel.delete(next.id)) changed = true;
    if (changed) this.tasks.set(next.id, next);
    const activity = previous === undefined || isActive(previous.status) !== isActive(next.status);
    if (!changed && !finished.length) return NO_CHANGE;
    return { changed: changed ? [next.id] : [], finished, activity };
  }
}

/** The fields of `task` that hold a value (null and undefined dropped). */
function presentFields(task: Task): Partial<MutableTask> {
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
