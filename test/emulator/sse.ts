/**
 * One open Server-Sent Events response, with the framing faults applied on the way out:
 * odd write boundaries (inside UTF-8 characters too), CRLF, comments, unknown events,
 * a drop or a stall after N events.
 */
import type { ServerResponse } from 'node:http';
import type { Fault, FaultEffect } from './types';

type SseFault = Extract<FaultEffect, { kind: 'sse' }>;

/** Numbers channels, so keep-alive lines land in different places on each connection. */
let channelSerial = 0;

/** One thing to do on the response, in order; a promise makes the next wait for it. */
type Step = () => Promise<void> | undefined;
const DONE: Step = () => undefined;

export interface SseChannelOptions {
  readonly faults: readonly Fault[];
  readonly keepAliveMs: number;
  /** v1 has only `data:` lines; the Cloud API names its events. */
  readonly flavour: 'data-only' | 'named';
}

/**
 * Writes go out in order through a queue of steps. A plain write does not wait for its
 * callback: only a full socket buffer (write() returning false) makes the queue wait for
 * 'drain', so a long log is sent as fast as the client takes it. A drop waits until every
 * byte written before it has been handed to the socket, so the events before it arrive.
 */
export class SseChannel {
  private readonly steps: Step[] = [];
  private nextStep = 0;
  /** Running the queue, or waiting on a step. */
  private busy = false;
  /** Writes whose callback has not come yet. */
  private unflushed = 0;
  private readonly flushWaiters: Array<() => void> = [];
  private eventsSent = 0;
  private bytesSent = 0;
  private closed = false;
  private cleanedUp = false;
  /** Set once a drop or an end is queued: nothing more is accepted. */
  private finishing = false;
  private stalled = false;
  private keepAlive: NodeJS.Timeout | undefined;
  private readonly gapTimers = new Set<NodeJS.Timeout>();
  private readonly framing: SseFault | undefined;
  private readonly dropAfterEvents: number | undefined;
  private readonly dropAfterBytes: number | undefined;
  private readonly stallAfterEvents: number | undefined;
  private readonly streamError: { readonly afterEvents: number; readonly message: string } | undefined;
  private readonly closeListeners: Array<() => void> = [];
  private readonly serial = channelSerial++;

