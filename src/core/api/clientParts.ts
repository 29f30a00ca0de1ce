// What the two HTTP clients (Agent API v1 and Cloud API) share: what they are built from, their
// log-stream settings, and the agents of a create request.
import type { Clock } from '../util/clock';
import type { HttpClient } from '../http/http';
import type { LogStreamSettings } from '../logs/logStream';
import type { AgentChoice, LogStreamOptions, RequestOptions } from './tasksApi';
import type { TaskStatusInfo } from '../tasks/model';

/** What an API client is built from. */
export interface HttpTasksApiOptions {
  readonly http: HttpClient;
  readonly clock?: Clock;
  /** Defaults for log streams (tests shorten delays and inject jitter). */
  readonly streamSettings?: Omit<LogStreamSettings, 'signal' | 'currentStatus' | 'maxReconnects'>;
}

/**
 * A task's log-stream settings, as both clients set them up: text from the server redacted and
 * diagnostics reported through the HTTP client, and the task's status read (`status`) when the
 * server closes the stream, so a finished task ends it instead of a reconnect.
 */
export function logStreamSettings(
  client: HttpTasksApiOptions,
  clock: Clock,
  status: (options: RequestOptions) => Promise<TaskStatusInfo>,
  options: LogStreamOptions,
): LogStreamSettings {
  const { http, streamSettings } = client;
  return {
    ...streamSettings,
    clock: streamSettings?.clock ?? clock,
    redact: (text) => http.redact(text),
    onDiagnostic: (message) => http.diagnostic(message),
    currentStatus: async (signal) => {
      const info = await status(signal ? { signal } : {});
      return { status: info.status, rawStatus: info.rawStatus };
    },
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.maxReconnects !== undefined ? { maxReconnects: options.maxReconnects } : {}),
  };
}

/** Several agents on one prompt, as both APIs take them in a create request. */
export function selectedAgents(agents: readonly AgentChoice[]): { agent: string; model?: string }[] {
  return agents.map((choice) => ({ agent: choice.agent, ...(choice.model ? { model: choice.model } : {}) }));
}
