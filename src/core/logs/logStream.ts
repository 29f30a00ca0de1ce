import type { Clock } from '../util/clock';
import { systemClock } from '../util/clock';
import { ApiError, NetworkError, RateLimitError, ServerError, TimeoutError, isAbortError } from '../http/errors';
import type { OpenedStream } from '../http/http';
import type { ConnectionEvent, LogEvent, LogStreamEvent } from './logEvents';
import { isTerminal } from '../tasks/model';
import { backoffDelay } from '../http/retryTiming';
import type { NormalisedStatus } from '../api/status';
import { readSseBatches } from './sse';
import type { SseItem } from './sse';
import * as l10n from '@vscode/l10n';

/**
 * A task's log as a stream that survives dropped connections and delivers every event
 * exactly once. The two APIs resume differently:
 * - Agent API v1 has no cursor and replays the whole log on every connect, so the
 *   stream counts the log events it has handled and skips that many on a reconnect.
 *   Only known log events are counted: a server may interleave things it does not
 *   replay (keep-alive `data:` lines, a `session-init` sent on the first connection
 *   only), and counting those would shift the skip and lose or repeat real events.
 * - The Cloud API numbers its log lines and resumes from `fromIndex`; lines at or
 *   below the last delivered index are still skipped in case a server ignores it. Its
 *   stream ends at `complete`, not at a terminal `status` (a finished task may send its
 *   status before its lines); when `complete` counts more lines than arrived, the
 *   missing ones are asked for again from `fromIndex`.
 * A connection that ends without anything new is judged by the run's status (one
 * cheap call): a run still queued or running is quiet, not failing, and is never given
 * up on; only connections that keep breaking count towards giving up.
 * Memory stays bounded: only counters and the last status are kept, never the events.
 */

export const DEFAULT_MAX_RECONNECTS = 5;
export const DEFAULT_RECONNECT_BASE_DELAY_MS = 1000;
export const DEFAULT_RECONNECT_MAX_DELAY_MS = 30_000;
/** Long enough for a quiet tool call on a server without keep-alives; a reconnect then costs little. */
export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;
const MALFORMED_SAMPLE_CHARS = 120;
/** How often a Cloud stream that ended short of its `totalLogs` is asked again for the rest. */
const MAX_REFETCHES = 2;

/** What one SSE message means, as decided by the API-specific mapper. */
export type DecodedMessage =
  /**
   * `index`: the Cloud log line number, used to resume and de-duplicate. `total`: the
   * number of log lines the task has, as its Cloud `complete` event says.
   */
  | { readonly kind: 'event'; readonly event: LogEvent; readonly index?: number; readonly total?: number }
  /** Per-connection bookkeeping (v1 `resume`, Cloud `connected`): neither delivered nor counted. */
  | { readonly kind: 'connection' }
  /** JSON of the wrong shape. */
  | { readonly kind: 'malformed' };

/** Maps one parsed message; `event` is the SSE event name (the Cloud API's), `data` the parsed JSON. */
export type MessageMapper = (event: string | undefined, data: unknown) => DecodedMessage;

export interface LogStreamSettings {
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
  /** Jitter source for reconnect delays, 0 ≤ x < 1. */
  readonly random?: () => number;
  /** Reconnects after a drop, counted since the last connection that delivered something new. */
  readonly maxReconnects?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly idleTimeoutMs?: number;
  readonly maxEventChars?: number;
  /** Cleans text taken from the server (a malformed sample) before it leaves the core. */
  readonly redact?: (text: string) => string;
  readonly onDiagnostic?: (message: string) => void;
  /**
   * Asked when the server closes the stream without a finish: a terminal status ends
   * the stream with a finish event instead of reconnecting.
   */
  readonly currentStatus?: (signal: AbortSignal | undefined) => Promise<NormalisedStatus>;
}

interface Delivery {
  readonly events: readonly LogStreamEvent[];
  /** True when this message was new (not a replay or duplicate). */
  readonly fresh: boolean;
  /** The log so far is incomplete: end this connection and connect again at once to fetch the rest. */
  readonly refetch?: boolean;
}

