import type { TaskStatus } from '../tasks/model';

/**
 * Log events normalised from both APIs' streams. v1 sends `data:` JSON with a
 * `type`; the Cloud API sends named events (`log`, `status`, `complete`, …).
 * Payload values are untrusted text from the server.
 */
export type LogEvent =
  | { readonly kind: 'start'; readonly startedAt?: number }
  | { readonly kind: 'text-start'; readonly blockId?: string }
  /** A chunk of the agent's prose; consecutive chunks join into one text. */
  | { readonly kind: 'text'; readonly blockId?: string; readonly text: string }
  | { readonly kind: 'tool-start'; readonly toolCallId: string; readonly toolName: string }
  | { readonly kind: 'tool-input'; readonly toolCallId: string; readonly toolName: string; readonly input: unknown }
  | { readonly kind: 'tool-output'; readonly toolCallId: string; readonly toolName: string; readonly output: unknown }
  /** A Cloud API log line. */
  | {
      readonly kind: 'log';
      readonly level: string;
      readonly contentType?: string;
      readonly message: string;
      readonly step?: string;
      readonly agent?: string;
      readonly timestamp?: number;
    }
  | { readonly kind: 'files'; readonly files: readonly string[] }
  | { readonly kind: 'status'; readonly status: TaskStatus; readonly rawStatus: string; readonly error?: string }
  | { readonly kind: 'finish'; readonly status: TaskStatus; readonly rawStatus?: string }
  | { readonly kind: 'error'; readonly message: string }
  /** Known-undocumented or unknown event type; skipped by renderers, counted in diagnostics. */
  | { readonly kind: 'unknown'; readonly type: string };

/** What happened to the connection, interleaved with the log events. */
export type ConnectionEvent =
  | { readonly kind: 'connected'; readonly attempt: number }
  | { readonly kind: 'reconnecting'; readonly attempt: number; readonly delayMs: number; readonly reason: string }
  /** Reconnects exhausted: the stream ends without a finish. */
  | { readonly kind: 'gave-up'; readonly reason: string }
  /** The stream is quiet because the run has not started: it waits for `running` (one note, not a failure). */
  | { readonly kind: 'waiting'; readonly status: TaskStatus }
  /** The stream ended with fewer log lines than the server said the log holds, after asking again. */
  | { readonly kind: 'incomplete'; readonly missing: number }
  /** `data:` that was not JSON, or JSON of the wrong shape: skipped and counted. */
  | { readonly kind: 'malformed'; readonly sample: string };

export type LogStreamEvent = LogEvent | ConnectionEvent;
