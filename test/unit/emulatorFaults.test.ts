import * as assert from 'node:assert/strict';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { faults, pathMatches } from '../emulator/faults';
import { cloudRunLog, DEMO_IDS, demoScenario, manyTasksScenario, scriptedRunLog } from '../emulator/scenarios';
import { splitBytes } from '../emulator/sse';
import { arr, call, rec, SseReader } from './emulatorHelpers';

const RUN = 'bbbbbbbb-0000-4000-8000-000000000001';
const CLOUD = 'tskFaultDemo1';
/** Multi-byte text on purpose: accents, emoji (4 bytes), Arabic. */
const WIDE = 'Résumé 📦🚀 — مرحبا بالعالم ✅';

describe('emulator: faults', () => {
  let emu: Emulator;
  const v1 = (path: string) => `${emu.url}/api/v1${path}`;
  const getV1 = (path: string) => call(v1(path), emu.keys.agent);

  beforeEach(async () => {
    emu = await startEmulator({ scenario: demoScenario(), clock: 'manual', keepAliveMs: 0 });
    emu.addTask({
      api: 'agent',
      id: RUN,
      prompt: WIDE,
      status: 'completed',
      log: scriptedRunLog({ steps: [{ text: WIDE }, { bash: 'echo ✅', stdout: '✅' }], chunkSize: 5 }),
    });
    emu.addTask({
      api: 'cloud',
      id: CLOUD,
      prompt: WIDE,
      status: 'completed',
      log: cloudRunLog([{ message: WIDE }, { message: 'done ✅' }]),
    });
  });
  afterEach(() => emu.close());

  async function stream(url: string, key: string): Promise<SseReader> {
    const reader = new SseReader(url, key);
    await reader.finished();
    return reader;
  }

  it('answers any status with {error}, {error:{code,message}}, an HTML page or nothing, for the next N requests', async () => {
    const handle = emu.fault(faults.status(503, { path: '/api/v1/tasks', times: 2 }));
    const first = await getV1('/tasks');
    assert.deepEqual([first.status, first.body], [503, { error: 'Service Unavailable' }]);
    assert.equal((await getV1('/tasks')).status, 503);
    assert.equal((await getV1('/tasks')).status, 200);
    assert.equal(handle.hits, 2);
    emu.fault(faults.status(500, { body: 'json-object', message: 'Database unavailable', times: 1 }));
    assert.deepEqual((await getV1('/tasks')).body, {
      error: { code: 'database_unavailable', message: 'Database unavailable' },
    });
    emu.fault(faults.htmlGateway(502, { times: 1 }));
    const html = await getV1('/tasks');
    assert.equal(html.status, 502);
    assert.match(html.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(html.text, /<html>.*502 Bad Gateway/s);
    emu.fault(faults.status(504, { body: 'empty', times: 1 }));
    assert.deepEqual([(await getV1('/tasks')).status, (await getV1('/tasks')).status], [504, 200]);
    assert.deepEqual(
      emu.requests.map((r) => r.faults.join()),
      ['status', 'status', '', 'status', 'status', 'status', ''],
    );
    assert.deepEqual(
      emu.requests.map((r) => r.status),
      [503, 503, 200, 500, 502, 504, 200],
    );
  });

  it('sends 429 with Retry-After in seconds or as an HTTP date', async () => {
    emu.fault(faults.rateLimited(7, { times: 1 }));
    const limited = await getV1('/tasks');
    assert.deepEqual([limited.status, limited.headers.get('retry-after')], [429, '7']);
    const date = new Date(Date.now() + 5_000).toUTCString();
    emu.fault(faults.rateLimited(date, { api: 'cloud', times: 1 }));
    assert.equal((await getV1('/tasks')).status, 200, 'scoped to the Cloud API');
    assert.equal((await call(`${emu.url}/api/tasks`, emu.keys.cloud)).headers.get('retry-after'), date);
  });

  it('scopes faults by api, method and path pattern, until cleared', async () => {
    emu.fault(faults.status(500, { method: 'POST', path: '/api/v1/tasks' }));
    emu.fault(faults.status(404, { path: '/api/v1/tasks/*/logs/**' }));
    assert.equal((await getV1('/tasks')).status, 200);
    assert.equal((await call(v1('/tasks'), emu.keys.agent, { method: 'POST', body: { prompt: 'x' } })).status, 500);
    assert.equal((await getV1(`/tasks/${RUN}`)).status, 200);
    assert.equal((await getV1(`/tasks/${RUN}/logs/stream`)).status, 404);
    emu.clearFaults();
    assert.equal((await getV1(`/tasks/${RUN}/logs`)).status, 200);
    assert.ok(pathMatches(/^\/api\/tasks\/\w+$/, '/api/tasks/abc'));
    assert.ok(!pathMatches('/api/v1/tasks/*', '/api/v1/tasks/a/status'));
  });

  it('slows answers down with latency, and never answers with hang (until close)', async () => {
    emu.fault(faults.latency(150, { times: 1 }));
    const started = Date.now();
    assert.equal((await getV1('/tasks')).status, 200);
    assert.ok(Date.now() - started >= 140, `took ${Date.now() - started} ms`);
    emu.fault(faults.hang({ times: 1 }));
    await assert.rejects(
      fetch(v1('/tasks'), { headers: { Authorization: `Bearer ${emu.keys.agent}` }, signal: AbortSignal.timeout(200) }),
      /timeout|abort/i,
    );
    assert.equal(emu.requests.at(-1)?.status, undefined);
  });

  it('drops the connection in the middle of a list body', async () => {
    emu.fault(faults.drop({}, { path: '/api/v1/tasks', times: 1 }));
    const response = await fetch(v1('/tasks'), { headers: { Authorization: `Bearer ${emu.keys.agent}` } });
    assert.equal(response.status, 200);
    await assert.rejects(response.text());
    assert.equal((await getV1('/tasks')).status, 200, 'the next request is fine');
  });

  it('answers malformed JSON or a transformed body', async () => {
    emu.fault(faults.malformedJson({ times: 1 }));
    const cut = await getV1('/tasks');
    assert.equal(cut.status, 200);
    assert.throws(() => JSON.parse(cut.text));
    assert.ok(cut.text.startsWith('{"tasks":['));
    emu.fault(faults.malformedJson({ times: 1 }, '<nope>'));
    assert.equal((await getV1('/tasks')).text, '<nope>');
    emu.fault(
      faults.transform((body) => ({ ...rec(body), status: 'paused' }), { path: `/api/v1/tasks/${RUN}`, times: 1 }),
    );
    assert.equal(rec((await getV1(`/tasks/${RUN}`)).body).status, 'paused');
  });

  it('splits SSE writes inside UTF-8 characters without changing the events', async () => {
    const plain = await stream(v1(`/tasks/${RUN}/logs/stream`), emu.keys.agent);
    emu.fault(faults.sse({ split: 'utf8', gapMs: 4 }, { times: 1 }));
    const split = await stream(v1(`/tasks/${RUN}/logs/stream`), emu.keys.agent);
    assert.deepEqual(split.json(), plain.json());
    assert.ok(split.json().some((e) => String(e.delta ?? '').includes('📦')));
    const cutInside = split.chunks.filter((c) => Buffer.from(c).toString('utf8').includes('\uFFFD'));
    assert.ok(cutInside.length > 0, 'some chunk arrived ending or starting inside a character');
    assert.ok(split.chunks.length > plain.chunks.length);
  });

  it('splits at every N bytes, for both APIs, without changing the events', async () => {
    const plain = await stream(`${emu.url}/api/tasks/${CLOUD}/stream`, emu.keys.cloud);
    emu.fault(faults.sse({ split: 7, gapMs: 0 }, { times: 1 }));
    const split = await stream(`${emu.url}/api/tasks/${CLOUD}/stream`, emu.keys.cloud);
    assert.deepEqual(split.events, plain.events);
    assert.deepEqual(
      split.json('log').map((l) => rec(l.log).message),
      [WIDE, 'done ✅'],
    );
    assert.deepEqual(
      splitBytes(Buffer.from('abcdefg'), 3).map((b) => b.toString()),
      ['abc', 'def', 'g'],
    );
    assert.deepEqual(
      splitBytes(Buffer.from('é'), 'utf8').map((b) => b.length),
      [1, 1],
    );
  });

  it('sends CRLF line endings', async () => {
    const plain = await stream(`${emu.url}/api/tasks/${CLOUD}/stream`, emu.keys.cloud);
    emu.fault(faults.sse({ lineEnding: 'crlf' }, { api: 'cloud' }));
    const crlf = await stream(`${emu.url}/api/tasks/${CLOUD}/stream`, emu.keys.cloud);
    assert.ok(crlf.text.includes('\r\n\r\n'));
    assert.ok(!/[^\r]\n/.test(crlf.text), 'no bare LF');
    assert.deepEqual(crlf.events, plain.events);
  });

  it('interleaves comment lines and unknown event types (and non-JSON data on v1)', async () => {
    const plain = await stream(v1(`/tasks/${RUN}/logs/stream`), emu.keys.agent);
    emu.fault(faults.sse({ comments: true, unknownEvents: true }));
    const noisy = await stream(v1(`/tasks/${RUN}/logs/stream`), emu.keys.agent);
    assert.ok(noisy.comments.length > 0);
    const known = noisy.events.filter((e) => e.data.startsWith('{') && !e.data.includes('x-emulator-unknown'));
    assert.deepEqual(known, plain.events);
    assert.ok(noisy.events.some((e) => e.data === 'this is not JSON {'));
    const cloud = await stream(`${emu.url}/api/tasks/${CLOUD}/stream`, emu.keys.cloud);
    assert.ok(cloud.events.some((e) => e.event?.startsWith('x-emulator-')));
    assert.equal(cloud.json('complete').length, 1);
  });

  it('v1: keep-alive data lines land differently on each connection; session-init comes on the first only', async () => {
    const plain = await stream(v1(`/tasks/${RUN}/logs/stream`), emu.keys.agent);
    emu.fault(faults.sse({ heartbeats: true, sessionInitOnce: true }, { api: 'agent' }));
    const first = await stream(v1(`/tasks/${RUN}/logs/stream`), emu.keys.agent);
    const second = await stream(v1(`/tasks/${RUN}/logs/stream`), emu.keys.agent);
    const isNoise = (data: string) => data === 'ping' || data === '{"type":"heartbeat"}';
    for (const reader of [first, second]) {
      assert.ok(
        reader.events.some((e) => isNoise(e.data)),
        'keep-alive data lines are sent',
      );
    }
    assert.notDeepEqual(
      first.events.map((e) => isNoise(e.data)),
      second.events.map((e) => isNoise(e.data)),
      'not in the same places twice',
    );
    const sessionInits = (reader: SseReader) => reader.events.filter((e) => e.data.includes('sess_once_')).length;
    assert.deepEqual([sessionInits(first), sessionInits(second)], [1, 0]);
    const content = (reader: SseReader) =>
      reader.events.filter((e) => !isNoise(e.data) && !e.data.includes('sess_once_'));
    assert.deepEqual(content(first), plain.events);
    assert.deepEqual(content(second), plain.events);
  });

  it('Cloud: a finished task sends its status before its lines; truncateLog ends early with the true totalLogs', async () => {
    const whole = await stream(`${emu.url}/api/tasks/${CLOUD}/stream`, emu.keys.cloud);
    assert.deepEqual(
      whole.events.map((e) => e.event),
      ['connected', 'status', 'log', 'log', 'complete'],
    );
    emu.fault(faults.sse({ truncateLog: 1 }, { api: 'cloud', times: 1 }));
    const short = await stream(`${emu.url}/api/tasks/${CLOUD}/stream`, emu.keys.cloud);
    assert.deepEqual(
      short.events.map((e) => e.event),
      ['connected', 'status', 'log', 'complete'],
    );
    assert.deepEqual(short.json('complete'), [{ status: 'completed', totalLogs: 2 }]);
    const rest = await stream(`${emu.url}/api/tasks/${CLOUD}/stream?fromIndex=1`, emu.keys.cloud);
    assert.deepEqual(
      rest.json('log').map((e) => e['index']),
      [1],
    );
  });

  it('drops an SSE connection after N events or bytes, and stalls one', async () => {
    emu.fault(faults.drop({ afterEvents: 3 }, { path: '**/logs/stream', times: 1 }));
    const dropped = new SseReader(v1(`/tasks/${RUN}/logs/stream`), emu.keys.agent);
    assert.equal(await dropped.finished(), 'error');
    assert.equal(dropped.events.length, 3);
    emu.fault(faults.drop({ afterBytes: 10 }, { api: 'cloud', times: 1 }));
    const cut = new SseReader(`${emu.url}/api/tasks/${CLOUD}/stream`, emu.keys.cloud);
    assert.equal(await cut.finished(), 'error');
    assert.equal(Buffer.concat(cut.chunks).length, 10);
    emu.fault(faults.stall(2, { times: 1 }));
    const stalled = new SseReader(v1(`/tasks/${RUN}/logs/stream`), emu.keys.agent);
    await stalled.until((r) => r.events.length === 2);
    await assert.rejects(
      stalled.until((r) => r.events.length > 2, 150),
      /Timed out/,
    );
    assert.equal(emu.openStreams, 1);
    assert.equal(emu.openStreamsOf(RUN), 1, 'the stalled stream is the run’s');
    assert.equal(emu.openStreamsOf(CLOUD), 0, 'the cut Cloud stream is closed');
    stalled.close();
  });

  it('reports a stream error event and closes', async () => {
    emu.fault(faults.streamError('Log store unavailable', 1, { api: 'cloud', times: 1 }));
    const cloud = await stream(`${emu.url}/api/tasks/${CLOUD}/stream`, emu.keys.cloud);
    assert.deepEqual(
      cloud.events.map((e) => e.event),
      ['connected', 'error'],
    );
    assert.deepEqual(cloud.json('error'), [{ error: 'Log store unavailable' }]);
    emu.fault(faults.streamError('boom', 2, { api: 'agent', times: 1 }));
    const v1run = await stream(v1(`/tasks/${RUN}/logs/stream`), emu.keys.agent);
    assert.deepEqual(v1run.json().at(-1), { type: 'error', errorText: 'boom' });
    assert.equal(v1run.events.length, 3);
  });

  it('restart(): live v1 runs become interrupted with inMemory null, and open streams drop', async () => {
    const live = new SseReader(v1(`/tasks/${DEMO_IDS.agent.running}/logs/stream`), emu.keys.agent);
    await live.until((r) => r.events.length > 0);
    emu.restart();
    assert.equal(await live.finished(), 'error');
    for (const id of [DEMO_IDS.agent.running, DEMO_IDS.agent.queued]) {
      const details = rec((await getV1(`/tasks/${id}`)).body);
      assert.deepEqual([details.status, details.inMemory], ['interrupted', null]);
    }
    assert.equal(rec((await getV1(`/tasks/${DEMO_IDS.agent.completed}`)).body).status, 'completed');
    assert.equal(emu.task(DEMO_IDS.cloud.processing)?.status, 'processing');
  });
});

describe('emulator: control, bounds and shutdown', () => {
  it('sets raw, normalised or unknown statuses, emits log events, and builds many-task scenarios', async () => {
    const emu = await startEmulator({
      clock: 'manual',
      keepAliveMs: 0,
      scenario: manyTasksScenario({ api: 'agent', count: 250, running: 5 }),
    });
    try {
      const list = (query: string) =>
        call(`${emu.url}/api/v1/tasks?${query}`, emu.keys.agent).then((a) => arr(rec(a.body).tasks));
      assert.equal((await list('status=running&limit=100')).length, 5);
      assert.equal((await list('page=3&limit=100')).length, 50);
      const id = '00000000-0000-4000-8000-000000000000';
      emu.setTaskStatus(id, 'paused');
      assert.equal((await list('limit=1'))[0]?.status, 'paused');
      emu.setTaskStatus(id, 'in_progress');
      assert.equal(emu.task(id)?.status, 'running');
      emu.emitLog(id, { type: 'x-new-event', note: 'added by a test' });
      assert.equal(emu.task(id)?.events.at(-1)?.type, 'x-new-event');
      const cloud = emu.addTask({ api: 'cloud', prompt: 'p', status: 'running' });
      emu.setTaskStatus(cloud.id, 'failed');
      assert.equal(emu.task(cloud.id)?.status, 'error');
      assert.throws(() => emu.addTask({ api: 'cloud', id: cloud.id, prompt: 'again', status: 'queued' }), /already/);
    } finally {
      await emu.close();
    }
  });

  it('advance() needs the manual clock', async () => {
    const emu = await startEmulator();
    try {
      assert.throws(() => emu.advance(10), /manual/);
    } finally {
      await emu.close();
    }
  });

  it('keeps the request log and each log bounded; Cloud indexes stay absolute', async () => {
    const emu = await startEmulator({ clock: 'manual', maxRecordedRequests: 3, maxEventsPerTask: 5, keepAliveMs: 0 });
    try {
      emu.addTask({
        api: 'cloud',
        id: 'tskBounded001',
        prompt: 'p',
        status: 'completed',
        log: cloudRunLog(Array.from({ length: 8 }, (_, i) => ({ message: `line ${i}` }))),
      });
      for (let i = 0; i < 5; i++) await call(`${emu.url}/api/tasks?offset=${i}`, emu.keys.cloud);
      assert.deepEqual(
        emu.requests.map((r) => r.query.offset),
        ['2', '3', '4'],
      );
      assert.equal(emu.task('tskBounded001')?.events.length, 5);
      const reader = new SseReader(`${emu.url}/api/tasks/tskBounded001/stream?fromIndex=0`, emu.keys.cloud);
      await reader.finished();
      assert.deepEqual(
        reader.json('log').map((l) => l.index),
        [3, 4, 5, 6, 7],
      );
      assert.deepEqual(reader.json('complete')[0], { status: 'completed', totalLogs: 8 });
      emu.clearRequests();
      assert.equal(emu.requests.length, 0);
    } finally {
      await emu.close();
    }
  });

  it('close() destroys open streams and held requests, clears timers and stops listening', async () => {
    const countResources = () => {
      const info = process.getActiveResourcesInfo();
      return {
        timers: info.filter((r) => r === 'Timeout').length,
        servers: info.filter((r) => r === 'TCPServerWrap').length,
      };
    };
    // After a turn of the event loop, so mocha's own timeout timer is in the baseline.
    await new Promise((resolve) => setImmediate(resolve));
    const baseline = countResources();
    const emu = await startEmulator({ scenario: demoScenario(), keepAliveMs: 50 });
    emu.fault(faults.hang({ path: '/api/v1/tasks' }));
    const streams = [
      new SseReader(`${emu.url}/api/v1/tasks/${DEMO_IDS.agent.running}/logs/stream`, emu.keys.agent),
      new SseReader(`${emu.url}/api/tasks/${DEMO_IDS.cloud.processing}/stream`, emu.keys.cloud),
    ];
    const held = fetch(`${emu.url}/api/v1/tasks`, { headers: { Authorization: `Bearer ${emu.keys.agent}` } }).then(
      () => 'answered',
      () => 'failed',
    );
    await Promise.all(streams.map((s) => s.until((r) => r.comments.length > 0)));
    assert.equal(emu.openStreams, 2);
    assert.deepEqual(
      [DEMO_IDS.agent.running, DEMO_IDS.cloud.processing, DEMO_IDS.agent.completed].map((id) => emu.openStreamsOf(id)),
      [1, 1, 0],
    );
    await emu.close();
    assert.equal(emu.openStreams, 0);
    assert.equal(emu.openStreamsOf(DEMO_IDS.agent.running), 0);
    assert.deepEqual(await Promise.all(streams.map((s) => s.finished(1_000))), ['error', 'error']);
    assert.equal(await held, 'failed');
    await assert.rejects(fetch(`${emu.url}/api/v1/tasks`), 'nothing listens any more');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const after = countResources();
    assert.ok(after.servers <= baseline.servers, 'the server is closed');
    assert.ok(after.timers <= baseline.timers, `timers: ${after.timers} vs ${baseline.timers} before`);
  });
});