/** The resume strategy of one API. */
interface ResumeStrategy {
  open(signal: AbortSignal): Promise<OpenedStream>;
  connectionOpened(): void;
  accept(item: SseItem): Delivery;
}

const NOTHING: Delivery = { events: [], fresh: false };

/** Agent API v1: every connect replays from the start; skip what was already handled. */
export function replayingLogStream(
  open: (signal: AbortSignal) => Promise<OpenedStream>,
  mapMessage: MessageMapper,
  settings: LogStreamSettings = {},
): AsyncIterable<LogStreamEvent> {
  const sample = sampler(settings);
  /** Log events handled over all connections: the high-water mark of the replayed sequence. */
  let handled = 0;
  /** Log events seen on the current connection. */
  let seen = 0;
  const strategy: ResumeStrategy = {
    open,
    connectionOpened: () => {
      seen = 0;
    },
    accept: (item) => {
      const decoded = decode(item, mapMessage);
      if (decoded.kind === 'connection') return NOTHING;
      if (decoded.kind === 'malformed' || decoded.event.kind === 'unknown') {
        // Not counted: it may not be replayed. Shown (as a count) only once the replay is past what was handled.
        if (seen < handled) return NOTHING;
        return { events: [decoded.kind === 'malformed' ? sample(item) : decoded.event], fresh: false };
      }
      seen++;
      if (seen <= handled) return NOTHING;
      handled = seen;
      return { events: [decoded.event], fresh: true };
    },
  };
  return runLogStream(strategy, settings);
}

/** Cloud API: reconnect with `fromIndex` = last delivered index + 1; drop repeated status events. */
export function indexedLogStream(
  open: (fromIndex: number, signal: AbortSignal) => Promise<OpenedStream>,
  mapMessage: MessageMapper,
  settings: LogStreamSettings = {},
): AsyncIterable<LogStreamEvent> {
  const sample = sampler(settings);
  let nextIndex = 0;
  let lastStatus: string | undefined;
  let refetches = 0;
  const strategy: ResumeStrategy = {
    open: (signal) => open(nextIndex, signal),
    connectionOpened: () => undefined,
    accept: (item) => {
      const decoded = decode(item, mapMessage);
      if (decoded.kind === 'connection') return NOTHING;
      if (decoded.kind === 'malformed') return { events: [sample(item)], fresh: false };
      const { event, index, total } = decoded;
      if (index !== undefined) {
        if (index < nextIndex) return NOTHING;
        nextIndex = index + 1;
        refetches = 0;
      }
      if (event.kind === 'status') {
        // includeStatus repeats the current status on every connect.
        const key = `${event.rawStatus}\u0000${event.error ?? ''}`;
        if (key === lastStatus) return NOTHING;
        lastStatus = key;
      }
      if (event.kind === 'finish' && total !== undefined && total > nextIndex) {
        if (refetches < MAX_REFETCHES) {
          refetches++;
          return { events: [], fresh: false, refetch: true };
        }
        return { events: [{ kind: 'incomplete', missing: total - nextIndex }, event], fresh: true };
      }
      return { events: [event], fresh: true };
    },
  };
  return runLogStream(strategy, settings);
}

function decode(item: SseItem, mapMessage: MessageMapper): DecodedMessage {
  if (item.type === 'oversized') return { kind: 'malformed' };
  let data: unknown;
  try {
    data = JSON.parse(item.data);
  } catch {
    return { kind: 'malformed' };
  }
  return mapMessage(item.event, data);
}

function sampler(settings: LogStreamSettings): (item: SseItem) => ConnectionEvent {
  const redact = settings.redact ?? ((text: string) => text);
  return (item) => {
    if (item.type === 'oversized')
      return { kind: 'malformed', sample: `(an event larger than ${item.limit} characters)` };
    const flat = redact(item.data).replace(/\s+/g, ' ').trim();
    const sample = flat.length > MALFORMED_SAMPLE_CHARS ? `${flat.slice(0, MALFORMED_SAMPLE_CHARS - 1)}…` : flat;
    return { kind: 'malformed', sample };
  };
}

/**
 * Ends the stream: a finish (v1 `finish`, Cloud `complete`). A terminal `status` does not:
 * a finished task's log lines may still follow it.
 */
