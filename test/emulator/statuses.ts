import type { ApiName } from './types';

/** Each API's own status words; anything else is kept verbatim (to test unknown statuses). */
const V1_FROM_ANY: Readonly<Record<string, string>> = {
  pending: 'queued',
  in_progress: 'running',
  processing: 'running',
  error: 'failed',
  stopped: 'cancelled',
};

const CLOUD_FROM_ANY: Readonly<Record<string, string>> = {
  queued: 'pending',
  running: 'processing',
  in_progress: 'processing',
  failed: 'error',
  cancelled: 'stopped',
  interrupted: 'timeout',
};

/** Accepts a raw value of either API or a normalised status, returns the raw value for `api`. */
export function toRawStatus(api: ApiName, status: string): string {
  const table = api === 'agent' ? V1_FROM_ANY : CLOUD_FROM_ANY;
  return table[status] ?? status;
}

/** The `/status` endpoint's vocabulary for a v1 status. */
export function v1PollStatus(raw: string): string {
  if (raw === 'queued') return 'pending';
  if (raw === 'running') return 'in_progress';
  return raw;
}

export function isQueued(api: ApiName, raw: string): boolean {
  return api === 'agent' ? raw === 'queued' : raw === 'pending';
}

export function isRunning(api: ApiName, raw: string): boolean {
  return api === 'agent' ? raw === 'running' : raw === 'processing' || raw === 'saving';
}

export function isActive(api: ApiName, raw: string): boolean {
  return isQueued(api, raw) || isRunning(api, raw);
}

const V1_TERMINAL = new Set(['completed', 'failed', 'cancelled', 'interrupted']);
const CLOUD_TERMINAL = new Set(['completed', 'error', 'stopped', 'timeout']);

export function isTerminal(api: ApiName, raw: string): boolean {
  return (api === 'agent' ? V1_TERMINAL : CLOUD_TERMINAL).has(raw);
}

export const V1_STATUSES: readonly string[] = ['queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted'];

/** Cloud list filter `status=` groups. */
export const CLOUD_STATUS_GROUPS: Readonly<Record<string, readonly string[]>> = {
  active: ['pending', 'processing', 'saving'],
  completed: ['completed'],
  failed: ['error', 'timeout'],
  stopped: ['stopped'],
};
