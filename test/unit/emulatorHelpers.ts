/**
 * Plain-fetch helpers for talking to the emulator in tests: JSON calls and an SSE
 * reader that keeps the raw chunks (to check framing faults) and the parsed events.
 */
import { createParser } from 'eventsource-parser';

export interface JsonAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  readonly text: string;
}

export async function call(
  url: string,
  key: string | undefined,
  init: { method?: string; body?: unknown; accept?: string } = {},
): Promise<JsonAnswer> {
  const headers: Record<string, string> = {};
  if (key !== undefined) headers.Authorization = `Bearer ${key}`;
  if (init.accept !== undefined) headers.Accept = init.accept;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
    signal: AbortSignal.timeout(5_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Left as text: some answers (HTML error pages, malformed JSON faults) are not JSON.
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** Narrows an answer body to a record for property access in assertions. */
export function rec(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`Expected an object, got ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

export function arr(value: unknown): Record<string, unknown>[] {
  if (!Array.isArray(value)) throw new Error(`Expected an array, got ${JSON.stringify(value)}`);
  return value.map(rec);
}

export interface SseEvent {
  readonly event?: string;
  readonly data: string;
}

export class SseReader {
  readonly chunks: Uint8Array[] = [];
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  status = 0;
  /** 'end' when the server closed the stream cleanly, 'error' when the connection broke. */
  readonly done: Promise<'end' | 'error'>;
  private readonly controller = new AbortController();
  private wake: (() => void) | undefined;

  constructor(url: string, key: string) {
    this.done = this.run(url, key);
  }

  get text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }

  /** The JSON of every `data:` (events named `name` only, when given). */
  json(name?: string): Record<string, unknown>[] {
    return this.events.filter((e) => name === undefined || e.event === name).map((e) => rec(JSON.parse(e.data)));
  }

  /** Resolves once `predicate` holds (checked after each chunk); rejects after `ms`. */
  async until(predicate: (reader: SseReader) => boolean, ms = 3_000): Promise<void> {
    const deadline = Date.now() + ms;
    let finished = false;
    void this.done.then(() => {
      finished = true;
      this.wake?.();
    });
    while (!predicate(this)) {
      if (finished) throw new Error(`Stream ended before the condition held; got ${this.events.length} events`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Timed out waiting on the stream; got ${this.events.length} events`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Waits for the end of the stream (bounded). */
  async finished(ms = 3_000): Promise<'end' | 'error'> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('Stream did not end in time')), ms);
    });
    try {
      return await Promise.race([this.done, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.controller.abort();
  }

  private async run(url: string, key: string): Promise<'end' | 'error'> {
    const decoder = new TextDecoder();
    const parser = createParser({
      onEvent: (e) => this.events.push({ event: e.event, data: e.data }),
      onComment: (c) => this.comments.push(c),
    });
    try {
      const response = await fetch(url, {
        headers: { Authorization: `Bearer ${key}`, Accept: 'text/event-stream' },
        signal: this.controller.signal,
      });
      this.status = response.status;
      if (!response.body) return 'end';
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.chunks.push(value);
        parser.feed(decoder.decode(value, { stream: true }));
        this.wake?.();
      }
      parser.feed(decoder.decode());
      return 'end';
    } catch {
      return 'error';
    } finally {
      this.wake?.();
    }
  }
}
