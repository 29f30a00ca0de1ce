import * as assert from 'node:assert/strict';
import { mapAgentLogMessage } from '../../src/core/api/agentParsing';
import { mapCloudLogMessage } from '../../src/core/api/cloudParsing';
import { NetworkError, NotFoundError, RateLimitError } from '../../src/core/http/errors';
import type { OpenedStream } from '../../src/core/http/http';
import type { LogStreamEvent } from '../../src/core/logs/logEvents';
import { indexedLogStream, replayingLogStream } from '../../src/core/logs/logStream';
import type { LogStreamSettings } from '../../src/core/logs/logStream';
import { FakeClock, waitFor } from './support/fakeClock';

const encoder = new TextEncoder();

/** How a scripted connection ends after its data. */
type Ending = 'close' | 'drop' | 'hang';

interface FakeConnection extends OpenedStream {
  readonly closed: () => boolean;
}

/** One connection's bytes, handed out in two uneven chunks so events straddle reads. */
function connection(text: string, ending: Ending): FakeConnection {
  const bytes = encoder.encode(text);
  const chunks = [bytes.subarray(0, Math.floor(bytes.length / 3)), bytes.subarray(Math.floor(bytes.length / 3))];
  let closed = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.shift();
      if (next) {
        controller.enqueue(next);
        return;
      }
      if (ending === 'close') controller.close();
      else if (ending === 'drop') controller.error(new TypeError('terminated'));
      // 'hang': leave the pull unanswered, like a quiet server.
      else return new Promise<void>(() => undefined);
      return undefined;
    },
    cancel() {
      closed = true;
    },
  });
  return { body, contentType: 'text/event-stream', close: () => void (closed = true), closed: () => closed };
}

const v1 = (event: object) => `data: ${JSON.stringify(event)}\n\n`;
const delta = (n: number) => v1({ type: 'text-delta', id: 't', delta: `d${n}` });
const cloud = (name: string, data: object) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
const cloudLog = (index: number) => cloud('log', { index, log: { type: 'info', message: `line ${index}` } });

async function collect(iterable: AsyncIterable<LogStreamEvent>, limit = 100_000): Promise<LogStreamEvent[]> {
  const events: LogStreamEvent[] = [];
  for await (const event of iterable) {
    events.push(event);
    if (events.length > limit) throw new Error('stream did not end');
  }
  return events;
}

/** Short names for events so whole sequences compare at a glance. */
function label(event: LogStreamEvent): string {
  switch (event.kind) {
    case 'text':
      return event.text;
    case 'log':
      return event.message;
    case 'connected':
      return `connected#${event.attempt}`;
    case 'reconnecting':
      return `reconnecting#${event.attempt}`;
    case 'status':
      return `status:${event.rawStatus}`;
    case 'finish':
      return `finish:${event.status}`;
    case 'malformed':
      return `malformed:${event.sample}`;
    case 'unknown':
      return `unknown:${event.type}`;
    case 'gave-up':
      return 'gave-up';
    default:
      return event.kind;
  }
}

