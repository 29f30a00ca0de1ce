import * as assert from 'node:assert/strict';
import { createTasksApi, type TasksApiOptions } from '../../src/core/api/createTasksApi';
import type { LogEvent, LogStreamEvent } from '../../src/core/logs/logEvents';
import { renderEventStream } from '../../src/core/logs/logRenderer';
import { renderEvents } from './support/renderEvents';
import type { TasksApi } from '../../src/core/api/tasksApi';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { faults } from '../emulator/faults';
import { cloudRunLog, scriptedRunLog } from '../emulator/scenarios';
import { waitFor } from './support/fakeClock';

/**
 * The log rows of the fault matrix (docs/reliability.md): each against the loopback
 * emulator over real HTTP, through the real clients, log stream and renderer.
 */

const RUN = '22222222-0000-4000-8000-000000000001';
const CLOUD_DONE = 'tskLogFault01';
const STREAM_V1 = `/api/v1/tasks/${RUN}/logs/stream`;

const PROSE =
  'The flaky test is auth/redirect.spec.ts — it depends on the wall clock.\nI will freeze the clock in its setup.';

const fastStream = { baseDelayMs: 10, maxDelayMs: 50 };
const CONNECTION_KINDS = new Set(['connected', 'reconnecting', 'gave-up', 'malformed', 'waiting', 'incomplete']);

function logEventsOf(events: readonly LogStreamEvent[]): LogEvent[] {
  return events.filter((event): event is LogEvent => !CONNECTION_KINDS.has(event.kind));
}

async function collect(events: AsyncIterable<LogStreamEvent>): Promise<LogStreamEvent[]> {
  const seen: LogStreamEvent[] = [];
  for await (const event of events) seen.push(event);
  return seen;
}

function client(emulator: Emulator, kind: 'agent' | 'cloud', options: Partial<TasksApiOptions> = {}): TasksApi {
  return createTasksApi({
    kind,
    baseUrl: emulator.url,
    apiKey: kind === 'agent' ? emulator.keys.agent : emulator.keys.cloud,
    random: () => 0.5,
    ...options,
  });
}

