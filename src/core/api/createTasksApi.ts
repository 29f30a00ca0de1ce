import { AgentTasksApi } from './agentApi';
import { checkBaseUrl } from './apiConfig';
import type { Clock } from '../util/clock';
import { CloudTasksApi } from './cloudApi';
import { InvalidInputError } from '../http/errors';
import { HttpClient } from '../http/http';
import type { LogStreamSettings } from '../logs/logStream';
import type { ApiKind } from '../tasks/model';
import type { TasksApi } from './tasksApi';
import * as l10n from '@vscode/l10n';

export interface TasksApiOptions {
  kind: ApiKind;
  baseUrl: string;
  apiKey: string;
  fetch?: typeof fetch;
  clock?: Clock;
  /** Per JSON request, and for a log stream until its headers arrive. Default 30 s. */
  timeoutMs?: number;
  /** Retries of an idempotent request after a transient failure. Default 3. */
  maxRetries?: number;
  /** Receives one line per request and per retry or reconnect; never contains the key. */
  onDiagnostic?: (message: string) => void;
  /** Jitter source for retry and reconnect delays, 0 ≤ x < 1 (tests pass a constant). */
  random?: () => number;
  /** Log-stream timing (tests shorten it). */
  stream?: Pick<LogStreamSettings, 'baseDelayMs' | 'maxDelayMs' | 'idleTimeoutMs' | 'maxEventChars'>;
}

/**
 * The TasksApi for one API kind, base URL and key. The URL must pass checkBaseUrl and
 * the key must be sendable as a header; both are refused here, before any request,
 * with a message that does not repeat the key.
 */
export function createTasksApi(options: TasksApiOptions): TasksApi {
  const checked = checkBaseUrl(options.baseUrl);
  if (!checked.ok) throw new InvalidInputError(checked.reason);
  const apiKey = options.apiKey.trim();
  if (apiKey === '') throw new InvalidInputError(l10n.t('No BLACKBOX API key is set.'));
  // A header value with control or non-ASCII characters makes fetch throw an error that quotes it.
  if (!/^[\x21-\x7e]+$/.test(apiKey)) {
    throw new InvalidInputError(
      l10n.t('The BLACKBOX API key contains spaces or characters a key cannot have. Set it again.'),
    );
  }
  const http = new HttpClient({
    baseUrl: checked.url,
    apiKey,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.onDiagnostic ? { onDiagnostic: options.onDiagnostic } : {}),
  });
  const streamSettings = {
    ...options.stream,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.random ? { random: options.random } : {}),
  };
  const apiOptions = { http, streamSettings, ...(options.clock ? { clock: options.clock } : {}) };
  return options.kind === 'agent' ? new AgentTasksApi(apiOptions) : new CloudTasksApi(apiOptions);
}
