import { ALL_STATUSES, type Task } from './model';
import { detailsFieldsOf, type DetailsEntry } from './detailsCache';

/**
 * The store's state as written to disk, so the last known tree draws at once on the
 * next start. One snapshot per account (API kind, base URL, key fingerprint): two never mix. Reading is
 * defensive: a damaged or older file gives what can be read, never an exception.
 */

export const SNAPSHOT_VERSION = 1;

export interface TaskSnapshot {
  readonly version: number;
  readonly savedAt: number;
  /** Newest first. */
  readonly tasks: readonly Task[];
  readonly details: readonly DetailsEntry[];
  /** How many list entries had been loaded (for the next "Load more"). */
  readonly loadedCount: number;
  readonly hasMore: boolean;
}

/** The snapshot saved last, whichever account it belongs to, as read before the key is known. */
export interface LatestSnapshot {
  readonly raw: unknown;
  /** Whether it is this account's snapshot; the storage compares the way it names its files. */
  belongsTo(accountKey: string): boolean;
}

export interface SnapshotStorage {
  load(accountKey: string): Promise<unknown>;
  /** Writes the account's snapshot, which becomes the latest. */
  save(accountKey: string, snapshot: TaskSnapshot): Promise<void>;
  /** The latest snapshot, so the last known tree can draw while the stored key is still being read. */
  loadLatest?(): Promise<LatestSnapshot | undefined>;
  /** No account is signed in: the next start draws nothing before its key is read. */
  forgetLatest?(): Promise<void>;
}

/**
 * Which account a cached tree belongs to. `keyFingerprint` (a short one-way hash of the key,
 * never the key) keeps two accounts on the same API from seeing each other's cached tasks.
 */
export function accountKeyFor(kind: string, baseUrl: string, keyFingerprint?: string): string {
  const account = `${kind} ${baseUrl.replace(/\/+$/, '')}`;
  return keyFingerprint ? `${account} ${keyFingerprint}` : account;
}

const STATUSES = new Set<string>(ALL_STATUSES);

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Copies only the fields a Task has, each with the right type. */
export function parseSnapshotTask(value: unknown): Task | undefined {
  const raw = record(value);
  if (!raw) return undefined;
  const id = str(raw.id);
  const api = raw.api === 'agent' || raw.api === 'cloud' ? raw.api : undefined;
  const status = str(raw.status);
  if (!id || !api || !status || !STATUSES.has(status)) return undefined;
  const task: Record<string, unknown> = {
    id,
    api,
    status: status,
    rawStatus: str(raw.rawStatus) ?? status,
  };
  for (const key of [
    'threadId',
    'taskKey',
    'prompt',
    'title',
    'model',
    'agent',
    'repoUrl',
    'baseBranch',
    'createdBranch',
    'pullRequestUrl',
    'error',
    'previousRunId',
  ]) {
    const text = str(raw[key]);
    if (text !== undefined) task[key] = text;
  }
  for (const key of ['progress', 'createdAt', 'startedAt', 'completedAt', 'updatedAt', 'agentCount']) {
    const n = num(raw[key]);
    if (n !== undefined) task[key] = n;
  }
  const diffStats = snapshotDiffStats(raw.diffStats);
  if (diffStats) task.diffStats = diffStats;
  if (Array.isArray(raw.followUps)) {
    task.followUps = raw.followUps.flatMap((item) => {
      const f = record(item);
      const prompt = str(f?.prompt);
      if (!f || prompt === undefined) return [];
      const followStatus = str(f.status);
      return [
        {
          prompt,
          ...(num(f.createdAt) !== undefined ? { createdAt: num(f.createdAt) } : {}),
          ...(followStatus && STATUSES.has(followStatus) ? { status: followStatus } : {}),
        },
      ];
    });
  }
  if (Array.isArray(raw.agentRuns)) {
    task.agentRuns = raw.agentRuns.flatMap((item) => {
      const r = record(item);
      const agent = str(r?.agent);
      const runStatus = str(r?.status);
      if (!r || !agent || !runStatus || !STATUSES.has(runStatus)) return [];
      const run: Record<string, unknown> = { agent, status: runStatus, rawStatus: str(r.rawStatus) ?? runStatus };
      for (const key of ['model', 'branch', 'error', 'pullRequestUrl'])
        if (str(r[key]) !== undefined) run[key] = str(r[key]);
      for (const key of ['startedAt', 'completedAt']) if (num(r[key]) !== undefined) run[key] = num(r[key]);
      const runDiff = snapshotDiffStats(r.diffStats);
      if (runDiff) run.diffStats = runDiff;
      return [run];
    });
  }
  return task as unknown as Task;
}

function snapshotDiffStats(value: unknown): Task['diffStats'] {
  const diff = record(value);
  if (!diff) return undefined;
  const filesChanged = num(diff.filesChanged);
  const linesAdded = num(diff.linesAdded);
  const linesRemoved = num(diff.linesRemoved);
  return filesChanged !== undefined && linesAdded !== undefined && linesRemoved !== undefined
    ? { filesChanged, linesAdded, linesRemoved }
    : undefined;
}

export function parseSnapshot(value: unknown): TaskSnapshot | undefined {
  const raw = record(value);
  if (!raw || raw.version !== SNAPSHOT_VERSION || !Array.isArray(raw.tasks)) return undefined;
  const tasks = raw.tasks.map(parseSnapshotTask).filter((task): task is Task => task !== undefined);
  const details: DetailsEntry[] = [];
  if (Array.isArray(raw.details)) {
    for (const item of raw.details) {
      const entry = record(item);
      const id = str(entry?.id);
      const fields = record(entry?.fields);
      if (!entry || !id || !fields) continue;
      const parsed = parseSnapshotTask({ ...fields, id, api: 'agent', status: 'unknown' });
      if (parsed) details.push({ id, fields: detailsFieldsOf(parsed), final: entry.final === true });
    }
  }
  return {
    version: SNAPSHOT_VERSION,
    savedAt: num(raw.savedAt) ?? 0,
    tasks,
    details,
    loadedCount: Math.max(0, Math.floor(num(raw.loadedCount) ?? tasks.length)),
    hasMore: raw.hasMore === true,
  };
}
