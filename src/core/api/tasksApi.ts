import type { ApiKind, Task, TaskDetails, TaskStatus, TaskStatusInfo } from '../tasks/model';
import type { LogStreamEvent } from '../logs/logEvents';

/** Where the next page starts: v1 pages by number, the Cloud API by offset. */
export type PageCursor = { readonly page: number } | { readonly offset: number };

export interface RequestOptions {
  readonly signal?: AbortSignal;
}

export interface ListOptions extends RequestOptions {
  /** Absent: the first page. */
  readonly cursor?: PageCursor;
  /** 1–100. */
  readonly limit?: number;
  /** Only one status. The Cloud API filters coarsely (queued and running are both "active"). */
  readonly status?: TaskStatus;
}

export interface TaskPage {
  readonly tasks: readonly Task[];
  readonly hasMore: boolean;
  /** Present when hasMore. */
  readonly next?: PageCursor;
  /** Rows skipped or fields ignored because of an unexpected type, one sentence each (absent when none). */
  readonly problems?: readonly string[];
}

export interface AgentChoice {
  readonly agent: string;
  readonly model?: string;
}

export interface CreateTaskInput {
  readonly prompt: string;
  /** GitHub clone URL; absent for a standalone task. */
  readonly repoUrl?: string;
  readonly baseBranch?: string;
  readonly model?: string;
  readonly agent?: string;
  /** 2–5 agents for a multi-agent task. */
  readonly agents?: readonly AgentChoice[];
}

export interface CreatedTask {
  /** The id to follow: v1 runId, Cloud id. */
  readonly id: string;
  readonly threadId?: string;
  /** The task as far as it is known right after creation (status queued, prompt set). */
  readonly task: Task;
  /** v1 multi-agent: how many runs were started. */
  readonly agentCount?: number;
}

export interface ContinueInput {
  readonly prompt: string;
  readonly model?: string;
  readonly agent?: string;
}

export interface ContinuedTask {
  /** v1: the new run's id. Cloud: the same task id (the task itself runs again). */
  readonly id: string;
  readonly previousId: string;
  readonly threadId?: string;
  /** What is known of the run that now follows (status queued for v1). */
  readonly task: Task;
}

export interface CancelResult {
  readonly success: boolean;
  readonly status?: TaskStatus;
  /** The server's explanation, untrusted text. */
  readonly message?: string;
}

export interface RenameResult {
  readonly success: boolean;
  /** The server's explanation, untrusted text. */
  readonly message?: string;
}

export interface LogStreamOptions extends RequestOptions {
  /** v1: drop text-delta events. */
  readonly includeDeltas?: boolean;
  /** Reconnect attempts after a drop before giving up (default 5). */
  readonly maxReconnects?: number;
}

/**
 * One interface over both BLACKBOX task APIs. Every method takes an AbortSignal;
 * idempotent reads retry transient failures, writes never retry blindly.
 * Errors are the classes in ./errors.
 */
export interface TasksApi {
  readonly kind: ApiKind;
  readonly baseUrl: string;
  list(options?: ListOptions): Promise<TaskPage>;
  get(id: string, options?: RequestOptions): Promise<TaskDetails>;
  status(id: string, options?: RequestOptions): Promise<TaskStatusInfo>;
  create(input: CreateTaskInput, options?: RequestOptions): Promise<CreatedTask>;
  continue(id: string, input: ContinueInput, options?: RequestOptions): Promise<ContinuedTask>;
  cancel(id: string, options?: RequestOptions): Promise<CancelResult>;
  /** Renames the task's conversation. Absent where the API has no rename (the Cloud API). */
  rename?(id: string, title: string, options?: RequestOptions): Promise<RenameResult>;
  /**
   * The task's log as normalised events, each delivered exactly once even across
   * reconnects. Ends after a finish/complete event or a terminal status; ends early
   * (without throwing) when the signal aborts.
   */
  streamLogs(id: string, options?: LogStreamOptions): AsyncIterable<LogStreamEvent>;
}
