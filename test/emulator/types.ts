/**
 * The emulator's public vocabulary: what tests pass in (task specs, faults) and what
 * they read back (recorded requests, emulated tasks).
 */

export type ApiName = 'agent' | 'cloud';

export type JsonObject = { [key: string]: unknown };

/**
 * One log event of a scripted run. For the Agent API it is the `data:` JSON object
 * (`{type: 'text-delta', …}`); for the Cloud API the `log` object (`{type, message, …}`).
 * `delayMs` counts from the previous event (or from the moment the run starts running).
 */
export interface ScriptedLogEvent {
  readonly delayMs?: number;
  readonly event: JsonObject;
}

/** A status change scheduled `afterMs` after the previous step (or after the task was added). */
export interface LifecycleStep {
  readonly afterMs: number;
  readonly status: string;
  readonly error?: string;
  readonly createdBranch?: string;
  readonly prUrl?: string;
  readonly diffStats?: DiffStatsSpec;
  /**
   * Cloud multi-agent: the step moves only this agent's execution (its status, and the branch,
   * PR, diff stats and error given here); the task finishes once every execution has.
   */
  readonly agent?: string;
}

/** What happens when the run's scripted log has played out. */
export type LogEndStep = Omit<LifecycleStep, 'afterMs'>;

export interface DiffStatsSpec {
  readonly totalLinesAdded: number;
  readonly totalLinesRemoved: number;
  readonly totalFilesChanged: number;
}

export interface FollowUpSpec {
  readonly prompt: string;
  readonly createdAt?: number;
  /** Raw Cloud status of that follow-up's execution. */
  readonly status?: string;
}

export interface AgentExecutionSpec {
  readonly agent: string;
  readonly model?: string;
  readonly status?: string;
  readonly branchName?: string | null;
  readonly error?: string | null;
  /** Undocumented (the docs' "…"): answered when set. */
  readonly prUrl?: string | null;
  readonly diffStats?: DiffStatsSpec | null;
  readonly startedAt?: number;
  readonly completedAt?: number;
}

export interface TaskSpec {
  readonly api: ApiName;
  /** v1 runId (a UUID is generated when absent) or Cloud id (a short random string). */
  readonly id?: string;
  /** v1 `taskId`: shared by the sibling runs of a multi-agent task; default: the runId. */
  readonly taskId?: string;
  readonly prompt: string;
  /** Raw status in that API's vocabulary, or the normalised one (queued, running, …). */
  readonly status: string;
  readonly error?: string;
  readonly repoUrl?: string;
  readonly baseBranch?: string;
  readonly createdBranch?: string;
  /** The agent's pull request (Cloud prUrl; v1 details answer it as the undocumented github.prUrl). */
  readonly prUrl?: string;
  readonly diffStats?: DiffStatsSpec;
  readonly model?: string;
  readonly agent?: string;
  /** Epoch ms; default: the emulator clock's now minus createdAgoMs. */
  readonly createdAt?: number;
  readonly createdAgoMs?: number;
  readonly startedAt?: number;
  readonly completedAt?: number;
  /** v1: put this run into an existing chat (a follow-up run) … */
  readonly chatId?: string;
  /** … after this run. */
  readonly previousRunId?: string;
  /** v1 chat title (PATCH {title} renames it). */
  readonly title?: string;
  /** v1: the assistant's reply text shown in messages; default: the text deltas of the log. */
  readonly assistantText?: string;
  /**
   * Log events. For a terminal task every event is already persisted; for a running
   * one they play out in time; for a queued one they start when it starts running.
   */
  readonly log?: readonly ScriptedLogEvent[];
  readonly lifecycle?: readonly LifecycleStep[];
  /** Applied when the scripted log has played out while the task is active. */
  readonly onLogEnd?: LogEndStep;
  /** Several steps after the log has played out (e.g. Cloud saving → completed); wins over onLogEnd. */
  readonly afterLog?: readonly LifecycleStep[];
  /** Cloud: follow-ups already sent. */
  readonly followUps?: readonly FollowUpSpec[];
  /** Cloud: a multi-agent task's executions. */
  readonly agents?: readonly AgentExecutionSpec[];
  readonly batchId?: string;
  /** Expected run length used for the linear progress estimate (default 5 min). */
  readonly expectedDurationMs?: number;
  /** Who created it (Cloud creatorName). */
  readonly creatorName?: string;
}