function isEnd(event: LogStreamEvent): boolean {
  return event.kind === 'finish';
}

/** Failures worth a reconnect; anything else (401, 404, a non-SSE answer) ends the stream with the error. */
function isTransient(e: unknown): boolean {
  return NetworkError.is(e) || TimeoutError.is(e) || ServerError.is(e) || RateLimitError.is(e);
}

/**
 * The stream runs as a generator of batches (one per chunk read), handed out one event at a
 * time: a burst of events costs one generator step, not one per event, which measurably
 * slowed a long log.
 */
function runLogStream(strategy: ResumeStrategy, settings: LogStreamSettings): AsyncIterableIterator<LogStreamEvent> {
  return oneByOne(runLogStreamBatches(strategy, settings));
}

async function* runLogStreamBatches(
  strategy: ResumeStrategy,
  settings: LogStreamSettings,
): AsyncGenerator<readonly LogStreamEvent[]> {
  const { signal } = settings;
  const clock = settings.clock ?? systemClock;
  const random = settings.random ?? Math.random;
  const maxReconnects = Math.max(0, settings.maxReconnects ?? DEFAULT_MAX_RECONNECTS);
  const baseDelayMs = settings.baseDelayMs ?? DEFAULT_RECONNECT_BASE_DELAY_MS;
  const maxDelayMs = settings.maxDelayMs ?? DEFAULT_RECONNECT_MAX_DELAY_MS;
  const idleTimeoutMs = settings.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const diagnostic = (message: string) => settings.onDiagnostic?.(settings.redact ? settings.redact(message) : message);
  const pause = async (ms: number): Promise<boolean> => {
    try {
      await clock.sleep(ms, signal);
      return true;
    } catch {
      return false;
    }
  };

  /** Connections that broke since the last one that delivered something new: these lead to giving up. */
  let failures = 0;
  /** Quiet connections in a row (nothing new, the run still active): they only lengthen the wait. */
  let quiet = 0;
  let waitingNoted = false;
  let attempt = 0;
  for (;;) {
    if (signal?.aborted) return;
    const connection = new AbortController();
    const onAbort = () => connection.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let opened: OpenedStream | undefined;
    let progressed = false;
    let refetch = false;
    let closedByServer = false;
    let timedOut = false;
    let reason: string;
    let retryAfterMs: number | undefined;
    try {
      opened = await strategy.open(connection.signal);
      strategy.connectionOpened();
      yield [{ kind: 'connected', attempt }];
      const batches = readSseBatches(opened.body, {
        signal: connection.signal,
        idleTimeoutMs,
        clock,
        ...(settings.maxEventChars !== undefined ? { maxEventChars: settings.maxEventChars } : {}),
      });
      for await (const batch of batches) {
        const events: LogStreamEvent[] = [];
        let ended = false;
        for (const item of batch) {
          const delivery = strategy.accept(item);
          if (delivery.fresh) progressed = true;
          if (delivery.refetch) {
            refetch = true;
            break;
          }
          for (const event of delivery.events) {
            events.push(event);
            ended = isEnd(event);
            if (ended) break;
          }
          if (ended) break;
        }
        if (events.length > 0) yield events;
        if (ended) return;
        if (refetch) break;
      }
      reason = refetch ? l10n.t('the log ended short of its length') : l10n.t('the server closed the stream');
      closedByServer = !refetch;
    } catch (e) {
      if (signal?.aborted || isAbortError(e)) return;
      if (!isTransient(e)) throw e;
      reason = ApiError.is(e) ? e.userMessage : l10n.t('the connection broke');
      if (RateLimitError.is(e)) retryAfterMs = e.retryAfterMs;
      timedOut = TimeoutError.is(e) && opened !== undefined;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      connection.abort();
      opened?.close();
    }
    if (refetch) {
      diagnostic(`log stream asking again from the last line: ${reason}`);
      attempt++;
      continue;
    }
    // A stream that ends without breaking is judged by the run's status, never by a count.
    const quietEnd = closedByServer || (timedOut && !progressed);
    let judged: NormalisedStatus | undefined;
    if (quietEnd) {
      try {
        judged = await statusAfterClose(settings, signal);
      } catch {
        return;
      }
    }
    if (closedByServer && judged && isTerminal(judged.status)) {
      yield [{ kind: 'finish', status: judged.status, rawStatus: judged.rawStatus }];
      return;
    }
    if (progressed) {
      failures = 1;
      quiet = 0;
      waitingNoted = false;
    } else if (quietEnd && judged && !isTerminal(judged.status)) {
      // Quiet, and the run is fine: reconnect without a note and without counting a failure.
      quiet++;
      if (judged.status === 'queued') {
        if (!waitingNoted) yield [{ kind: 'waiting', status: judged.status }];
        waitingNoted = true;
        const waited = await waitWhileQueued();
        if (waited === 'aborted') return;
        if (waited === 'started') {
          attempt++;
          continue;
        }
        failures++;
      } else {
        const delayMs = backoffDelay(quiet - 1, baseDelayMs, maxDelayMs, random);
        diagnostic(`log stream quiet (${reason}) while the run is ${judged.rawStatus}: reconnecting in ${delayMs} ms`);
        if (!(await pause(delayMs))) return;
        attempt++;
        continue;
      }
    } else {
      failures++;
    }
    if (failures > maxReconnects) {
      diagnostic(`log stream gave up after ${maxReconnects} reconnects: ${reason}`);
      yield [{ kind: 'gave-up', reason }];
      return;
    }
    attempt++;
    const delayMs = Math.min(retryAfterMs ?? backoffDelay(failures - 1, baseDelayMs, maxDelayMs, random), maxDelayMs);
    diagnostic(`log stream reconnecting in ${delayMs} ms (attempt ${attempt}): ${reason}`);
    yield [{ kind: 'reconnecting', attempt, delayMs, reason }];
    if (!(await pause(delayMs))) return;
  }

  /** Polls the run's status until it leaves `queued`; a failing poll ends the wait as a failure. */
  async function waitWhileQueued(): Promise<'started' | 'aborted' | 'failed'> {
    for (let poll = 0; ; poll++) {
      if (!(await pause(backoffDelay(poll, baseDelayMs, maxDelayMs, random)))) return 'aborted';
      let status: NormalisedStatus | undefined;
      try {
        status = await statusAfterClose(settings, signal);
      } catch {
        return 'aborted';
      }
      // An unknown status is a failed check: the stream reconnects and counts it.
      if (status === undefined) return 'failed';
      if (status.status !== 'queued') return 'started';
    }
  }
}