describe('log stream', () => {
  let clock: FakeClock;
  let settings: LogStreamSettings;

  beforeEach(() => {
    clock = new FakeClock(Date.parse('2025-01-01T00:00:00Z'), 50_000);
    settings = { clock, random: () => 0.5, baseDelayMs: 1000, maxDelayMs: 30_000, idleTimeoutMs: 60_000 };
  });

  /** Hands out the scripted connections in order; fails the test if more are opened. */
  function opener(...connections: Array<FakeConnection | Error>) {
    const opened: FakeConnection[] = [];
    let count = 0;
    const open = async () => {
      const next = connections[count++];
      if (next === undefined) throw new Error('opened more connections than scripted');
      if (next instanceof Error) throw next;
      opened.push(next);
      return next;
    };
    return { open, opened, count: () => count };
  }

  describe('Agent API v1 (replay from the start)', () => {
    it('delivers each event exactly once across a reconnect that replays everything', async () => {
      const script = opener(
        connection(v1({ type: 'resume', runId: 'r' }) + delta(1) + delta(2) + delta(3), 'drop'),
        connection(
          v1({ type: 'resume', runId: 'r' }) +
            [1, 2, 3, 4, 5].map(delta).join('') +
            v1({ type: 'finish', status: 'completed' }),
          'close',
        ),
      );
      const events = await collect(replayingLogStream(script.open, mapAgentLogMessage, settings));
      assert.deepEqual(events.map(label), [
        'connected#0',
        'd1',
        'd2',
        'd3',
        'reconnecting#1',
        'connected#1',
        'd4',
        'd5',
        'finish:completed',
      ]);
      assert.ok(
        script.opened.every((c) => c.closed()),
        'every connection is closed',
      );
    });

    it('counts malformed data like any event: reported once, never replayed', async () => {
      const first = delta(1) + 'data: {not json\n\n' + delta(2);
      const script = opener(
        connection(first, 'drop'),
        connection(first + delta(3) + v1({ type: 'finish', status: 'failed' }), 'close'),
      );
      const events = await collect(replayingLogStream(script.open, mapAgentLogMessage, settings));
      assert.deepEqual(events.map(label), [
        'connected#0',
        'd1',
        'malformed:{not json',
        'd2',
        'reconnecting#1',
        'connected#1',
        'd3',
        'finish:failed',
      ]);
    });

    it('stays exactly-once when a replay itself drops part-way', async () => {
      const all = [1, 2, 3, 4].map(delta);
      const script = opener(
        connection(all.slice(0, 3).join(''), 'drop'),
        connection(all.slice(0, 2).join(''), 'drop'),
        connection(all.join('') + v1({ type: 'finish', status: 'completed' }), 'close'),
      );
      const events = (await collect(replayingLogStream(script.open, mapAgentLogMessage, settings))).filter(
        (e) => e.kind === 'text',
      );
      assert.deepEqual(events.map(label), ['d1', 'd2', 'd3', 'd4']);
    });

    it('maps every documented type and keeps unknown types as unknown', async () => {
      const stream = [
        v1({ type: 'start', runId: 'r', startedAt: '2025-01-01T00:00:05Z' }),
        v1({ type: 'text-start', id: 'b1' }),
        v1({ type: 'text-delta', id: 'b1', delta: 'Hi' }),
        v1({ type: 'tool-call-start', toolCallId: 'c1', toolName: 'bash' }),
        v1({ type: 'tool-input-available', toolCallId: 'c1', toolName: 'bash', input: { command: 'ls' } }),
        v1({ type: 'tool-output-available', toolCallId: 'c1', toolName: 'bash', output: { stdout: 'a', exitCode: 0 } }),
        v1({ type: 'files-changed', files: ['a.ts', { path: 'b.ts' }] }),
        v1({ type: 'session-init', x: 1 }),
        v1({ type: 'error', errorText: 'boom' }),
        v1({ type: 'text-delta' }),
        v1({ type: 'finish', runId: 'r', status: 'failed' }),
      ].join('');
      const events = await collect(
        replayingLogStream(opener(connection(stream, 'close')).open, mapAgentLogMessage, settings),
      );
      assert.deepEqual(events.slice(1), [
        { kind: 'start', startedAt: Date.parse('2025-01-01T00:00:05Z') },
        { kind: 'text-start', blockId: 'b1' },
        { kind: 'text', blockId: 'b1', text: 'Hi' },
        { kind: 'tool-start', toolCallId: 'c1', toolName: 'bash' },
        { kind: 'tool-input', toolCallId: 'c1', toolName: 'bash', input: { command: 'ls' } },
        { kind: 'tool-output', toolCallId: 'c1', toolName: 'bash', output: { stdout: 'a', exitCode: 0 } },
        { kind: 'files', files: ['a.ts', 'b.ts'] },
        { kind: 'unknown', type: 'session-init' },
        { kind: 'error', message: 'boom' },
        { kind: 'malformed', sample: '{"type":"text-delta"}' },
        { kind: 'finish', status: 'failed', rawStatus: 'failed' },
      ]);
    });

    it('ends with a finish from the status endpoint when the server closes a finished run without one', async () => {
      let asked = 0;
      const script = opener(connection(delta(1), 'close'));
      const events = await collect(
        replayingLogStream(script.open, mapAgentLogMessage, {
          ...settings,
          currentStatus: async () => {
            asked++;
            return { status: 'cancelled', rawStatus: 'cancelled' };
          },
        }),
      );
      assert.deepEqual(events.map(label), ['connected#0', 'd1', 'finish:cancelled']);
      assert.equal(asked, 1);
    });

    it('reconnects when the server closes a run that is still active', async () => {
      const statuses = ['in_progress', 'completed'];
      const script = opener(connection(delta(1), 'close'), connection(delta(1) + delta(2), 'close'));
      const events = await collect(
        replayingLogStream(script.open, mapAgentLogMessage, {
          ...settings,
          currentStatus: async () => {
            const raw = statuses.shift() ?? 'completed';
            return { status: raw === 'completed' ? 'completed' : 'running', rawStatus: raw };
          },
        }),
      );
      assert.deepEqual(events.map(label), [
        'connected#0',
        'd1',
        'reconnecting#1',
        'connected#1',
        'd2',
        'finish:completed',
      ]);
    });

    it('reconnects after the idle timeout (injected clock) without repeating anything', async () => {
      const script = opener(
        connection(delta(1), 'hang'),
        connection(delta(1) + delta(2) + v1({ type: 'finish', status: 'completed' }), 'close'),
      );
      const seen: LogStreamEvent[] = [];
      const done = (async () => {
        for await (const event of replayingLogStream(script.open, mapAgentLogMessage, settings)) seen.push(event);
      })();
      await waitFor(() => seen.length === 2 && clock.pending().includes(60_000));
      clock.advance(60_000);
      await done;
      assert.deepEqual(seen.map(label), [
        'connected#0',
        'd1',
        'reconnecting#1',
        'connected#1',
        'd2',
        'finish:completed',
      ]);
      const reconnecting = seen.find((e) => e.kind === 'reconnecting');
      assert.ok(reconnecting?.kind === 'reconnecting' && /nothing for 60 s/.test(reconnecting.reason));
    });
  });

  describe('Agent API v1: events the server does not replay', () => {
    const heartbeat = v1({ type: 'heartbeat' });
    const sessionInit = v1({ type: 'session-init', sessionId: 's1' });
    const prose = (events: readonly LogStreamEvent[]) =>
      events.flatMap((e) => (e.kind === 'text' || e.kind === 'finish' ? [label(e)] : []));

    it('skips by log events only, whatever keep-alive lines and one-time events come between', async () => {
      const script = opener(
        // The first connection alone sends session-init, and keep-alives land anywhere.
        connection(sessionInit + delta(1) + heartbeat + 'data: ping\n\n' + delta(2), 'drop'),
        connection(delta(1) + delta(2) + delta(3), 'drop'),
        connection(heartbeat + delta(1) + heartbeat + delta(2) + heartbeat + delta(3) + delta(4), 'drop'),
        connection(delta(1) + delta(2) + delta(3) + delta(4) + v1({ type: 'finish', status: 'completed' }), 'close'),
      );
      const events = await collect(replayingLogStream(script.open, mapAgentLogMessage, settings));
      assert.deepEqual(prose(events), ['d1', 'd2', 'd3', 'd4', 'finish:completed']);
    });
  });

  describe('quiet runs', () => {
    const running = async () => ({ status: 'running' as const, rawStatus: 'in_progress' });

    it('a running run whose stream closes with nothing new is reconnected, never given up on', async () => {
      const quiet = () => connection(delta(1), 'close');
      const script = opener(
        ...Array.from({ length: 7 }, quiet),
        connection(delta(1) + delta(2) + v1({ type: 'finish', status: 'completed' }), 'close'),
      );
      let asked = 0;
      const events = await collect(
        replayingLogStream(script.open, mapAgentLogMessage, {
          ...settings,
          maxReconnects: 2,
          currentStatus: async () => {
            asked++;
            return running();
          },
        }),
      );
      assert.deepEqual(
        events.filter((e) => e.kind !== 'connected').map(label),
        ['d1', 'reconnecting#1', 'd2', 'finish:completed'],
        'one note for the first close (it had delivered something), none for the quiet ones, no giving up',
      );
      assert.equal(asked, 7, 'one status call per connection that ended');
    });

    it('a run silent past the idle timeout is judged by its status, not counted as a failure', async () => {
      const script = opener(
        connection(delta(1), 'hang'),
        connection(delta(1), 'hang'),
        connection(delta(1), 'hang'),
        connection(delta(1) + delta(2) + v1({ type: 'finish', status: 'completed' }), 'close'),
      );
      const seen: LogStreamEvent[] = [];
      const done = (async () => {
        const stream = replayingLogStream(script.open, mapAgentLogMessage, {
          ...settings,
          maxReconnects: 1,
          currentStatus: running,
        });
        for await (const event of stream) seen.push(event);
      })();
      for (let i = 0; i < 3; i++) {
        await waitFor(() => clock.pending().includes(60_000));
        clock.advance(60_000);
      }
      await done;
      assert.ok(!seen.some((e) => e.kind === 'gave-up'), seen.map(label).join(', '));
      assert.deepEqual(seen.filter((e) => e.kind === 'text' || e.kind === 'finish').map(label), [
        'd1',
        'd2',
        'finish:completed',
      ]);
    });

    it('a queued run whose stream closes at once waits for running, with one note', async () => {
      const statuses = ['pending', 'pending', 'pending', 'in_progress'];
      const script = opener(
        connection('', 'close'),
        connection(delta(1) + v1({ type: 'finish', status: 'completed' }), 'close'),
      );
      const events = await collect(
        replayingLogStream(script.open, mapAgentLogMessage, {
          ...settings,
          maxReconnects: 0,
          currentStatus: async () => {
            const raw = statuses.shift() ?? 'in_progress';
            return raw === 'pending' ? { status: 'queued', rawStatus: raw } : { status: 'running', rawStatus: raw };
          },
        }),
      );
      assert.deepEqual(
        events.map((e) => (e.kind === 'waiting' ? 'waiting' : label(e))),
        ['connected#0', 'waiting', 'connected#1', 'd1', 'finish:completed'],
      );
      assert.equal(statuses.length, 0, 'the status was polled until the run started');
      assert.equal(script.count(), 2, 'no stream was opened while the run was queued');
    });

    it('still gives up when the status cannot be read either (a real failure)', async () => {
      const script = opener(...Array.from({ length: 3 }, () => connection('', 'close')));
      const events = await collect(
        replayingLogStream(script.open, mapAgentLogMessage, {
          ...settings,
          maxReconnects: 2,
          currentStatus: async () => {
            throw new NetworkError();
          },
        }),
      );
      assert.equal(events[events.length - 1]?.kind, 'gave-up');
    });
  });

  describe('Cloud API (resume from an index)', () => {
    it('reconnects with fromIndex = last index + 1 and drops the repeated status', async () => {
      const fromIndexes: number[] = [];
      const connections = [
        connection(
          cloud('connected', { taskId: 't', fromIndex: 0 }) +
            cloudLog(0) +
            cloudLog(1) +
            cloud('status', { status: 'processing' }),
          'drop',
        ),
        connection(
          cloud('connected', { taskId: 't', fromIndex: 2 }) +
            cloud('status', { status: 'processing' }) +
            cloudLog(2) +
            cloud('complete', { status: 'completed', totalLogs: 3 }),
          'close',
        ),
      ];
      const events = await collect(
        indexedLogStream(
          async (fromIndex) => {
            fromIndexes.push(fromIndex);
            const next = connections.shift();
            if (!next) throw new Error('too many connections');
            return next;
          },
          mapCloudLogMessage,
          settings,
        ),
      );
      assert.deepEqual(fromIndexes, [0, 2]);
      assert.deepEqual(events.map(label), [
        'connected#0',
        'line 0',
        'line 1',
        'status:processing',
        'reconnecting#1',
        'connected#1',
        'line 2',
        'finish:completed',
      ]);
    });

    it('still delivers each line once when a server ignores fromIndex and replays', async () => {
      const script = opener(
        connection(cloudLog(0) + cloudLog(1), 'drop'),
        connection(cloudLog(0) + cloudLog(1) + cloudLog(2) + cloud('complete', { status: 'stopped' }), 'close'),
      );
      const events = await collect(indexedLogStream(() => script.open(), mapCloudLogMessage, settings));
      assert.deepEqual(events.filter((e) => e.kind === 'log').map(label), ['line 0', 'line 1', 'line 2']);
      assert.equal(label(events[events.length - 1]), 'finish:cancelled');
    });

    it('does not end at a terminal status: the lines after it are part of the log, complete ends it', async () => {
      const conn = connection(
        cloud('connected', { taskId: 't', fromIndex: 0 }) +
          cloud('status', { status: 'completed' }) +
          cloudLog(0) +
          cloudLog(1) +
          cloud('complete', { status: 'completed', totalLogs: 2 }),
        'hang',
      );
      const events = await collect(indexedLogStream(async () => conn, mapCloudLogMessage, settings));
      assert.deepEqual(events.map(label), ['connected#0', 'status:completed', 'line 0', 'line 1', 'finish:completed']);
      assert.ok(conn.closed());
    });

    it('asks again from the last line when complete counts more lines than arrived', async () => {
      const fromIndexes: number[] = [];
      const connections = [
        connection(
          cloud('status', { status: 'completed' }) +
            cloudLog(0) +
            cloud('complete', { status: 'completed', totalLogs: 3 }),
          'close',
        ),
        connection(
          cloud('status', { status: 'completed' }) +
            cloudLog(1) +
            cloudLog(2) +
            cloud('complete', { status: 'completed', totalLogs: 3 }),
          'close',
        ),
      ];
      const events = await collect(
        indexedLogStream(
          async (fromIndex) => {
            fromIndexes.push(fromIndex);
            const next = connections.shift();
            if (!next) throw new Error('too many connections');
            return next;
          },
          mapCloudLogMessage,
          settings,
        ),
      );
      assert.deepEqual(fromIndexes, [0, 1]);
      assert.deepEqual(events.map(label), [
        'connected#0',
        'status:completed',
        'line 0',
        'connected#1',
        'line 1',
        'line 2',
        'finish:completed',
      ]);
    });

    it('says how many lines are still missing after asking again, then ends', async () => {
      const short = () => connection(cloudLog(0) + cloud('complete', { status: 'completed', totalLogs: 3 }), 'close');
      const script = opener(short(), short(), short());
      const events = await collect(indexedLogStream(() => script.open(), mapCloudLogMessage, settings));
      assert.equal(script.count(), 3);
      assert.deepEqual(
        events
          .filter((e) => e.kind !== 'connected')
          .map((e) => (e.kind === 'incomplete' ? `missing ${e.missing}` : label(e))),
        ['line 0', 'missing 2', 'finish:completed'],
      );
    });

    it('keeps log text raw, tolerates unknown events and counts malformed data', async () => {
      const stream =
        cloud('log', {
          index: 0,
          log: {
            type: 'warning',
            contentType: 'ansi',
            message: '\u001b[33mwarn\u001b[0m',
            step: 'git_cloning',
            agent: 'claude',
            timestamp: '2025-01-01T00:00:00Z',
          },
        }) +
        cloud('surprise', { a: 1 }) +
        'event: log\ndata: nope\n\n' +
        cloud('error', { error: 'stream failed' }) +
        cloud('complete', { status: 'timeout' });
      const events = await collect(
        indexedLogStream(async () => connection(stream, 'close'), mapCloudLogMessage, settings),
      );
      assert.deepEqual(events.slice(1), [
        {
          kind: 'log',
          level: 'warning',
          contentType: 'ansi',
          message: '\u001b[33mwarn\u001b[0m',
          step: 'git_cloning',
          agent: 'claude',
          timestamp: Date.parse('2025-01-01T00:00:00Z'),
        },
        { kind: 'unknown', type: 'surprise' },
        { kind: 'malformed', sample: 'nope' },
        { kind: 'error', message: 'stream failed' },
        { kind: 'finish', status: 'failed', rawStatus: 'timeout' },
      ]);
    });
  });

  describe('reconnect policy', () => {
    it('gives up after maxReconnects consecutive failures with growing delays', async () => {
      const script = opener(...Array.from({ length: 4 }, () => new NetworkError()));
      const events = await collect(
        replayingLogStream(script.open, mapAgentLogMessage, { ...settings, maxReconnects: 3 }),
      );
      assert.deepEqual(events.map(label), ['reconnecting#1', 'reconnecting#2', 'reconnecting#3', 'gave-up']);
      assert.deepEqual(
        events.flatMap((e) => (e.kind === 'reconnecting' ? [e.delayMs] : [])),
        [750, 1500, 3000],
      );
      assert.equal(script.count(), 4);
    });

    it('resets the failure count whenever a connection delivers something new', async () => {
      const script = opener(
        connection(delta(1), 'drop'),
        connection(delta(1) + delta(2), 'drop'),
        connection(delta(1) + delta(2) + delta(3), 'drop'),
        connection(delta(1) + delta(2) + delta(3) + v1({ type: 'finish', status: 'completed' }), 'close'),
      );
      const events = await collect(
        replayingLogStream(script.open, mapAgentLogMessage, { ...settings, maxReconnects: 1 }),
      );
      assert.deepEqual(events.filter((e) => e.kind !== 'connected' && e.kind !== 'reconnecting').map(label), [
        'd1',
        'd2',
        'd3',
        'finish:completed',
      ]);
    });

    it('waits as long as a 429 Retry-After says before reconnecting', async () => {
      const script = opener(
        new RateLimitError(12_000),
        connection(v1({ type: 'finish', status: 'completed' }), 'close'),
      );
      const events = await collect(replayingLogStream(script.open, mapAgentLogMessage, settings));
      const reconnecting = events.find((e) => e.kind === 'reconnecting');
      assert.ok(reconnecting?.kind === 'reconnecting');
      assert.equal(reconnecting.delayMs, 12_000);
      assert.ok(clock.sleeps.includes(12_000));
    });

    it('throws a non-transient error (404) instead of reconnecting', async () => {
      const script = opener(new NotFoundError());
      await assert.rejects(collect(replayingLogStream(script.open, mapAgentLogMessage, settings)), (e: unknown) =>
        NotFoundError.is(e),
      );
      assert.equal(script.count(), 1);
    });

    it('ends silently when the signal aborts mid-stream, closing the connection', async () => {
      const conn = connection(delta(1), 'hang');
      const controller = new AbortController();
      const seen: LogStreamEvent[] = [];
      const done = (async () => {
        for await (const event of replayingLogStream(async () => conn, mapAgentLogMessage, {
          ...settings,
          signal: controller.signal,
        })) {
          seen.push(event);
        }
      })();
      await waitFor(() => seen.length === 2 && clock.pending().includes(60_000));
      controller.abort();
      await done;
      assert.deepEqual(seen.map(label), ['connected#0', 'd1']);
      assert.ok(conn.closed());
    });

    it('ends silently when aborted during a reconnect wait', async () => {
      const slowClock = new FakeClock();
      const controller = new AbortController();
      const script = opener(new NetworkError());
      const done = collect(
        replayingLogStream(script.open, mapAgentLogMessage, {
          ...settings,
          clock: slowClock,
          signal: controller.signal,
        }),
      );
      await waitFor(() => slowClock.pending().length === 1);
      controller.abort();
      assert.deepEqual((await done).map(label), ['reconnecting#1']);
    });

    it('hands a burst out one event at a time, in order, also to next() calls made before the last one settled', async () => {
      const conn = connection(delta(1) + delta(2) + delta(3) + v1({ type: 'finish', status: 'completed' }), 'hang');
      const iterator = replayingLogStream(async () => conn, mapAgentLogMessage, settings)[Symbol.asyncIterator]();
      const results = await Promise.all(Array.from({ length: 7 }, () => iterator.next()));
      assert.deepEqual(
        results.map((result) => (result.done ? 'done' : label(result.value))),
        ['connected#0', 'd1', 'd2', 'd3', 'finish:completed', 'done', 'done'],
      );
      assert.ok(conn.closed());
    });

    it('closes the connection when the consumer stops early', async () => {
      const conn = connection(delta(1) + delta(2), 'hang');
      for await (const event of replayingLogStream(async () => conn, mapAgentLogMessage, settings)) {
        if (event.kind === 'text') break;
      }
      assert.ok(conn.closed());
    });

    it('streams a long log without buffering it: the first event arrives while the server is still sending', async () => {
      let pulls = 0;
      const body = new ReadableStream<Uint8Array>(
        {
          pull(controller) {
            if (pulls === 100) {
              controller.enqueue(encoder.encode(v1({ type: 'finish', status: 'completed' })));
              controller.close();
              return;
            }
            const first = pulls * 100;
            controller.enqueue(encoder.encode(Array.from({ length: 100 }, (_, i) => delta(first + i)).join('')));
            pulls++;
          },
        },
        { highWaterMark: 0 },
      );
      let texts = 0;
      let pullsAtFirstEvent = -1;
      let last: LogStreamEvent | undefined;
      const opened = { body, contentType: 'text/event-stream', close: () => undefined };
      for await (const event of replayingLogStream(async () => opened, mapAgentLogMessage, settings)) {
        if (event.kind === 'text' && texts++ === 0) pullsAtFirstEvent = pulls;
        last = event;
      }
      assert.equal(texts, 10_000);
      assert.equal(last?.kind, 'finish');
      assert.ok(pullsAtFirstEvent <= 2, `read ${pullsAtFirstEvent} chunks before delivering the first event`);
    });
  });
});
