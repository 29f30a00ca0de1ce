import * as assert from 'node:assert/strict';
import { NetworkError, TimeoutError, isAbortError } from '../../src/core/http/errors';
import { SseDecoder, readSseBatches, type ReadSseOptions, type SseItem } from '../../src/core/logs/sse';

import { FakeClock, waitFor } from './support/fakeClock';
import { RECORDED_AGENT_STREAM, RECORDED_CLOUD_STREAM } from './support/recordedStreams';

const encoder = new TextEncoder();

/** The reader's batches as one item at a time, as a consumer sees them. */
async function* readSse(body: ReadableStream<Uint8Array>, options: ReadSseOptions = {}): AsyncGenerator<SseItem> {
  for await (const batch of readSseBatches(body, options)) yield* batch;
}

function decodeChunks(chunks: readonly Uint8Array[]): SseItem[] {
  const decoder = new SseDecoder();
  const items: SseItem[] = [];
  for (const chunk of chunks) items.push(...decoder.push(chunk));
  items.push(...decoder.end());
  return items;
}

function streamOf(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

async function collect(iterable: AsyncIterable<SseItem>): Promise<SseItem[]> {
  const items: SseItem[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** A small deterministic PRNG so random splits are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function everySingleSplitMatches(bytes: Uint8Array, expected: SseItem[]): void {
  for (let at = 0; at <= bytes.length; at++) {
    const actual = decodeChunks([bytes.subarray(0, at), bytes.subarray(at)]);
    assert.deepEqual(actual, expected, `split at byte ${at}`);
  }
}

describe('SSE reader', () => {
  describe('SseDecoder on the recorded v1 stream', () => {
    const bytes = encoder.encode(RECORDED_AGENT_STREAM);
    const whole = decodeChunks([bytes]);

    it('yields each data event once, joins multi-line data, skips comments and unknown fields', () => {
      const data = whole.map((item) => (item.type === 'message' ? item.data : `<${item.type}>`));
      assert.deepEqual(data, [
        '{"type":"resume","runId":"r1"}',
        '{"type":"start","runId":"r1","startedAt":"2025-01-01T00:00:00Z"}',
        '{"type":"text-start","id":"t1"}',
        '{"type":"text-delta","id":"t1","delta":"Héllo wörld — 你好 🎉"}',
        '{"type":"tool-call-start","toolCallId":"c1","toolName":"bash"}',
        '{"type":"tool-input-available","toolCallId":"c1","toolName":"bash","input":{"command":"ls ~/é"}}',
        'not json at all',
        '{"type":"reasoning-delta",\n"delta":"two lines"}',
        '{"type":"finish","runId":"r1","status":"completed"}',
      ]);
      const withId = whole.find((item) => item.type === 'message' && item.id !== undefined);
      assert.equal(withId?.type === 'message' ? withId.id : undefined, '7');
    });

    it('gives identical events for every split into two chunks (including inside multi-byte characters)', () => {
      assert.ok(bytes.length > RECORDED_AGENT_STREAM.length, 'the recording must contain multi-byte characters');
      everySingleSplitMatches(bytes, whole);
    });

    it('gives identical events when fed one byte at a time', () => {
      const singleBytes = Array.from(bytes, (_, index) => bytes.subarray(index, index + 1));
      assert.deepEqual(decodeChunks(singleBytes), whole);
    });

    it('gives identical events for 300 random multi-way splits', () => {
      const random = seeded(42);
      for (let trial = 0; trial < 300; trial++) {
        const cuts = Array.from({ length: 1 + Math.floor(random() * 8) }, () =>
          Math.floor(random() * bytes.length),
        ).sort((a, b) => a - b);
        const chunks: Uint8Array[] = [];
        let from = 0;
        for (const cut of [...cuts, bytes.length]) {
          chunks.push(bytes.subarray(from, cut));
          from = cut;
        }
        assert.deepEqual(decodeChunks(chunks), whole, `cuts ${cuts.join(',')}`);
      }
    });

    it('reads CRLF and bare CR line endings like LF, at every split', () => {
      const crlf = encoder.encode(RECORDED_AGENT_STREAM.replace(/\n/g, '\r\n'));
      assert.deepEqual(decodeChunks([crlf]), whole);
      everySingleSplitMatches(crlf, whole);
      const cr = encoder.encode(RECORDED_AGENT_STREAM.replace(/\n/g, '\r'));
      assert.deepEqual(decodeChunks([cr]), whole);
    });

    it('ignores a leading byte-order mark', () => {
      assert.deepEqual(decodeChunks([new Uint8Array([0xef, 0xbb]), new Uint8Array([0xbf]), bytes]), whole);
    });
  });

  describe('SseDecoder on the recorded Cloud stream', () => {
    const bytes = encoder.encode(RECORDED_CLOUD_STREAM);
    const whole = decodeChunks([bytes]);

    it('keeps event names and the final event without a blank line', () => {
      assert.deepEqual(
        whole.map((item) => (item.type === 'message' ? item.event : item.type)),
        ['connected', 'log', 'status', 'log', 'mystery', 'complete'],
      );
      const first = whole[1];
      assert.ok(first?.type === 'message' && first.data.includes('Cloning ✓ 🚀'));
    });

    it('gives identical events for every split and for single bytes', () => {
      everySingleSplitMatches(bytes, whole);
      assert.deepEqual(decodeChunks(Array.from(bytes, (_, index) => bytes.subarray(index, index + 1))), whole);
    });
  });

  it('drops an event larger than the limit, says so, and carries on', () => {
    const decoder = new SseDecoder({ maxEventChars: 100 });
    const items = [
      ...decoder.push(encoder.encode(`data: ${'x'.repeat(150)}`)),
      ...decoder.push(encoder.encode(`${'x'.repeat(150)}\n\n`)),
      ...decoder.push(encoder.encode('data: small\n\n')),
      ...decoder.end(),
    ];
    assert.deepEqual(items, [
      { type: 'oversized', limit: 100 },
      { type: 'message', data: 'small' },
    ]);
  });

  describe('readSse over a byte stream', () => {
    it('yields the same items as the decoder, whatever the chunking', async () => {
      const bytes = encoder.encode(RECORDED_AGENT_STREAM);
      const expected = decodeChunks([bytes]);
      const chunks = [bytes.subarray(0, 7), bytes.subarray(7, 300), bytes.subarray(300)];
      assert.deepEqual(await collect(readSse(streamOf(chunks))), expected);
    });

    it('throws NetworkError when the connection breaks and drops the half-received event', async () => {
      const seen: SseItem[] = [];
      let pulls = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (pulls++ === 0) controller.enqueue(encoder.encode('data: {"a":1}\n\ndata: {"b":'));
          else controller.error(new TypeError('terminated'));
        },
      });
      await assert.rejects(
        (async () => {
          for await (const item of readSse(body)) seen.push(item);
        })(),
        (e: unknown) => NetworkError.is(e),
      );
      assert.deepEqual(seen, [{ type: 'message', data: '{"a":1}' }]);
    });

    it('throws TimeoutError after the idle timeout on the injected clock', async () => {
      const clock = new FakeClock();
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode('data: first\n\n'));
        },
      });
      const seen: SseItem[] = [];
      const reading = (async () => {
        for await (const item of readSse(body, { idleTimeoutMs: 60_000, clock })) seen.push(item);
      })();
      await waitFor(() => seen.length === 1 && clock.pending().includes(60_000));
      clock.advance(59_999);
      assert.deepEqual(clock.pending(), [1]);
      clock.advance(1);
      await assert.rejects(reading, (e: unknown) => TimeoutError.is(e));
    });

    it('counts idleness from the start of each read, on one sleep at a time: a stream that keeps sending never times out', async () => {
      const clock = new FakeClock();
      let push: (text: string) => void = () => undefined;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          push = (text) => controller.enqueue(encoder.encode(text));
        },
      });
      const seen: SseItem[] = [];
      let failure: unknown;
      const reading = (async () => {
        for await (const item of readSse(body, { idleTimeoutMs: 60_000, clock })) seen.push(item);
      })().catch((e: unknown) => (failure = e));
      for (let n = 1; n <= 50; n++) {
        push(`data: ${n}\n\n`);
        await waitFor(() => seen.length === n);
      }
      assert.deepEqual(clock.sleeps, [60_000], 'fifty reads, one sleep');
      for (let n = 51; n <= 55; n++) {
        clock.advance(40_000);
        push(`data: ${n}\n\n`);
        await waitFor(() => seen.length === n);
      }
      assert.equal(failure, undefined, 'a byte every 40 s is never 60 s of silence');
      clock.advance(40_000);
      await waitFor(() => clock.pending().length === 1);
      assert.deepEqual(clock.pending(), [20_000], 'the sleep goes on for the rest of the last read’s 60 s');
      clock.advance(20_000);
      await reading;
      assert.ok(TimeoutError.is(failure));
    });

    it('ends with an AbortError when the signal aborts, and cancels the body', async () => {
      let cancelled = false;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode('data: first\n\n'));
        },
        cancel() {
          cancelled = true;
        },
      });
      const controller = new AbortController();
      const seen: SseItem[] = [];
      const reading = (async () => {
        for await (const item of readSse(body, { signal: controller.signal })) seen.push(item);
      })();
      await waitFor(() => seen.length === 1);
      controller.abort();
      await assert.rejects(reading, (e: unknown) => isAbortError(e));
      assert.ok(cancelled);
    });
  });
});
