import type { TasksApi } from '../api/tasksApi';
import type { Clock } from '../util/clock';
import type { Event } from '../util/emitter';
import type { Task, TaskStatus } from './model';
import type { RefreshPolicyOptions } from './refreshPolicy';
import type { Activity } from './refreshScheduler';
import type { SnapshotStorage } from './taskSnapshot';

/** Which rows changed: their ids, or everything (a new list, a key change). */
export type TaskStoreChange = { readonly ids: readonly string[] } | { readonly all: true };

/**
 * The extension's knowledge of the user's tasks: what the tree draws, what commands
 * act on, what log streams update, what the status bar counts and the notifications
 * announce. PollingTaskStore implements it; this is the surface other parts rely on.
 */
export interface TaskStore {
  readonly onDidChange: Event<TaskStoreChange>;
  /** Tasks this store saw active (from live data) that have just become terminal; one event per update. */
  readonly onDidFinish: Event<readonly Task[]>;
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

/** What decides, from outside the store, how often it refreshes: whether the view is seen, and the user's setting. */
export interface RefreshControls {
  /** The view's visibility and the window's focus decide whether the schedule runs. */
  setActivity(activity: Activity): void;
  /** The user's interval between refreshes while tasks are active. */
  setRefreshInterval(ms: number): void;
}

/**
 * The store as the Tasks view draws it: beyond the tasks, the store's own status (loading,
 * problem, staleness, paging), the server's order, "Load more", the details a row still lacks,
 * and whether the view is seen. The view and the tree provider depend on this, not on a class.
 */
export interface TaskListStore extends TaskStore, RefreshControls {
  /** The state, problem, staleness or paging changed. */
  readonly onDidChangeStatus: Event<void>;
  status(): StoreStatus;
  /** Position of each task in the server's list (lower first), to order tasks without a time. */
  rank(): ReadonlyMap<string, number>;
  /** Appends the next page. Rejects with the API error so the command can show it. */
  loadMore(): Promise<void>;
  /** Whether the row's v1 details (prompt, repository, branch) are still to be fetched. */
  needsDetails(id: string): boolean;
  /** Asks for the details of these tasks (rows being drawn); at most a few fetches run at a time. */
  requestDetails(ids: readonly string[]): void;
}

export type StoreState = 'noKey' | 'loading' | 'ready' | 'unreachable';

export interface StoreConnection {
  readonly api: TasksApi;
  /** Which snapshot belongs to this connection (API kind, base URL and key fingerprint). */
  readonly accountKey: string;
}

export type ConnectionState =
  /** The stored key has not been read yet. */
  | { readonly kind: 'pending' }
  /** No key, or settings that cannot work; `problem` says which when it is not simply "no key". */
  | { readonly kind: 'none'; readonly problem?: string }
  | { readonly kind: 'connected'; readonly connection: StoreConnection };

/** Where the store learns which account to show: the API session, in the extension. */
export interface ConnectionSource {
  state(): ConnectionState;
  readonly onDidChange: Event<void>;
}

/** What the view shows about the store itself (not its tasks). */
export interface StoreStatus {
  readonly state: StoreState;
  /** Showing the persisted snapshot: no refresh has landed since the connection was made. */
  readonly stale: boolean;
  /** What went wrong, as a sentence for the view (never a notification). */
  readonly problem?: string;
  readonly hasMore: boolean;
  readonly loadingMore: boolean;
  readonly refreshing: boolean;
}

export interface PollingTaskStoreOptions {
  readonly connection: ConnectionSource;
  readonly storage?: SnapshotStorage;
  readonly clock?: Clock;
  /** Tasks per list call (1–100; default 50). */
  readonly pageSize?: number;
  readonly policy?: Partial<RefreshPolicyOptions>;
  readonly detailsConcurrency?: number;
  /** Tasks written to the snapshot (newest first; default 500). */
  readonly snapshotLimit?: number;
  /** Quiet time before a changed state is written (default 2 s). */
  readonly persistDelayMs?: number;
  /** Wait used after a 429 without Retry-After (default 30 s). */
  readonly defaultRetryAfterMs?: number;
  /** What the store noticed, for the extension log: `warn` when data had to be dropped (a list row it could not read). */
  readonly onDiagnostic?: (message: string, level?: 'debug' | 'warn') => void;
}
