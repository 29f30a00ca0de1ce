import type { Clock } from '../util/clock';
import { systemClock } from '../util/clock';
import type { HttpClient } from '../http/http';
import type { LogStreamSettings } from '../logs/logStream';
import type { LogStreamOptions, RequestOptions } from './tasksApi';
import type { TaskStatusInfo } from '../tasks/model';

/** What an API client is built from. */
export interface HttpTasksApiOptions {
  readonly http: HttpClient;
  readonly clock?: Clock;
  /** Defaults for log streams (tests shorten delays and inject jitter). */
  readonly streamSettings?: Omit<LogStreamSettings, 'signal' | 'currentStatus' | 'maxReconnects'>;
}

/** What the Agent and Cloud clients share: their HTTP client and clock, and how a task's log stream is set up. */
export abstract class HttpTasksApiBase {
  readonly baseUrl: string;
  protected readonly http: HttpClient;
  protected readonly clock: Clock;
  private readonly streamDefaults: HttpTasksApiOptions['streamSettings'];

  constructor(options: HttpTasksApiOptions) {
    this.http = options.http;
    this.baseUrl = options.http.baseUrl;
    this.clock = options.clock ?? systemClock;
    this.streamDefaults = options.streamSettings;
  }

  abstract status(id: string, options?: RequestOptions): Promise<TaskStatusInfo>;

  /**
   * A task's log-stream settings: text from the server redacted and diagnostics reported
   * through the HTTP client, and the task's status read when the server closes the stream,
   * so a finished task ends it instead of a reconnect.
   */
  protected logStreamSettings(id: string, options: LogStreamOptions): LogStreamSettings {
    return {
      ...this.streamDefaults,
      clock: this.streamDefaults?.clock ?? this.clock,
      redact: (text) => this.http.redact(text),
      onDiagnostic: (message) => this.http.diagnostic(message),
      currentStatus: async (signal) => {
        const info = await this.status(id, signal ? { signal } : {});
        return { status: info.status, rawStatus: info.rawStatus };
      },
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.maxReconnects !== undefined ? { maxReconnects: options.maxReconnects } : {}),
    };
  }
}