describe('fault matrix: logs', function () {
  this.timeout(15_000);
  let emulator: Emulator;

  afterEach(async () => {
    await emulator.close();
  });

  it('a drop in the middle of a sentence: every line of the agent’s text reads as without the drop', async () => {
    emulator = await startEmulator({ keepAliveMs: 0 });
    emulator.addTask({
      api: 'agent',
      id: RUN,
      prompt: 'Fix the flaky test',
      status: 'completed',
      log: scriptedRunLog({ steps: [{ text: PROSE }, { bash: 'npm test', stdout: 'ok' }], chunkSize: 9 }),
    });
    const clean = await collect(client(emulator, 'agent').streamLogs(RUN));
    // session-init, text-start and two deltas: the connection breaks inside the first line.
    emulator.fault(faults.drop({ afterEvents: 5 }, { path: STREAM_V1, times: 1 }));
    let text = '';
    await renderEventStream(client(emulator, 'agent', { stream: fastStream }).streamLogs(RUN), (piece) => {
      text += piece;
    });
    assert.match(text, /— connection lost, reconnecting in .* —\n— reconnected —\n/);
    const lines = new Set(text.split('\n'));
    for (const line of renderEvents(logEventsOf(clean)).split('\n')) {
      assert.ok(lines.has(line), `the line ${JSON.stringify(line)} is not whole in:\n${text}`);
    }
  });

  it('a finished Cloud task that sends its status first: every log line shown, the finish line last', async () => {
    emulator = await startEmulator({ keepAliveMs: 0 });
    emulator.addTask({
      api: 'cloud',
      id: CLOUD_DONE,
      prompt: 'Write the release notes',
      status: 'completed',
      log: cloudRunLog([{ message: 'Cloning the repository' }, { message: 'Release notes written', type: 'success' }]),
    });
    const events = await collect(client(emulator, 'cloud').streamLogs(CLOUD_DONE));
    assert.deepEqual(
      events.filter((e) => e.kind !== 'connected').map((e) => e.kind),
      ['status', 'log', 'log', 'finish'],
    );
    const text = renderEvents(events, { status: 'completed' });
    assert.ok(text.includes('Cloning the repository\n✔ Release notes written\n'), text);
    assert.ok(text.endsWith('■ Task completed\n'), text);
  });

  it('a Cloud log that ends short of its totalLogs: the rest is fetched again from fromIndex', async () => {
    emulator = await startEmulator({ keepAliveMs: 0 });
    const lines = Array.from({ length: 6 }, (_, i) => ({ message: `line ${i}` }));
    emulator.addTask({
      api: 'cloud',
      id: CLOUD_DONE,
      prompt: 'Write the release notes',
      status: 'completed',
      log: cloudRunLog(lines),
    });
    emulator.fault(faults.sse({ truncateLog: 2 }, { api: 'cloud', path: '/api/tasks/*/stream', times: 1 }));
    const events = await collect(client(emulator, 'cloud').streamLogs(CLOUD_DONE));
    assert.deepEqual(
      events.flatMap((e) => (e.kind === 'log' ? [e.message] : [])),
      lines.map((line) => line.message),
    );
    const streams = emulator.requests.filter((r) => r.path.endsWith('/stream'));
    assert.deepEqual(
      streams.map((r) => r.query['fromIndex']),
      ['0', '2'],
    );
    assert.ok(!events.some((e) => e.kind === 'incomplete'));
  });

  it('keep-alive data lines and a one-time session-init: every event exactly once across reconnects', async () => {
    emulator = await startEmulator({ keepAliveMs: 0 });
    emulator.addTask({
      api: 'agent',
      id: RUN,
      prompt: 'Fix the flaky test',
      status: 'completed',
      log: scriptedRunLog({ steps: [{ text: PROSE }, { bash: 'npm test', stdout: 'ok' }], chunkSize: 4 }),
    });
    const clean = logEventsOf(await collect(client(emulator, 'agent').streamLogs(RUN))).filter(
      (e) => e.kind !== 'unknown',
    );
    emulator.fault(faults.sse({ heartbeats: true, sessionInitOnce: true }, { path: STREAM_V1 }));
    // Both the first connection and the replay break part-way.
    emulator.fault(faults.drop({ afterEvents: 9 }, { path: STREAM_V1, times: 2 }));
    const events = await collect(client(emulator, 'agent', { stream: fastStream }).streamLogs(RUN));
    assert.equal(events.filter((e) => e.kind === 'reconnecting').length, 2);
    assert.deepEqual(
      logEventsOf(events).filter((e) => e.kind !== 'unknown'),
      clean,
      'no event lost, none repeated',
    );
  });

  it('a run quiet for longer than the idle timeout: judged by its status, reconnected, never given up on', async () => {
    emulator = await startEmulator({ keepAliveMs: 0 });
    emulator.addTask({ api: 'agent', id: RUN, prompt: 'Think hard', status: 'running' });
    const api = client(emulator, 'agent', { stream: { ...fastStream, idleTimeoutMs: 100 } });
    const seen: LogStreamEvent[] = [];
    const streaming = (async () => {
      for await (const event of api.streamLogs(RUN, { maxReconnects: 1 })) seen.push(event);
    })();
    await waitFor(() => emulator.requests.filter((r) => r.path === STREAM_V1).length >= 5, 10_000);
    assert.ok(!seen.some((e) => e.kind === 'gave-up'), JSON.stringify(seen));
    assert.ok(
      seen.filter((e) => e.kind === 'reconnecting').length <= 1,
      'a note only after the connection that delivered the start; none for the quiet ones',
    );
    emulator.setTaskStatus(RUN, 'completed');
    await streaming;
    assert.equal(seen.at(-1)?.kind, 'finish');
    assert.ok(
      emulator.requests.some((r) => r.path === `/api/v1/tasks/${RUN}/status`),
      'the status was asked',
    );
  });

  it('a queued run whose stream closes at once: waits for running, then follows the log', async () => {
    emulator = await startEmulator({ keepAliveMs: 0 });
    emulator.addTask({ api: 'agent', id: RUN, prompt: 'Wait your turn', status: 'queued' });
    emulator.fault(faults.sse({ closeWhileQueued: true }, { path: STREAM_V1 }));
    const api = client(emulator, 'agent', { stream: fastStream });
    const seen: LogStreamEvent[] = [];
    const streaming = (async () => {
      for await (const event of api.streamLogs(RUN, { maxReconnects: 1 })) seen.push(event);
    })();
    await waitFor(() => emulator.requests.filter((r) => r.path.endsWith(`/${RUN}/status`)).length >= 8, 10_000);
    assert.equal(emulator.requests.filter((r) => r.path === STREAM_V1).length, 1, 'no stream while queued');
    assert.deepEqual(
      seen.map((e) => e.kind),
      ['connected', 'waiting'],
    );
    emulator.setTaskStatus(RUN, 'running');
    await waitFor(() => emulator.requests.filter((r) => r.path === STREAM_V1).length === 2, 10_000);
    emulator.setTaskStatus(RUN, 'completed');
    await streaming;
    assert.ok(!seen.some((e) => e.kind === 'gave-up'));
    assert.equal(seen.at(-1)?.kind, 'finish');
  });
});