/**
 * One item at a time from a generator of batches. An item already in hand is answered at
 * once; a next() made while a batch is being fetched waits its turn, so items keep their
 * order whoever asks. return() (a consumer's break) ends the generator, running its finally.
 */
function oneByOne<T>(batches: AsyncGenerator<readonly T[]>): AsyncIterableIterator<T> {
  let batch: readonly T[] = [];
  let at = 0;
  let finished = false;
  let fetching: Promise<IteratorResult<T>> | undefined;
  const done = (): IteratorResult<T> => ({ value: undefined, done: true });
  const next = (): Promise<IteratorResult<T>> => {
    if (fetching) return fetching.then(next, next);
    if (at < batch.length) return Promise.resolve({ value: batch[at++], done: false });
    if (finished) return Promise.resolve(done());
    fetching = batches.next().then(
      (result) => {
        fetching = undefined;
        if (finished) return done();
        if (result.done) {
          finished = true;
          return done();
        }
        batch = result.value;
        at = 0;
        return next();
      },
      (error: unknown) => {
        fetching = undefined;
        finished = true;
        throw error;
      },
    );
    return fetching;
  };
  return {
    next,
    async return(): Promise<IteratorResult<T>> {
      finished = true;
      batch = [];
      await batches.return(undefined);
      return done();
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

async function statusAfterClose(
  settings: LogStreamSettings,
  signal: AbortSignal | undefined,
): Promise<NormalisedStatus | undefined> {
  if (!settings.currentStatus) return undefined;
  try {
    return await settings.currentStatus(signal);
  } catch (e) {
    if (signal?.aborted || isAbortError(e)) throw e;
    // Unknown status: reconnecting is the safe choice.
    return undefined;
  }
}
