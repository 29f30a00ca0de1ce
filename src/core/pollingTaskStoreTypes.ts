import type { Clock } from './clock';
import type { Event } from './emitter';
import type { RefreshPolicyOptions } from './refreshPolicy';
import type { TasksApi } from './tasksApi';
import type { SnapshotStorage } from './taskSnapshot';

// The shapes PollingTaskStore is built from and reports through, apart from the class so the
// views and the test harness can name them without pulling in the store's machinery.

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

export interface ConnectionSource {
  state(): ConnectionState;
  readonly onDidChange: Event<void>;
}

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

export interface Activity {
  readonly viewVisible: boolean;
  readonly windowFocused: boolean;
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
