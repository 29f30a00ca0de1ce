import { createParser } from 'eventsource-parser';
import type { EventSourceParser } from 'eventsource-parser';
import type { Clock } from './clock';
import { systemClock } from './clock';
import { NetworkError, TimeoutError, abortError, isAbortError } from './errors';

/**
 * Server-sent events from a byte stream. Bytes go through a streaming TextDecoder (a
 * UTF-8 character split across chunks is reassembled) into `eventsource-parser`, which
 * owns the line grammar (LF, CR, CRLF, comments, unknown fields). The output is the same
 * for every way the bytes are chunked.
 */

export type SseItem =
  | { readonly type: 'message'; readonly event?: string; readonly id?: string; readonly data: string }
  /** An event larger than the limit: dropped (with the rest of its chunk) instead of buffered. */
  | { readonly type: 'oversized'; readonly limit: number };

export type SseMessage = Extract<SseItem, { type: 'message' }>;

/** Generous for a tool output carrying a file, small enough to bound memory. */
export const DEFAULT_MAX_EVENT_CHARS = 8 * 1024 * 1024;

export interface SseDecoderOptions {
  readonly maxEventChars?: number;
}

/** The synchronous core of the reader: push bytes, collect the events they complete. */
export class SseDecoder {
  private readonly textDecoder = new TextDecoder('utf-8');
  private readonly parser: EventSourceParser;
  private readonly maxEventChars: number;
  private pending: SseItem[] = [];
  private overflowed = false;

  constructor(options: SseDecoderOptions = {}) {
    this.maxEventChars = options.maxEventChars ?? DEFAULT_MAX_EVENT_CHARS;
    this.parser = createParser({
      maxBufferSize: this.maxEventChars,
      onEvent: (message) => {
        this.pending.push({
          type: 'message',
          data: message.data,
          ...(message.event !== undefined ? { event: message.event } : {}),
          ...(message.id !== undefined ? { id: message.id } : {}),
        });
      },
      onError: (error) => {
        if (error.type === 'max-buffer-size-exceeded') this.overflowed = true;
      },
    });
  }

  push(bytes: Uint8Array): SseItem[] {
    this.feed(this.textDecoder.decode(bytes, { stream: true }));
    return this.take();
  }

  /**
   * The stream ended cleanly: flush a trailing partial character and dispatch a final
   * event that lacked its closing blank line (lenient, unlike browsers, because a
   * server that closes right after its last event should not lose it).
   */
  end(): SseItem[] {
    this.feed(this.textDecoder.decode());
    this.feed('\n\n');
    return this.take();
  }

  private feed(text: string): void {
    if (text === '') return;
    this.parser.feed(text);
    if (this.overflowed) {
      this.overflowed = false;
      this.pending.push({ type: 'oversized', limit: this.maxEventChars });
      this.parser.reset();
    }
  }

  private take(): SseItem[] {
    const items = this.pending;
    this.pending = [];
    return items;
  }
}

export interface ReadSseOptions extends SseDecoderOptions {
  readonly signal?: AbortSignal;
  /** The stream fails with TimeoutError after this long without a byte. Absent: no limit. */
  readonly idleTimeoutMs?: number;
  readonly clock?: Clock;
}

const IDLE = Symbol('idle');

/**
 * Reads a response body as SSE items. A clean end flushes the last event; a broken
 * connection throws NetworkError (the partial event is dropped, so a reconnect can
 * count on whole events only); idleness throws TimeoutError; abort throws an
 * AbortError. The body is cancelled whenever reading stops early.
 */
export async function* readSse(body: ReadableStream<Uint8Array>, options: ReadSseOptions = {}): AsyncGenerator<SseItem> {
  for await (const batch of readSseBatches(body, options)) yield* batch;
}

/** As readSse, one batch per chunk read: a burst of events costs one await, not one per event. */
export async function* readSseBatches(
  body: ReadableStream<Uint8Array>,
  options: ReadSseOptions = {},
): AsyncGenerator<readonly SseItem[]> {
  const { signal, idleTimeoutMs } = options;
  const clock = options.clock ?? systemClock;
  const decoder = new SseDecoder(options);
  const reader = body.getReader();
  const onAbort = () => {
    reader.cancel().catch(() => undefined);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (signal?.aborted) throw abortError();
    for (;;) {
      let result: ReadableStreamReadResult<Uint8Array> | typeof IDLE;
      try {
        result = idleTimeoutMs === undefined ? await reader.read() : await readWithin(reader, idleTimeoutMs, clock);
      } catch (e) {
        if (signal?.aborted || isAbortError(e)) throw abortError();
        throw new NetworkError('The log stream connection broke.', { detail: describe(e) });
      }
      if (signal?.aborted) throw abortError();
      if (result === IDLE) {
        throw new TimeoutError(`The log stream sent nothing for ${Math.round((idleTimeoutMs ?? 0) / 1000)} s.`);
      }
      if (result.done) break;
      const batch = decoder.push(result.value);
      if (batch.length > 0) yield batch;
    }
    const last = decoder.end();
    if (last.length > 0) yield last;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    reader.cancel().catch(() => undefined);
  }
}

async function readWithin(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  ms: number,
  clock: Clock,
): Promise<ReadableStreamReadResult<Uint8Array> | typeof IDLE> {
  const timer = new AbortController();
  try {
    return await Promise.race([
      reader.read(),
      clock.sleep(ms, timer.signal).then(
        (): typeof IDLE => IDLE,
        () => new Promise<never>(() => undefined),
      ),
    ]);
  } finally {
    timer.abort();
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message.slice(0, 200) : String(e).slice(0, 200);
}
