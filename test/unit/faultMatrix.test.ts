import * as assert from 'node:assert/strict';
import { createTasksApi, type TasksApiOptions } from '../../src/core/api/createTasksApi';
import { describeError } from '../../src/core/view/errorDescription';
import {
  AuthError,
  BadRequestError,
  ForbiddenError,
  NetworkError,
  NotFoundError,
  ProtocolError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from '../../src/core/http/errors';
import type { LogEvent, LogStreamEvent } from '../../src/core/logs/logEvents';
import { renderEvents } from './support/renderEvents';
import { PollingTaskStore } from '../../src/core/tasks/pollingTaskStore';
import type { TaskListStore } from '../../src/core/tasks/taskStore';
import type { DisposableLike } from '../../src/core/util/disposable';
import { buildTreeModel } from '../../src/core/view/taskGrouping';
import { cloudDetails } from '../../src/core/api/cloudParsing';
import { linkContinuedTask } from '../../src/core/tasks/followUp';
import { firstDetailsLoad } from './support/webviewPages';
import { renderTaskHeader } from '../../src/core/logs/taskHeader';
import { presentTask, taskTooltipMarkdown } from '../../src/core/view/taskPresentation';
import type { TasksApi } from '../../src/core/api/tasksApi';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/emulator';
import { faults } from '../emulator/faults';
import { scriptedRunLog } from '../emulator/scenarios';
import { FakeClock, waitFor } from './support/fakeClock';
import { FakeConnection } from './support/storeHarness';

/**
 * The fault matrix: one test per way the service or the network can misbehave, each
 * against the loopback emulator over real HTTP, through the real clients, stream and
 * store. docs/reliability.md has one row per test here (same names): what happens, what
 * the user sees, what is kept.
 */

const RUNNING = '11111111-0000-4000-8000-000000000001';
const DONE = '11111111-0000-4000-8000-000000000002';
const FAILED = '11111111-0000-4000-8000-000000000003';
const LOGGED = '11111111-0000-4000-8000-000000000004';
const CLOUD_RUNNING = 'tskFaultRun01';

const LOG_STEPS = [
  { text: 'Looking at the order totals to see where the discount is applied twice.' },
  { bash: 'npm test', stdout: 'PASS src/orders.test.ts\nTests: 12 passed', exitCode: 0 },
  { text: 'Fixed: the coupon is skipped when a sale price already applies.' },
  { files: ['src/orders.ts', 'src/orders.test.ts'] },
];

function scenarioTasks(emulator: Emulator): void {
  emulator.addTask({
    api: 'agent',
    id: RUNNING,
    prompt: 'Add rate limiting to the API',
    status: 'running',
    createdAgoMs: 60_000,
  });
  emulator.addTask({
    api: 'agent',
    id: DONE,
    prompt: 'Fix the flaky checkout test',
    status: 'completed',
    createdAgoMs: 120_000,
  });
  emulator.addTask({
    api: 'agent',
    id: FAILED,
    prompt: 'Upgrade to Node 22',
    status: 'failed',
    error: 'npm ci failed',
    createdAgoMs: 180_000,
  });
  emulator.addTask({
    api: 'agent',
    id: LOGGED,
    prompt: 'Fix the double discount',
    status: 'completed',
    createdAgoMs: 240_000,
    log: scriptedRunLog({ steps: LOG_STEPS, chunkSize: 12, seed: 'f' }),
  });
  emulator.addTask({
    api: 'cloud',
    id: CLOUD_RUNNING,
    prompt: 'Write the release notes',
    status: 'processing',
    createdAgoMs: 30_000,
  });
}

async function emulatorWithTasks(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulator({ keepAliveMs: 0, ...options });
  scenarioTasks(emulator);
  return emulator;
}

function agentClient(emulator: Emulator, options: Partial<TasksApiOptions> = {}): TasksApi {
  return createTasksApi({
    kind: 'agent',
    baseUrl: emulator.url,
    apiKey: emulator.keys.agent,
    random: () => 0.5,
    ...options,
  });
}

/**
 * A manual clock for a store and its client: retry backoffs (under 4 s) pass by themselves;
 * the refresh schedule (5 s and more) and request deadlines only move when the test says so.
 */
function storeClock(): FakeClock {
  return new FakeClock(Date.now(), 4_000);
}

/** A store as the tree uses it, on the clock its client uses. */
async function readyStore(
  api: TasksApi,
  clock: FakeClock,
): Promise<{ store: TaskListStore & DisposableLike; clock: FakeClock; connection: FakeConnection }> {
  const connection = FakeConnection.to(api);
  const store = new PollingTaskStore({ connection, clock });
  store.setActivity({ viewVisible: true, windowFocused: true });
  store.start();
  await waitFor(() => store.status().state === 'ready' && !store.status().refreshing, 5_000);
  return { store, clock, connection };
}

async function collect(events: AsyncIterable<LogStreamEvent>): Promise<LogStreamEvent[]> {
  const seen: LogStreamEvent[] = [];
  for await (const event of events) seen.push(event);
  return seen;
}

const CONNECTION_KINDS = new Set(['connected', 'reconnecting', 'gave-up', 'malformed']);

function logEventsOf(events: readonly LogStreamEvent[]): LogEvent[] {
  return events.filter((event): event is LogEvent => !CONNECTION_KINDS.has(event.kind));
}

const fastStream = { baseDelayMs: 10, maxDelayMs: 50 };

describe('fault matrix', function () {
  this.timeout(15_000);
  let emulator: Emulator;
  const stores: DisposableLike[] = [];

  afterEach(async () => {
    for (const store of stores.splice(0)) store.dispose();
    await emulator?.close();
  });

  async function storeOn(target: Emulator, options: Partial<TasksApiOptions> = {}) {
    const clock = storeClock();
    const api = agentClient(target, { clock, ...options });
    const made = await readyStore(api, clock);
    stores.push(made.store);
    return { ...made, api };
  }

  it('401: AuthError, the view asks for a key, the tasks stay and polling stops', async () => {
    emulator = await emulatorWithTasks();
    const { store, clock } = await storeOn(emulator);
    const before = store.tasks().length;
    emulator.fault(faults.status(401));
    const error = await agentClient(emulator)
      .list()
      .catch((e: unknown) => e);
    assert.ok(AuthError.is(error), `got ${String(error)}`);
    assert.deepEqual(describeError(error, 'Refreshing tasks').remedies, ['setApiKey']);

    await store.refresh();
    assert.equal(store.tasks().length, before, 'nothing shown is dropped');
    assert.match(store.status().problem ?? '', /Set API Key/);
    emulator.clearRequests();
    // Longer than the longest backoff (5 min): a schedule that only backed off would have asked again.
    clock.advance(10 * 60_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(emulator.requests.length, 0, 'a refused key is not retried on a schedule');
  });

  it('403: ForbiddenError with the server’s reason; tasks kept, the problem shown in the view', async () => {
    emulator = await emulatorWithTasks();
    const { store } = await storeOn(emulator);
    emulator.fault(faults.status(403, { message: 'Your plan does not include the Agent API' }));
    const error = await agentClient(emulator)
      .list()
      .catch((e: unknown) => e);
    assert.ok(ForbiddenError.is(error));
    assert.match(error.userMessage, /Your plan does not include the Agent API/);
    await store.refresh();
    assert.equal(store.tasks().length, 4);
    assert.equal(store.status().state, 'ready');
    assert.match(store.status().problem ?? '', /refused this request.*Showing the last known tasks/);
  });

  it('404 for a deleted task: the store removes it from the tree (status poll and details)', async () => {
    emulator = await emulatorWithTasks();
    const { store } = await storeOn(emulator);
    assert.ok(store.get(RUNNING) && store.get(DONE));
    // The running task disappears from the server: gone from the list, 404 for its status.
    emulator.fault(
      faults.transform(
        (body) => {
          const page = body as { tasks: { runId: string }[] };
          return { ...page, tasks: page.tasks.filter((task) => task.runId !== RUNNING) };
        },
        { path: '/api/v1/tasks' },
      ),
    );
    emulator.fault(faults.status(404, { path: `/api/v1/tasks/${RUNNING}/status` }));
    await store.refresh();
    await waitFor(() => store.get(RUNNING) === undefined, 3_000);
    const tree = buildTreeModel(store.tasks());
    assert.ok(!tree.groups.some((group) => group.rows.some((row) => row.taskId === RUNNING)), 'not drawn any more');

    // A finished one whose details answer 404 goes too.
    emulator.fault(faults.status(404, { path: `/api/v1/tasks/${DONE}` }));
    store.requestDetails([DONE]);
    await waitFor(() => store.get(DONE) === undefined, 3_000);
    assert.ok(store.get(FAILED), 'other tasks stay');
  });

  it('429 with Retry-After: the client waits exactly that long, then succeeds; a long wait pauses the store', async () => {
    emulator = await emulatorWithTasks();
    const clock = new FakeClock(Date.now(), 10_000);
    emulator.fault(faults.rateLimited(7, { path: '/api/v1/tasks', times: 1 }));
    const page = await agentClient(emulator, { clock }).list();
    assert.equal(page.tasks.length, 4);
    assert.ok(clock.sleeps.includes(7_000), `slept ${JSON.stringify(clock.sleeps)}`);
    assert.equal(emulator.requests.filter((r) => r.path === '/api/v1/tasks').length, 2);

    // Longer than the client will wait: the store keeps its tasks and asks nothing until then.
    const { store, clock: storeClock } = await storeOn(emulator);
    emulator.fault(faults.rateLimited(120, { path: '/api/v1/tasks' }));
    await store.refresh();
    assert.ok(
      RateLimitError.is(
        await agentClient(emulator, { maxRetries: 0 })
          .list()
          .catch((e: unknown) => e),
      ),
    );
    assert.equal(store.tasks().length, 4);
    assert.match(store.status().problem ?? '', /rate limiting/);
    emulator.clearRequests();
    storeClock.advance(119_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(emulator.requests.length, 0, 'no request before Retry-After has passed');
    storeClock.advance(2_000);
    await waitFor(() => emulator.requests.some((r) => r.path === '/api/v1/tasks'), 3_000);
  });

  it('500: ServerError, not retried; tasks kept and refreshes back off', async () => {
    emulator = await emulatorWithTasks();
    const { store, clock } = await storeOn(emulator);
    emulator.fault(faults.status(500, { body: 'json-object', message: 'Database unavailable' }));
    emulator.clearRequests();
    const error = await agentClient(emulator)
      .list()
      .catch((e: unknown) => e);
    assert.ok(ServerError.is(error));
    assert.equal(error.status, 500);
    assert.match(error.userMessage, /Database unavailable/);
    assert.equal(emulator.requests.length, 1, 'a 500 is not retried blindly');
    await store.refresh();
    assert.equal(store.tasks().length, 4);
    // A task is running, so without a failure the list would be asked for again in 5 s; after one, in 10 s.
    emulator.clearRequests();
    const lists = () => emulator.requests.filter((r) => r.path === '/api/v1/tasks').length;
    clock.advance(6_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(lists(), 0, 'backs off: not at the active interval');
    clock.advance(5_000);
    await waitFor(() => lists() > 0, 3_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(lists(), 1, 'one list call after the backed-off wait');
  });

  it('502 with an HTML body: a clean sentence without markup, retried as transient', async () => {
    emulator = await emulatorWithTasks();
    emulator.fault(faults.htmlGateway(502, { path: '/api/v1/tasks' }));
    const error = await agentClient(emulator, { clock: new FakeClock(Date.now(), 10_000) })
      .list()
      .catch((e: unknown) => e);
    assert.ok(ServerError.is(error));
    assert.equal(error.status, 502);
    assert.doesNotMatch(error.message, /<|>|html|cloudfront/i);
    assert.doesNotMatch(describeError(error, 'Refreshing tasks').message, /<|>/);
    assert.equal(emulator.requests.length, 4, 'first attempt and three retries');
  });

  it('timeout: a request that never answers fails with TimeoutError after the deadline', async () => {
    emulator = await emulatorWithTasks();
    emulator.fault(faults.hang({ path: '/api/v1/tasks' }));
    const started = Date.now();
    const error = await agentClient(emulator, { timeoutMs: 300, maxRetries: 0 })
      .list()
      .catch((e: unknown) => e);
    assert.ok(TimeoutError.is(error), `got ${String(error)}`);
    assert.ok(Date.now() - started < 3_000);
    assert.match(error.userMessage, /did not answer within/);
    assert.deepEqual(describeError(error, 'Refreshing tasks').remedies, ['retry', 'showOutput']);
  });

  it('connection reset during a list: retried once and the list arrives whole', async () => {
    emulator = await emulatorWithTasks();
    emulator.fault(faults.drop({ afterBytes: 40 }, { path: '/api/v1/tasks', times: 1 }));
    const page = await agentClient(emulator, { clock: new FakeClock(Date.now(), 10_000) }).list();
    assert.equal(page.tasks.length, 4);
    assert.equal(emulator.requests.length, 2);
    // Every attempt reset: NetworkError, and a store keeps what it showed.
    const { store } = await storeOn(emulator);
    emulator.fault(faults.drop({ afterBytes: 40 }, { path: '/api/v1/tasks' }));
    assert.ok(
      NetworkError.is(
        await agentClient(emulator, { maxRetries: 0 })
          .list()
          .catch((e: unknown) => e),
      ),
    );
    await store.refresh();
    assert.equal(store.tasks().length, 4);
    assert.match(store.status().problem ?? '', /Showing the last known tasks/);
  });

  it('drop during a log stream: one reconnect, every event delivered exactly once', async () => {
    emulator = await emulatorWithTasks();
    const clean = logEventsOf(await collect(agentClient(emulator).streamLogs(LOGGED)));
    assert.ok(clean.length > 10);
    emulator.fault(faults.drop({ afterEvents: 6 }, { path: `/api/v1/tasks/${LOGGED}/logs/stream`, times: 1 }));
    const events = await collect(agentClient(emulator, { stream: fastStream }).streamLogs(LOGGED));
    assert.equal(events.filter((event) => event.kind === 'reconnecting').length, 1);
    assert.deepEqual(logEventsOf(events), clean, 'no event lost, none repeated');
    assert.equal(renderEvents(logEventsOf(events)), renderEvents(clean));
  });

  it('malformed JSON: ProtocolError for a list, a skipped and counted line in a log stream', async () => {
    emulator = await emulatorWithTasks();
    const { store } = await storeOn(emulator);
    emulator.fault(faults.malformedJson({ path: '/api/v1/tasks' }));
    assert.ok(
      ProtocolError.is(
        await agentClient(emulator)
          .list()
          .catch((e: unknown) => e),
      ),
    );
    await store.refresh();
    assert.equal(store.tasks().length, 4, 'tasks kept');
    assert.match(store.status().problem ?? '', /does not understand/);
    emulator.clearFaults();

    const known = (events: readonly LogStreamEvent[]) =>
      logEventsOf(events).filter((event) => event.kind !== 'unknown');
    const clean = known(await collect(agentClient(emulator).streamLogs(LOGGED)));
    emulator.fault(faults.sse({ unknownEvents: true }, { path: `/api/v1/tasks/${LOGGED}/logs/stream` }));
    const noisy = await collect(agentClient(emulator).streamLogs(LOGGED));
    assert.ok(
      noisy.some((event) => event.kind === 'malformed'),
      'the non-JSON line is reported',
    );
    assert.deepEqual(known(noisy), clean, 'the known events arrive unchanged around the bad ones');
  });

  it('unknown status and event types: shown as "unknown" with the raw word, never dropped; unknown events ignored', async () => {
    emulator = await emulatorWithTasks();
    emulator.setTaskStatus(DONE, 'paused_for_review');
    const { store } = await storeOn(emulator);
    const task = store.get(DONE);
    assert.equal(task?.status, 'unknown');
    assert.equal(task?.rawStatus, 'paused_for_review');
    const tree = buildTreeModel(store.tasks());
    assert.ok(tree.groups.find((group) => group.status === 'unknown')?.rows.some((row) => row.taskId === DONE));
    assert.match(presentTask(task, { now: Date.now() }).description, /paused_for_review/);

    const runId = '11111111-0000-4000-8000-000000000008';
    emulator.addTask({
      api: 'agent',
      id: runId,
      prompt: 'Think first',
      status: 'completed',
      log: [
        { event: { type: 'text-start', id: 't1' } },
        { event: { type: 'reasoning-delta', delta: 'thinking…' } },
        { event: { type: 'text-delta', id: 't1', delta: 'Done.' } },
      ],
    });
    const events = await collect(agentClient(emulator).streamLogs(runId));
    assert.ok(events.some((event) => event.kind === 'unknown' && event.type === 'reasoning-delta'));
    assert.doesNotMatch(renderEvents(logEventsOf(events)), /thinking…/);
  });

  it('a 100 KB prompt: created, listed and drawn with a short label and a bounded tooltip', async () => {
    emulator = await emulatorWithTasks();
    const paragraph = 'Refactor the billing module so that every invoice line is computed once. ';
    const prompt = paragraph.repeat(Math.ceil(100_000 / paragraph.length)).slice(0, 100_000);
    const api = agentClient(emulator);
    const created = await api.create({
      prompt,
      repoUrl: 'https://github.com/blackbox-demo/shop-api.git',
      baseBranch: 'main',
    });
    const details = await api.get(created.id);
    assert.equal(details.prompt?.length, 100_000, 'the whole prompt went and came back');
    const shown = presentTask(details, { now: Date.now() });
    assert.ok(shown.label.length <= 80, `label of ${shown.label.length} characters`);
    assert.ok(taskTooltipMarkdown(details, { now: Date.now() }).length < 6_000);
  });

  it('emoji and right-to-left text: kept intact through HTTP, the tree and the log; direction overrides removed', async () => {
    emulator = await emulatorWithTasks();
    const title = 'إصلاح الخصم 🚀 תיקון 👩🏽‍💻 Résumé';
    const runId = '11111111-0000-4000-8000-000000000009';
    emulator.addTask({
      api: 'agent',
      id: runId,
      prompt: `${title}\u202Egnp.exe`,
      status: 'completed',
      log: scriptedRunLog({
        steps: [{ text: `${title} ✅` }, { bash: 'echo 🚀', stdout: 'مرحبا 🚀' }],
        chunkSize: 3,
        seed: 'r',
      }),
    });
    const api = agentClient(emulator);
    const details = await api.get(runId);
    const label = presentTask(details, { now: Date.now() }).label;
    assert.ok(label.startsWith(title), label);
    assert.ok(!label.includes('\u202E'), 'no right-to-left override in the label');
    // Every multi-byte character split across network reads.
    emulator.fault(faults.sse({ split: 'utf8' }, { path: `/api/v1/tasks/${runId}/logs/stream` }));
    const text = renderEvents(logEventsOf(await collect(api.streamLogs(runId))));
    assert.ok(text.includes(`${title} ✅`), text);
    assert.ok(text.includes('مرحبا 🚀'));
    assert.ok(!text.includes('\uFFFD'), 'no replacement characters');
  });

  it('server restart: a running run becomes interrupted; its log stream reconnects and ends once', async () => {
    emulator = await emulatorWithTasks({ clock: 'manual' });
    const runId = '11111111-0000-4000-8000-00000000000a';
    emulator.addTask({
      api: 'agent',
      id: runId,
      prompt: 'Long migration',
      status: 'running',
      log: scriptedRunLog({ steps: LOG_STEPS, paceMs: 100, seed: 'm' }),
    });
    emulator.advance(350);
    const { store, api } = await storeOn(emulator, { stream: fastStream });
    assert.equal(store.get(runId)?.status, 'running');

    const seen: LogStreamEvent[] = [];
    const streaming = (async () => {
      for await (const event of api.streamLogs(runId)) seen.push(event);
    })();
    await waitFor(() => logEventsOf(seen).length >= 3, 3_000);
    emulator.restart();
    await streaming;
    const events = logEventsOf(seen);
    assert.deepEqual(events[events.length - 1], { kind: 'finish', status: 'interrupted', rawStatus: 'interrupted' });
    assert.equal(events.filter((event) => event.kind === 'finish').length, 1);
    const emitted = emulator.task(runId)?.events.length ?? 0;
    assert.equal(events.length, emitted, 'each emitted event exactly once across the reconnect');

    await store.refresh();
    assert.equal(store.get(runId)?.status, 'interrupted');
    assert.ok(buildTreeModel(store.tasks()).groups.some((group) => group.status === 'interrupted'));
  });

  it('network away and back: tasks kept with a problem while away, fresh data once it returns', async () => {
    emulator = await emulatorWithTasks();
    const port = Number(new URL(emulator.url).port);
    const { store, api, clock } = await storeOn(emulator);
    await emulator.close();

    await store.refresh();
    assert.equal(store.tasks().length, 4, 'tasks kept');
    assert.equal(store.status().state, 'ready');
    assert.match(store.status().problem ?? '', /Cannot reach the BLACKBOX API.*Showing the last known tasks/);
    assert.ok(NetworkError.is(await api.list().catch((e: unknown) => e)));

    // A store with nothing to show says "unreachable" (the view's welcome text with Retry).
    const empty = new PollingTaskStore({ connection: FakeConnection.to(api), clock });
    stores.push(empty);
    empty.setActivity({ viewVisible: true, windowFocused: true });
    empty.start();
    await waitFor(() => empty.status().state === 'unreachable' && !empty.status().refreshing, 5_000);

    emulator = await startEmulator({ port, keepAliveMs: 0 });
    scenarioTasks(emulator);
    emulator.setTaskStatus(RUNNING, 'completed');
    await store.refresh();
    assert.equal(store.status().problem, undefined);
    assert.equal(store.get(RUNNING)?.status, 'completed', 'fresh data after the network returned');
    await empty.refresh();
    assert.equal(empty.status().state, 'ready');
  });

  it('two windows: two stores on one account see each other’s changes, each polling once per interval', async () => {
    emulator = await emulatorWithTasks();
    const first = await storeOn(emulator);
    const second = await storeOn(emulator);
    assert.equal((await agentClient(emulator).cancel(RUNNING)).success, true, 'cancelled from the first window');
    await second.store.refresh();
    assert.equal(second.store.get(RUNNING)?.status, 'cancelled', 'the second window sees it on its next refresh');

    emulator.clearRequests();
    for (let step = 0; step < 30; step++) {
      first.clock.advance(500);
      second.clock.advance(500);
      await new Promise<void>((resolve) => setImmediate(resolve));
      await waitFor(() => !first.store.status().refreshing && !second.store.status().refreshing, 3_000);
    }
    // The first window learns of the cancel on its next list call, then both idle (nothing
    // active); each fetches the finished run's details once. No status calls, no storm.
    const lists = emulator.requests.filter((r) => r.path === '/api/v1/tasks').length;
    const others = emulator.requests.filter((r) => r.path !== '/api/v1/tasks' && r.path !== `/api/v1/tasks/${RUNNING}`);
    assert.ok(lists >= 1 && lists <= 2, `list calls in 15 s: ${lists}`);
    assert.deepEqual(
      others.map((r) => r.path),
      [],
    );
    assert.equal(first.store.get(RUNNING)?.status, 'cancelled');

    // The key cleared in one window: the other's session loses its connection (SecretStorage
    // fires onDidChange in every window); the store empties and stops asking.
    second.connection.set({ kind: 'none' });
    assert.equal(second.store.status().state, 'noKey');
    assert.equal(second.store.tasks().length, 0);
    emulator.clearRequests();
    await second.store.refresh();
    assert.equal(emulator.requests.length, 0);
  });

  it('a log stream that goes silent: idle timeout, reconnect, nothing repeated', async () => {
    emulator = await emulatorWithTasks();
    const clean = logEventsOf(await collect(agentClient(emulator).streamLogs(LOGGED)));
    emulator.fault(faults.stall(4, { path: `/api/v1/tasks/${LOGGED}/logs/stream`, times: 1 }));
    const events = await collect(
      agentClient(emulator, { stream: { ...fastStream, idleTimeoutMs: 300 } }).streamLogs(LOGGED),
    );
    const reconnect = events.find((event) => event.kind === 'reconnecting');
    assert.ok(
      reconnect && reconnect.kind === 'reconnecting' && /sent nothing/.test(reconnect.reason),
      JSON.stringify(reconnect),
    );
    assert.deepEqual(logEventsOf(events), clean);
  });

  it('503 then success: retried transparently, the caller never sees it', async () => {
    emulator = await emulatorWithTasks();
    const diagnostics: string[] = [];
    emulator.fault(faults.status(503, { path: '/api/v1/tasks', times: 2 }));
    const page = await agentClient(emulator, {
      clock: new FakeClock(Date.now(), 10_000),
      onDiagnostic: (line) => diagnostics.push(line),
    }).list();
    assert.equal(page.tasks.length, 4);
    assert.equal(emulator.requests.length, 3);
    assert.equal(diagnostics.filter((line) => /retry \d of 3/.test(line)).length, 2, diagnostics.join('\n'));
  });

  it('402 from the Cloud API on create: a plain sentence about credits, nothing sent twice', async () => {
    emulator = await emulatorWithTasks();
    emulator.fault(faults.status(402, { api: 'cloud', method: 'POST' }));
    const cloud = createTasksApi({ kind: 'cloud', baseUrl: emulator.url, apiKey: emulator.keys.cloud });
    const error = await cloud.create({ prompt: 'Write the changelog' }).catch((e: unknown) => e);
    assert.ok(BadRequestError.is(error));
    assert.match(error.userMessage, /not have enough credits/);
    assert.equal(emulator.requests.filter((r) => r.method === 'POST').length, 1, 'a write is never retried blindly');
  });

  it('an error body of another shape ({error: {code, message}}, plain text, empty): the message is still found', async () => {
    emulator = await emulatorWithTasks();
    const api = agentClient(emulator, { maxRetries: 0 });
    emulator.fault(faults.status(404, { body: 'json-object', message: 'Run was deleted', times: 1 }));
    const nested = await api.get(DONE).catch((e: unknown) => e);
    assert.ok(NotFoundError.is(nested));
    assert.match(nested.userMessage, /Run was deleted/);
    emulator.fault(faults.status(403, { body: 'text', message: 'plan expired', times: 1 }));
    const text = await api.get(DONE).catch((e: unknown) => e);
    assert.ok(ForbiddenError.is(text));
    assert.match(text.userMessage, /plan expired/);
    emulator.fault(faults.status(500, { body: 'empty', times: 1 }));
    const empty = await api.get(DONE).catch((e: unknown) => e);
    assert.ok(ServerError.is(empty));
    assert.match(empty.userMessage, /HTTP 500/);
  });
  it('one bad row in a list: the row is skipped or its odd field ignored, every other task shown, logged once', async () => {
    emulator = await emulatorWithTasks();
    // Newest first: RUNNING, DONE, FAILED, LOGGED.
    emulator.fault(faults.listRowField(0, 'title', 42, { path: '/api/v1/tasks' }));
    emulator.fault(faults.listRowField(0, 'progress', 'half', { path: '/api/v1/tasks' }));
    emulator.fault(faults.listRowField(1, 'agent', { name: 'claude' }, { path: '/api/v1/tasks' }));
    emulator.fault(faults.listRowField(1, 'updatedAt', 'yesterday-ish', { path: '/api/v1/tasks' }));
    emulator.fault(faults.listRowField(2, 'status', 7, { path: '/api/v1/tasks' }));
    emulator.fault(faults.listRowField(3, 'runId', 12, { path: '/api/v1/tasks' }));
    emulator.fault(faults.listRowField(3, 'taskId', null, { path: '/api/v1/tasks' }));
    const clock = storeClock();
    const diagnostics: string[] = [];
    const store = new PollingTaskStore({
      connection: FakeConnection.to(agentClient(emulator, { clock })),
      clock,
      onDiagnostic: (message, level) => diagnostics.push(`${level ?? 'debug'}: ${message}`),
    });
    stores.push(store);
    store.setActivity({ viewVisible: true, windowFocused: true });
    store.start();
    await waitFor(() => store.status().state === 'ready' && !store.status().refreshing, 5_000);

    assert.equal(store.status().problem, undefined, 'the refresh succeeded');
    assert.deepEqual(
      store
        .tasks()
        .map((task) => task.id)
        .sort(),
      [DONE, RUNNING].sort(),
      'the good rows are shown',
    );
    assert.equal(store.get(RUNNING)?.status, 'running');
    assert.equal(store.get(RUNNING)?.title, undefined, 'an undocumented field of the wrong type is ignored');
    assert.equal(store.get(DONE)?.status, 'completed');
    const reports = () => diagnostics.filter((line) => /could not read whole/.test(line));
    assert.equal(reports().length, 1, 'logged once');
    const [report] = reports();
    assert.match(report ?? '', /^warn: /, 'dropping data is a warning in the extension log');
    assert.match(report ?? '', /tasks\[0\]\.title/);
    assert.match(report ?? '', /tasks\[1\]\.agent/);
    assert.match(report ?? '', new RegExp(`tasks\\[2\\] \\(${FAILED}\\) skipped: tasks\\[2\\]\\.status`));
    assert.match(report ?? '', /tasks\[3\] skipped/);

    await store.refresh();
    assert.equal(reports().length, 1, 'the same rows are not logged again on every refresh');

    const cloud = createTasksApi({ kind: 'cloud', baseUrl: emulator.url, apiKey: emulator.keys.cloud });
    emulator.fault(faults.listRowField(0, 'diffStats', 'n/a', { path: '/api/tasks' }));
    emulator.fault(
      faults.listRowField(0, 'followupMessages', [7, { prompt: 'And the changelog' }], { path: '/api/tasks' }),
    );
    const page = await cloud.list();
    assert.equal(page.tasks[0]?.id, CLOUD_RUNNING);
    assert.equal(page.tasks[0]?.diffStats, undefined);
    assert.deepEqual(
      page.tasks[0]?.followUps?.map((f) => f.prompt),
      ['And the changelog'],
    );
    assert.equal(page.problems?.length, 1);
  });
  it('a value the server clears: a failed Cloud task continued to success shows no old error anywhere', async () => {
    emulator = await startEmulator({ keepAliveMs: 0, clock: 'manual' });
    const id = 'tskFailedOnce1';
    emulator.addTask({ api: 'cloud', id, prompt: 'Ship the release', status: 'error', error: 'npm ci failed' });
    const clock = storeClock();
    const api = createTasksApi({ kind: 'cloud', baseUrl: emulator.url, apiKey: emulator.keys.cloud, clock });
    const { store } = await readyStore(api, clock);
    stores.push(store);
    assert.equal(store.get(id)?.error, 'npm ci failed');

    const before = store.get(id);
    assert.ok(before);
    const continued = await api.continue(id, { prompt: 'Try again with npm install' });
    store.upsert(linkContinuedTask(before, continued, Date.now()));
    assert.equal(store.get(id)?.status, 'running');
    assert.equal(store.get(id)?.error, undefined, 'the continued task no longer carries the old error');
    await store.refresh();
    assert.equal(store.get(id)?.error, undefined, 'the list (error: null) keeps it cleared');

    emulator.advance(600_000);
    await store.refresh();
    const done = store.get(id);
    assert.ok(done);
    assert.equal(done.status, 'completed');
    assert.equal(done.error, undefined);
    const now = Date.now();
    assert.doesNotMatch(taskTooltipMarkdown(done, { now }), /npm ci failed|Error/);
    assert.doesNotMatch(renderTaskHeader(done), /npm ci failed/);
    assert.doesNotMatch(firstDetailsLoad(cloudDetails(done), { nonce: 'n' }), /npm ci failed/);
  });
});
