import type { Event } from '../util/emitter';
import type { Task, TaskStatus } from './model';

/** Which rows changed: their ids, or everything (a new list, a key change). */
export type TaskStoreChange = { readonly ids: readonly string[] } | { readonly all: true };

/**
 * The extension's knowledge of the user's tasks: what the tree draws, what commands
 * act on, what log streams update. Implemented by the tree issue's polling store;
 * this is the surface other parts rely on.
 */
export interface TaskStore {
  readonly onDidChange: Event<TaskStoreChange>;
  /** Every known task, in no particular order. */
  tasks(): readonly Task[];
  get(id: string): Task | undefined;
  /** Adds or updates a task learnt elsewhere (created or continued here, fetched by the details view). */
  upsert(task: Task): void;
  /** A status seen on a log stream or a status poll: applied and fired at once. */
  applyStatus(id: string, status: TaskStatus, rawStatus: string, error?: string): void;
  /** Marks a cancel request as under way ("Cancelling…") until cleared or the task is terminal. */
  setPendingCancel(id: string, pending: boolean): void;
  isPendingCancel(id: string): boolean;
  /** Forgets a task (e.g. the server answered 404 for it). */
  remove(id: string): void;
  /**
   * Fetches the details of these tasks where they are not known yet (branch, pull request and
   * prompt are only in the details for the Agent API), waiting at most `timeoutMs`.
   */
  ensureDetails(ids: readonly string[], timeoutMs: number): Promise<void>;
  /** Refreshes now, whatever the schedule; resolves when the refresh has landed or failed. */
  refresh(options?: { readonly signal?: AbortSignal }): Promise<void>;
}
