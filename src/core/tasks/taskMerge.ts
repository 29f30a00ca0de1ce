import { isActive, type ApiKind, type Task } from './model';

/**
 * How one answer from the server is folded into what is known of a task. The newest answer
 * is the truth for every field it speaks about: a field it sends as null, or leaves out
 * although its endpoint documents it, is cleared (a Cloud task continued after a failure no
 * longer has the old error). Only fields an endpoint does not carry at all (the v1 list has
 * no prompt, repository or error) keep what an earlier answer gave. Fields no endpoint
 * documents (`title`, v1 `agent`, `progress`, `updatedAt`) are taken when present and never
 * cleared by their absence; so is `agentCount`, which only the create answer carries.
 */

export type MutableTask = { -readonly [K in keyof Task]: Task[K] };

/** Which kind of answer a task came from. */
export type AnswerKind =
  /** A row of GET /api/v1/tasks. */
  | 'agentList'
  /** GET /api/v1/tasks/{runId}, or a v1 task this client built from one (create, continue). */
  | 'agentDetails'
  /** GET /api/v1/tasks/{runId}/status. */
  | 'agentStatus'
  /** A Cloud task object (list, get, create, continue): the same shape everywhere. */
  | 'cloudTask'
  /** A status the Cloud API reported for one task (read from its task object). */
  | 'cloudStatus'
  /** A status seen on a log stream: it speaks about nothing but the status. */
  | 'stream';

/** The fields each answer speaks about, from the API reference. */
const SPOKEN: Readonly<Record<AnswerKind, readonly (keyof Task)[]>> = {
  agentList: ['status', 'rawStatus', 'threadId', 'taskKey', 'model', 'createdAt', 'startedAt', 'completedAt'],
  agentDetails: [
    'status',
    'rawStatus',
    'threadId',
    'taskKey',
    'startedAt',
    'completedAt',
    'error',
    'repoUrl',
    'baseBranch',
    'createdBranch',
  ],
  agentStatus: ['status', 'rawStatus', 'progress', 'error', 'startedAt', 'completedAt'],
  cloudTask: [
    'status',
    'rawStatus',
    'prompt',
    'model',
    'agent',
    'repoUrl',
    'baseBranch',
    'createdBranch',
    'pullRequestUrl',
    'diffStats',
    'error',
    'progress',
    'createdAt',
    'updatedAt',
    'completedAt',
    'followUps',
    'agentRuns',
  ],
  cloudStatus: ['status', 'rawStatus', 'progress', 'error', 'completedAt'],
  stream: ['status', 'rawStatus'],
};

/** The fields that describe where a run stands; held back together when its status is. */
export const STATUS_FIELDS: readonly (keyof Task)[] = ['status', 'rawStatus', 'error', 'completedAt', 'progress'];

export function spokenFields(kind: AnswerKind): readonly (keyof Task)[] {
  return SPOKEN[kind];
}

/** What a list row of this API speaks about. */
export function listAnswer(api: ApiKind): AnswerKind {
  return api === 'agent' ? 'agentList' : 'cloudTask';
}

/** What a whole task of this API (details, or one built here from an answer) speaks about. */
export function taskAnswer(api: ApiKind): AnswerKind {
  return api === 'agent' ? 'agentDetails' : 'cloudTask';
}

/** What a status poll of this API speaks about. */
export function statusAnswer(api: ApiKind): AnswerKind {
  return api === 'agent' ? 'agentStatus' : 'cloudStatus';
}

/**
 * `previous` with `incoming` folded in: every field `incoming` has (not null) is taken, every
 * spoken field it lacks is cleared, the rest is kept. A task that is active again has no final
 * error or completion time unless the answer itself gives one.
 */
export function foldAnswer(previous: Task, incoming: Partial<Task>, kind: AnswerKind): MutableTask {
  return foldFields(previous, incoming, SPOKEN[kind]);
}

/** `foldAnswer` for an answer that speaks about exactly `spoken`. */
export function foldFields(previous: Task, incoming: Partial<Task>, spoken: readonly (keyof Task)[]): MutableTask {
  const next = { ...previous } as Record<string, unknown>;
  for (const key of spoken) delete next[key];
  for (const [key, value] of Object.entries(incoming)) if (value !== undefined && value !== null) next[key] = value;
  for (const key of ['status', 'rawStatus', 'id', 'api'] as const)
    if (next[key] === undefined) next[key] = previous[key];
  return settleActive(next as MutableTask, incoming);
}

/** An active task has no final error or completion time, unless the answer that made it active says so. */
export function settleActive(task: MutableTask, incoming: Partial<Task>): MutableTask {
  if (!isActive(task.status)) return task;
  if (incoming.completedAt === undefined || incoming.completedAt === null) delete task.completedAt;
  if (incoming.error === undefined || incoming.error === null) delete task.error;
  return task;
}

/** Puts back the status fields of `previous` (an answer older than what is known about the run's status). */
export function holdStatus(next: MutableTask, previous: Task): MutableTask {
  const held = next as Record<string, unknown>;
  for (const key of STATUS_FIELDS) {
    if (previous[key] === undefined) delete held[key];
    else held[key] = previous[key];
  }
  return next;
}