/** A live view of a task held by the emulator. */
export interface EmulatedTask {
  readonly id: string;
  readonly api: ApiName;
  /** Raw status in the task's API vocabulary. */
  readonly status: string;
  readonly prompt: string;
  /** v1 `taskId` (the runId unless the run is one of a multi-agent task's siblings). */
  readonly taskId?: string;
  readonly chatId?: string;
  readonly previousRunId?: string;
  readonly createdBranch?: string;
  readonly prUrl?: string;
  readonly error?: string;
  /** Events emitted so far (v1 event objects or Cloud log objects), oldest first. */
  readonly events: readonly JsonObject[];
  /** Cloud follow-up messages. */
  readonly followUps: readonly FollowUpSpec[];
  readonly inMemory: boolean;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Parsed JSON body, the raw text when it was not JSON, undefined when empty. */
  readonly body: unknown;
  readonly api: ApiName | 'other';
  /** Emulator clock, epoch ms. */
  readonly at: number;
  /** Whether the bearer key matched this API's key. The header value itself is never stored. */
  readonly authorized: boolean;
  /** The Accept header as sent (the Cloud API asks for application/json). */
  readonly accept?: string;
  /** The status code answered, once known (undefined for a dropped or hung request). */
  status?: number;
  /** Kinds of the faults applied to this request. */
  readonly faults: string[];
}

/** Which requests a fault applies to. All given conditions must hold. */
export interface FaultScope {
  readonly api?: ApiName;
  /** GET, POST, PATCH … (case-insensitive). */
  readonly method?: string;
  /** Exact path, a pattern with `*` for one segment and `**` for any rest, or a RegExp. */
  readonly path?: string | RegExp;
  /** Only the next N matching requests; default: until cleared. */
  readonly times?: number;
}

export type ErrorBodyShape = 'json' | 'json-object' | 'html' | 'text' | 'empty';

export type FaultEffect =
  /** Answer with this status and an error body instead of the real answer. */
  | {
      readonly kind: 'status';
      readonly status: number;
      readonly body?: ErrorBodyShape;
      readonly message?: string;
      /** Seconds, or an HTTP date string, sent as Retry-After. */
      readonly retryAfter?: number | string;
    }
  /** Wait this long (real time) before answering. */
  | { readonly kind: 'latency'; readonly ms: number }
  /** Never answer (until the emulator closes). */
  | { readonly kind: 'hang' }
  /**
   * Destroy the socket mid-answer: for JSON after `afterBytes` of the body (default half);
   * for SSE after `afterEvents` events (default 1) or `afterBytes` bytes.
   */
  | { readonly kind: 'drop'; readonly afterBytes?: number; readonly afterEvents?: number }
  /** SSE: stop sending (no keep-alives either) after N events, connection left open. */
  | { readonly kind: 'stall'; readonly afterEvents?: number }
  /**
   * SSE: after N events (default 1: the Cloud `connected`) the server reports a stream
   * error and closes: Cloud `event: error` `{error}`, v1 `{type:'error', errorText}`.
   */
  | { readonly kind: 'stream-error'; readonly afterEvents?: number; readonly message?: string }
  /** A 200 whose JSON body is cut short (or is `text`). */
  | { readonly kind: 'malformed-json'; readonly text?: string }
  /** Replace the JSON body's value (e.g. a wrong type, an unknown status). */
  | { readonly kind: 'transform'; readonly transform: (body: unknown) => unknown }
  /** SSE framing quirks; combine freely. */
  | {
      readonly kind: 'sse';
      /** Split each write into chunks of this many bytes, or in the middle of every multi-byte UTF-8 character. */
      readonly split?: number | 'utf8';
      readonly lineEnding?: 'crlf' | 'cr';
      /** Interleave `:` comment lines. */
      readonly comments?: boolean;
      /** Interleave events of unknown types (and, for v1, a non-JSON `data:` line). */
      readonly unknownEvents?: boolean;
      /** Real-time pause between split chunks (default 1 ms) so they arrive as separate reads. */
      readonly gapMs?: number;
      /**
       * v1: interleave keep-alive `data:` lines (`{"type":"heartbeat"}` and a bare `ping`) at
       * places that differ from one connection to the next, so a replay is not identical.
       */
      readonly heartbeats?: boolean;
      /** v1: send a `session-init` on a run's first connection only (it is not part of the replay). */
      readonly sessionInitOnce?: boolean;
      /** v1: close the stream of a queued run at once, after what it has (nothing, usually). */
      readonly closeWhileQueued?: boolean;
      /**
       * Cloud: after this many log lines, send `complete` (with the true `totalLogs`) and end,
       * leaving the rest of the log out; a client asking again with `fromIndex` gets it.
       */
      readonly truncateLog?: number;
    };

export type Fault = FaultScope & FaultEffect;

export interface FaultHandle {
  /** Requests this fault has been applied to so far. */
  readonly hits: number;
  clear(): void;
}

export interface Scenario {
  readonly name: string;
  readonly tasks: readonly TaskSpec[];
}