  constructor(
    private readonly res: ServerResponse,
    private readonly options: SseChannelOptions,
  ) {
    const framing = options.faults.filter((f): f is Fault & SseFault => f.kind === 'sse');
    this.framing = framing.length > 0 ? (Object.assign({ kind: 'sse' as const }, ...framing) as SseFault) : undefined;
    for (const f of options.faults) {
      if (f.kind === 'drop') {
        if (f.afterBytes !== undefined) this.dropAfterBytes = f.afterBytes;
        else this.dropAfterEvents = f.afterEvents ?? 1;
      }
      if (f.kind === 'stall') this.stallAfterEvents = f.afterEvents ?? 1;
      if (f.kind === 'stream-error')
        this.streamError = { afterEvents: f.afterEvents ?? 1, message: f.message ?? 'Stream failed' };
    }
    res.on('close', () => this.cleanUp());
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    if (options.keepAliveMs > 0) {
      this.keepAlive = setInterval(() => {
        if (!this.stalled && !this.finishing) this.write(': keep-alive\n\n');
      }, options.keepAliveMs);
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The SSE framing faults on this response, for stream handlers whose content they change. */
  get quirks(): Omit<SseFault, 'kind'> {
    return this.framing ?? {};
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  /** v1: one `data:` line of JSON. */
  data(payload: unknown): void {
    this.event(undefined, payload);
  }

  /** A complete event; `name` adds an `event:` line (Cloud). */
  event(name: string | undefined, payload: unknown): void {
    if (this.closed || this.stalled || this.finishing) return;
    const framing = this.framing;
    let frame = '';
    if (framing?.unknownEvents) frame += this.unknownEvent();
    if (framing?.heartbeats && this.options.flavour === 'data-only') frame += this.heartbeat();
    if (framing?.comments) frame += ': emulator comment\n';
    if (name !== undefined) frame += `event: ${name}\n`;
    if (framing?.comments && name !== undefined) frame += ':\n';
    frame += `data: ${JSON.stringify(payload)}\n\n`;
    this.write(frame);
    this.eventsSent++;
    this.afterEvent();
  }

  private afterEvent(): void {
    const streamError = this.streamError;
    if (streamError && this.eventsSent >= streamError.afterEvents) {
      const frame =
        this.options.flavour === 'named'
          ? `event: error\ndata: ${JSON.stringify({ error: streamError.message })}\n\n`
          : `data: ${JSON.stringify({ type: 'error', errorText: streamError.message })}\n\n`;
      this.write(frame);
      this.end();
    } else if (this.dropAfterEvents !== undefined && this.eventsSent >= this.dropAfterEvents) this.drop();
    else if (this.stallAfterEvents !== undefined && this.eventsSent >= this.stallAfterEvents) this.stalled = true;
  }

  /** Ends the response once everything queued has been written. */
  end(): void {
    if (this.closed || this.stalled || this.finishing) return;
    this.finishing = true;
    this.enqueue(() => {
      if (!this.closed) this.res.end();
      return undefined;
    });
  }

  /** Kills the connection, as a crashed proxy or a restarted server would. */
  drop(): void {
    if (this.finishing) return;
    this.finishing = true;
    this.enqueue(() =>
      this.flushed().then(() => {
        if (this.closed) return;
        this.closed = true;
        this.res.destroy();
      }),
    );
  }

  /** Closes now, whatever is queued (emulator shutdown). */
  destroy(): void {
    this.res.destroy();
    this.cleanUp();
  }

  /** A keep-alive `data:` line before some events; where depends on the connection, not on the log. */
  private heartbeat(): string {
    const n = this.eventsSent + this.serial;
    if (n % 3 !== 0) return '';
    return n % 2 === 0 ? 'data: {"type":"heartbeat"}\n\n' : 'data: ping\n\n';
  }

  private unknownEvent(): string {
    const n = this.eventsSent;
    if (this.options.flavour === 'named') return `event: x-emulator-${n}\ndata: {"note":"unknown event ${n}"}\n\n`;
    const odd = n % 3 === 1 ? 'data: this is not JSON {\n\n' : '';
    return `data: {"type":"x-emulator-unknown","n":${n}}\n\n${odd}`;
  }

  private write(frame: string): void {
    const framing = this.framing;
    let text = frame;
    if (framing?.lineEnding === 'crlf') text = text.replace(/\n/g, '\r\n');
    else if (framing?.lineEnding === 'cr') text = text.replace(/\n/g, '\r');
    const chunks = splitBytes(Buffer.from(text, 'utf8'), framing?.split);
    const gap = framing?.gapMs ?? 1;
    chunks.forEach((chunk, i) => {
      if (i > 0) this.enqueue(() => (this.closed ? undefined : this.pause(gap)));
      this.enqueue(() => (this.closed ? undefined : this.writeChunk(chunk)));
    });
  }

  private enqueue(step: Step): void {
    this.steps.push(step);
    if (!this.busy) this.runSteps();
  }

  /** Runs queued steps synchronously until one returns a promise, then resumes when it settles. */
  private runSteps(): void {
    this.busy = true;
    while (this.nextStep < this.steps.length) {
      const step = this.steps[this.nextStep];
      // Let a step that has run (and the bytes it holds) go while the rest wait for a drain.
      this.steps[this.nextStep++] = DONE;
      const pending = step();
      if (pending) {
        void pending.then(() => this.runSteps());
        return;
      }
    }
    this.steps.length = 0;
    this.nextStep = 0;
    this.busy = false;
  }

  /** Writes without waiting for the callback; waits for 'drain' only when the socket buffer is full. */
  private writeChunk(chunk: Buffer): Promise<void> | undefined {
    if (this.dropAfterBytes !== undefined && this.bytesSent + chunk.length >= this.dropAfterBytes) {
      const part = chunk.subarray(0, Math.max(0, this.dropAfterBytes - this.bytesSent));
      this.bytesSent += part.length;
      this.closed = true;
      return new Promise((resolve) => {
        this.res.write(part, () => {
          this.res.destroy();
          resolve();
        });
      });
    }
    this.bytesSent += chunk.length;
    this.unflushed++;
    if (this.res.write(chunk, this.onFlushed)) return undefined;
    return new Promise((resolve) => {
      const done = (): void => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }

  private readonly onFlushed = (): void => {
    this.unflushed--;
    if (this.unflushed === 0) for (const resolve of this.flushWaiters.splice(0)) resolve();
  };

  /** Resolves once every write so far has been handed to the socket (or the connection is gone). */
  private flushed(): Promise<void> {
    if (this.unflushed === 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.flushWaiters.push(resolve));
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.gapTimers.delete(timer);
        resolve();
      }, ms);
      this.gapTimers.add(timer);
    });
  }

  private cleanUp(): void {
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = undefined;
    for (const timer of this.gapTimers) clearTimeout(timer);
    this.gapTimers.clear();
    if (this.cleanedUp) return;
    this.cleanedUp = true;
    this.closed = true;
    for (const resolve of this.flushWaiters.splice(0)) resolve();
    const listeners = this.closeListeners.splice(0);
    for (const listener of listeners) listener();
  }
}

/** Cuts `bytes` into chunks: every `n` bytes, or inside each multi-byte UTF-8 character. */
export function splitBytes(bytes: Buffer, split: number | 'utf8' | undefined): Buffer[] {
  if (split === undefined || bytes.length <= 1) return [bytes];
  const cuts: number[] = [];
  if (split === 'utf8') {
    for (let i = 1; i < bytes.length; i++) {
      // A continuation byte (10xxxxxx) right after a lead byte: cutting here splits the character.
      const byte = bytes[i] ?? 0;
      const previous = bytes[i - 1] ?? 0;
      if ((byte & 0xc0) === 0x80 && (previous & 0xc0) === 0xc0) cuts.push(i);
    }
    if (cuts.length === 0) cuts.push(Math.floor(bytes.length / 2));
  } else {
    const size = Math.max(1, Math.floor(split));
    for (let i = size; i < bytes.length; i += size) cuts.push(i);
  }
  const chunks: Buffer[] = [];
  let start = 0;
  for (const cut of cuts) {
    chunks.push(bytes.subarray(start, cut));
    start = cut;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}
