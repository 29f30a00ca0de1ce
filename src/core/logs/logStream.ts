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

/**
 * A task's log as a stream that survives dropped connections and delivers every event
 * exactly once. The two APIs resume differently:
 * - Agent API v1 has no cursor and replays the whole log on every connect, so the
 *   stream counts the messages it has handled and skips that many on a reconnect.
 * - The Cloud API numbers its log lines and resumes from `fromIndex`; lines at or
 *   below the last delivered index are still skipped in case a server ignores it.
 * Memory stays bounded: only counters and the last status are kept, never the events.
 */

export const DEFAULT_MAX_RECONNECTS = 5;
export const DEFAULT_RECONNECT_BASE_DELAY_MS = 1000;
export const DEFAULT_RECONNECT_MAX_DELAY_MS = 30_000;
/** Long enough for a quiet tool call on a server without keep-alives; a reconnect then costs little. */
export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;
const MALFORMED_SAMPLE_CHARS = 120;

/** What one SSE message means, as decided by the API-specific mapper. */
export type DecodedMessage =
  /** `index`: the Cloud log line number, used to resume and de-duplicate. */
  | { readonly kind: 'event'; readonly event: LogEvent; readonly index?: number }
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
  /** Messages handled over all connections: the high-water mark of the replayed sequence. */
  let handled = 0;
  /** Messages seen on the current connection. */
  let seen = 0;
  const strategy: ResumeStrategy = {
    open,
    connectionOpened: () => {
      seen = 0;
    },
    accept: (item) => {
      const decoded = decode(item, mapMessage);
      if (decoded.kind === 'connection') return NOTHING;
      seen++;
      if (seen <= handled) return NOTHING;
      handled = seen;
      if (decoded.kind === 'event') return { events: [decoded.event], fresh: true };
      return { events: [sample(item)], fresh: true };
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
  const strategy: ResumeStrategy = {
    open: (signal) => open(nextIndex, signal),
    connectionOpened: () => undefined,
    accept: (item) => {
      const decoded = decode(item, mapMessage);
      if (decoded.kind === 'connection') return NOTHING;
      if (decoded.kind === 'malformed') return { events: [sample(item)], fresh: false };
      const { event, index } = decoded;
      if (index !== undefined) {
        if (index < nextIndex) return NOTHING;
        nextIndex = index + 1;
      }
      if (event.kind === 'status') {
        // includeStatus repeats the current status on every connect.
        const key = `${event.rawStatus}\u0000${event.error ?? ''}`;
        if (key === lastStatus) return NOTHING;
        lastStatus = key;
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

/** Ends the stream: a finish, or a status the task never leaves. */
function isEnd(event: LogStreamEvent): boolean {
  return event.kind === 'finish' || (event.kind === 'status' && isTerminal(event.status));
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

  /** Drops since the last connection that delivered something new. */
  let failures = 0;
  let attempt = 0;
  for (;;) {
    if (signal?.aborted) return;
    const connection = new AbortController();
    const onAbort = () => connection.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let opened: OpenedStream | undefined;
    let progressed = false;
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
          for (const event of delivery.events) {
            events.push(event);
            ended = isEnd(event);
            if (ended) break;
          }
          if (ended) break;
        }
        if (events.length > 0) yield events;
        if (ended) return;
      }
      reason = 'the server closed the stream';
      const status = await statusAfterClose(settings, signal);
      if (status && isTerminal(status.status)) {
        yield [{ kind: 'finish', status: status.status, rawStatus: status.rawStatus }];
        return;
      }
    } catch (e) {
      if (signal?.aborted || isAbortError(e)) return;
      if (!isTransient(e)) throw e;
      reason = ApiError.is(e) ? e.userMessage : 'the connection broke';
      if (RateLimitError.is(e)) retryAfterMs = e.retryAfterMs;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      connection.abort();
      opened?.close();
    }
    failures = progressed ? 1 : failures + 1;
    if (failures > maxReconnects) {
      diagnostic(`log stream gave up after ${maxReconnects} reconnects: ${reason}`);
      yield [{ kind: 'gave-up', reason }];
      return;
    }
    attempt++;
    const delayMs = Math.min(retryAfterMs ?? backoffDelay(failures - 1, baseDelayMs, maxDelayMs, random), maxDelayMs);
    diagnostic(`log stream reconnecting in ${delayMs} ms (attempt ${attempt}): ${reason}`);
    yield [{ kind: 'reconnecting', attempt, delayMs, reason }];
    try {
      await clock.sleep(delayMs, signal);
    } catch {
      return;
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
