/**
 * The normalised task model shared by both BLACKBOX task APIs.
 * Everything here is plain data: it crosses the core/adapter boundary and is
 * persisted in the extension's cache, so it must stay JSON-serialisable.
 */

export type ApiKind = 'agent' | 'cloud';

/** One vocabulary for both APIs; `unknown` keeps a value we do not know visible instead of dropping it. */
export type TaskStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted' | 'unknown';

export const ALL_STATUSES: readonly TaskStatus[] = [
  'running',
  'queued',
  'completed',
  'failed',
  'cancelled',
  'interrupted',
  'unknown',
];

export const ACTIVE_STATUSES: ReadonlySet<TaskStatus> = new Set<TaskStatus>(['queued', 'running']);
export const TERMINAL_STATUSES: ReadonlySet<TaskStatus> = new Set<TaskStatus>([
  'completed',
  'failed',
  'cancelled',
  'interrupted',
]);

export function isActive(status: TaskStatus): boolean {
  return ACTIVE_STATUSES.has(status);
}

export function isTerminal(status: TaskStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

export interface DiffStats {
  readonly filesChanged: number;
  readonly linesAdded: number;
  readonly linesRemoved: number;
}

/** A follow-up prompt on a Cloud task (the Cloud API keeps one task and appends these). */
export interface FollowUp {
  readonly prompt: string;
  readonly createdAt?: number;
  readonly status?: TaskStatus;
}

/** One agent's run inside a multi-agent Cloud task. */
export interface AgentRun {
  readonly agent: string;
  readonly model?: string;
  readonly status: TaskStatus;
  readonly rawStatus: string;
  readonly branch?: string;
  readonly error?: string;
  /** Undocumented fields some answers carry ("…" in the docs): read when present. */
  readonly pullRequestUrl?: string;
  readonly diffStats?: DiffStats;
  readonly startedAt?: number;
  readonly completedAt?: number;
}

export interface Task {
  /** v1: runId. Cloud: id. */
  readonly id: string;
  readonly api: ApiKind;
  /** v1: chatId (every run of a conversation shares it). Cloud: the task id itself. */
  readonly threadId?: string;
  /**
   * v1: the `taskId` the API gives next to `runId`. The runs of one multi-agent task share it;
   * for a single run it may simply equal the runId. Absent for Cloud tasks.
   */
  readonly taskKey?: string;
  /** v1: how many agents the create request started (the create answer's `agentCount`), when known. */
  readonly agentCount?: number;
  readonly status: TaskStatus;
  /** The value the server sent, kept so an unknown status can still be shown. */
  readonly rawStatus: string;
  /** The task's first user prompt. Absent from v1 list results until details are fetched. */
  readonly prompt?: string;
  readonly title?: string;
  readonly model?: string;
  readonly agent?: string;
  /** GitHub clone URL, e.g. https://github.com/owner/repo.git */
  readonly repoUrl?: string;
  readonly baseBranch?: string;
  /** The branch the agent pushed (v1 github.createdBranch, Cloud branchName). */
  readonly createdBranch?: string;
  readonly pullRequestUrl?: string;
  readonly diffStats?: DiffStats;
  readonly error?: string;
  /** 0–100 when the server reports it. */
  readonly progress?: number;
  /** Epoch milliseconds. */
  readonly createdAt?: number;
  readonly startedAt?: number;
  readonly completedAt?: number;
  readonly updatedAt?: number;
  /** v1 follow-up runs: the run this one continues, when known. */
  readonly previousRunId?: string;
  /** Cloud follow-ups, oldest first. */
  readonly followUps?: readonly FollowUp[];
  /** Cloud multi-agent executions. */
  readonly agentRuns?: readonly AgentRun[];
}

export type MessagePart =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'tool'; readonly toolName: string; readonly summary: string }
  | { readonly type: 'other'; readonly kind: string };

export interface ChatMessage {
  readonly id?: string;
  readonly role: string;
  readonly parts: readonly MessagePart[];
  readonly createdAt?: number;
}

export interface TaskDetails extends Task {
  /** The whole conversation (v1: every run of the chat; Cloud: prompt and follow-ups). */
  readonly messages: readonly ChatMessage[];
  /** v1: the id of this run's own answer among `messages` (siblings and follow-ups share the chat). */
  readonly assistantMessageId?: string;
}

/** Result of the lightweight status poll. */
export interface TaskStatusInfo {
  readonly id: string;
  readonly status: TaskStatus;
  readonly rawStatus: string;
  readonly progress?: number;
  readonly error?: string;
  readonly startedAt?: number;
  readonly completedAt?: number;
}
