import type { TaskStatus } from '../tasks/model';

/**
 * Status normalisation for both APIs. The Agent API v1 speaks two vocabularies
 * (list/details: queued/running/…; the `/status` poll: pending/in_progress/…), the Cloud
 * API a third. A value we do not know becomes `unknown` with the raw value kept, so the
 * UI can still show what the server said.
 */

export interface NormalisedStatus {
  readonly status: TaskStatus;
  readonly rawStatus: string;
}

const AGENT_STATUSES: ReadonlyMap<string, TaskStatus> = new Map<string, TaskStatus>([
  ['queued', 'queued'],
  ['running', 'running'],
  ['completed', 'completed'],
  ['failed', 'failed'],
  ['cancelled', 'cancelled'],
  ['interrupted', 'interrupted'],
  // The lightweight /status vocabulary.
  ['pending', 'queued'],
  ['in_progress', 'running'],
  // Harmless spellings a server might use for the same states.
  ['canceled', 'cancelled'],
  ['in-progress', 'running'],
]);

const CLOUD_STATUSES: ReadonlyMap<string, TaskStatus> = new Map<string, TaskStatus>([
  ['pending', 'queued'],
  ['processing', 'running'],
  ['saving', 'running'],
  ['completed', 'completed'],
  ['error', 'failed'],
  ['stopped', 'cancelled'],
  // A run that hit its time limit failed; the raw value keeps "timeout" visible.
  ['timeout', 'failed'],
]);

function normaliseWith(table: ReadonlyMap<string, TaskStatus>, raw: string | undefined): NormalisedStatus {
  const rawStatus = raw ?? '';
  return { status: table.get(rawStatus.trim().toLowerCase()) ?? 'unknown', rawStatus };
}

/** Agent API v1, either vocabulary. */
export function normaliseAgentStatus(raw: string | undefined): NormalisedStatus {
  return normaliseWith(AGENT_STATUSES, raw);
}

/** Cloud API. */
export function normaliseCloudStatus(raw: string | undefined): NormalisedStatus {
  return normaliseWith(CLOUD_STATUSES, raw);
}

/** The v1 list's `status` query value for one of our statuses; undefined when v1 cannot filter by it. */
export function agentStatusFilter(status: TaskStatus): string | undefined {
  return status === 'unknown' ? undefined : status;
}

/**
 * The Cloud list's coarse `status` filter for one of our statuses (queued and running
 * are both "active"). `null` means no Cloud task can have the status (interrupted);
 * undefined means the server cannot filter by it (unknown).
 */
export function cloudStatusFilter(status: TaskStatus): string | null | undefined {
  switch (status) {
    case 'queued':
    case 'running':
      return 'active';
    case 'completed':
      return 'completed';
    case 'failed':
      return 'failed';
    case 'cancelled':
      return 'stopped';
    case 'interrupted':
      return null;
    case 'unknown':
      return undefined;
  }
}
