import * as assert from 'node:assert/strict';
import { createTasksApi } from '../../src/core/api/createTasksApi';
import { ApiError, AuthError, NotFoundError, ServerError } from '../../src/core/http/errors';
import type { LogStreamEvent } from '../../src/core/logs/logEvents';
import type { ApiKind, Task } from '../../src/core/tasks/model';
import { normaliseAgentStatus, normaliseCloudStatus } from '../../src/core/api/status';

const normaliseStatus = (kind: 'agent' | 'cloud', raw: string | undefined) =>
  kind === 'agent' ? normaliseAgentStatus(raw) : normaliseCloudStatus(raw);
import type { TasksApi } from '../../src/core/api/tasksApi';
import { startEmulator } from '../emulator/emulator';
import type { Emulator } from '../emulator/emulator';
import { faults } from '../emulator/faults';
import { DEMO_IDS, demoScenario } from '../emulator/scenarios';
import { FakeClock } from './support/fakeClock';
import { FAKE_AGENT_KEY, FAKE_CLOUD_KEY } from './support/loopbackServer';

const FAST = { queueMs: 1_000, eventMs: 100, savingMs: 500 };
const REPO = 'https://github.com/blackbox-demo/shop-api.git';

/** Both clients, end to end against the emulator (real HTTP on 127.0.0.1, manual emulator time). */
describe('clients against the emulator', () => {
  let emu: Emulator;
  let clock: FakeClock;
  let diagnostics: string[];

  beforeEach(async () => {
    emu = await startEmulator({
      scenario: demoScenario(),
      clock: 'manual',
      timing: FAST,
      keepAliveMs: 0,
      keys: { agent: FAKE_AGENT_KEY, cloud: FAKE_CLOUD_KEY },
    });
    clock = new FakeClock(Date.now(), 10_000);
    diagnostics = [];
  });

  afterEach(async () => {
    await emu.close();
    const recorded = JSON.stringify(emu.requests);
    for (const key of [FAKE_AGENT_KEY, FAKE_CLOUD_KEY]) {
      assert.equal(recorded.includes(key), false, 'the key reached a URL or body');
      for (const line of diagnostics) assert.equal(line.includes(key), false, `diagnostic leaked the key: ${line}`);
    }
  });

  function client(kind: ApiKind, apiKey = kind === 'agent' ? FAKE_AGENT_KEY : FAKE_CLOUD_KEY): TasksApi {
    return createTasksApi({
      kind,
      baseUrl: emu.url,
      apiKey,
      clock,
      random: () => 0.5,
      onDiagnostic: (line) => diagnostics.push(line),
      stream: { baseDelayMs: 50, idleTimeoutMs: 60_000 },
    });
  }

  async function listAll(api: TasksApi, limit: number): Promise<Task[]> {
    const tasks: Task[] = [];
    let page = await api.list({ limit });
    tasks.push(...page.tasks);
    for (let guard = 0; page.next && guard < 100; guard++) {
      page = await api.list({ limit, cursor: page.next });
      tasks.push(...page.tasks);
    }
    return tasks;
  }

  async function collect(iterable: AsyncIterable<LogStreamEvent>): Promise<LogStreamEvent[]> {
    const events: LogStreamEvent[] = [];
    for await (const event of iterable) events.push(event);
    return events;
  }

  /** Consumes a live stream while moving emulator time on, until the stream ends. */
  async function followLive(
    iterable: AsyncIterable<LogStreamEvent>,
    stepMs = 200,
    maxSteps = 3000,
  ): Promise<LogStreamEvent[]> {
    let done = false;
    const collecting = collect(iterable).finally(() => {
      done = true;
    });
    for (let step = 0; !done && step < maxSteps; step++) {
      emu.advance(stepMs);
      await new Promise<void>((resolve) => setTimeout(resolve, 1));
    }
    return collecting;
  }

  /** What a renderer would show: the log events without connection notes. */
  const content = (events: readonly LogStreamEvent[]) =>
    events.filter(
      (e) => e.kind !== 'connected' && e.kind !== 'reconnecting' && e.kind !== 'malformed' && e.kind !== 'unknown',
    );

  for (const kind of ['agent', 'cloud'] as const) {
    describe(kind === 'agent' ? 'Agent API v1' : 'Cloud API', () => {
      it("lists every task across pages, each once, with the emulator's status normalised", async () => {
        const api = client(kind);
        const tasks = await listAll(api, 3);
        const expected = emu.tasks(kind);
        assert.deepEqual(
          tasks.map((t) => t.id),
          expected.map((t) => t.id),
        );
        for (const task of tasks) {
          const emulated = expected.find((t) => t.id === task.id)!;
          assert.equal(task.api, kind);
          assert.equal(task.rawStatus, emulated.status);
          assert.equal(task.status, normaliseStatus(kind, emulated.status).status);
        }
      });

      it('filters the list by status', async () => {
        const api = client(kind);
        const failed = await api.list({ status: 'failed' });
        assert.ok(failed.tasks.length > 0);
        assert.ok(failed.tasks.every((t) => t.status === 'failed'));
        const emulatedFailed = emu.tasks(kind).filter((t) => normaliseStatus(kind, t.status).status === 'failed');
        assert.deepEqual(new Set(failed.tasks.map((t) => t.id)), new Set(emulatedFailed.map((t) => t.id)));
      });

      it('gets details and status of every task', async () => {
        const api = client(kind);
        for (const emulated of emu.tasks(kind)) {
          const details = await api.get(emulated.id);
          assert.equal(details.id, emulated.id);
          assert.equal(details.prompt, emulated.prompt, `prompt of ${emulated.id}`);
          assert.equal(details.createdBranch, emulated.createdBranch);
          assert.ok(details.messages.length >= 1);
          const info = await api.status(emulated.id);
          assert.equal(info.status, normaliseStatus(kind, emulated.status).status);
        }
        await assert.rejects(api.get('no-such-task'), (e: unknown) => NotFoundError.is(e));
      });

      it('creates a task (sent once), follows its live log to the end, each event once', async () => {
        const api = client(kind);
        const before = emu.tasks(kind).length;
        const created = await api.create({
          prompt: 'Add rate limiting to the API 🚦',
          repoUrl: REPO,
          baseBranch: 'main',
        });
        assert.equal(emu.tasks(kind).length, before + 1);
        assert.equal(created.task.status, 'queued');
        assert.equal(created.task.prompt, 'Add rate limiting to the API 🚦');
        const posts = emu.requests.filter((r) => r.method === 'POST');
        assert.equal(posts.length, 1);
        const events = await followLive(api.streamLogs(created.id));
        const last = events[events.length - 1];
        assert.ok(
          last.kind === 'finish' || (last.kind === 'status' && last.status === 'completed'),
          `ended with ${JSON.stringify(last)}`,
        );
        // Every event the emulator emitted for the run arrived, once, in order.
        const emulated = emu.task(created.id)!;
        const delivered = events.filter((e) => e.kind !== 'connected' && e.kind !== 'status' && e.kind !== 'finish');
        const emitted = emulated.events.filter((e) => kind === 'cloud' || e['type'] !== 'finish');
        assert.equal(delivered.length, emitted.length);
        assert.ok(delivered.length > 3);
        // Reading the finished run's log again gives the same content.
        const withoutStatus = (list: readonly LogStreamEvent[]) => content(list).filter((e) => e.kind !== 'status');
        const replay = await collect(api.streamLogs(created.id));
        assert.deepEqual(withoutStatus(replay), withoutStatus(events));
      });

      it('never retries a create that failed with 503, and retries a list through 429 Retry-After', async () => {
        const api = client(kind);
        const before = emu.tasks(kind).length;
        emu.fault(faults.status(503, { method: 'POST', times: 1 }));
        await assert.rejects(api.create({ prompt: 'Once' }), (e: unknown) => ServerError.is(e) && e.status === 503);
        assert.equal(emu.requests.filter((r) => r.method === 'POST').length, 1);
        assert.equal(emu.tasks(kind).length, before);
        emu.fault(faults.rateLimited(3, { method: 'GET', times: 1 }));
        await api.list();
        assert.ok(clock.sleeps.includes(3000), `slept ${clock.sleeps.join(',')}`);
        assert.deepEqual(
          emu.requests.filter((r) => r.method === 'GET').map((r) => r.status),
          [429, 200],
        );
      });

      it('maps an HTML gateway page, {error:{code,message}} and a bad key to clean typed errors', async () => {
        const api = client(kind);
        emu.fault(faults.htmlGateway(502, { times: 4 }));
        await assert.rejects(
          api.list(),
          (e: unknown) => ServerError.is(e) && e.status === 502 && !/[<>]/.test(e.userMessage),
        );
        emu.fault(faults.status(500, { body: 'json-object', message: 'Database unavailable', times: 1 }));
        await assert.rejects(
          api.list(),
          (e: unknown) => ServerError.is(e) && /Database unavailable/.test(e.userMessage),
        );
        const wrongKey = client(kind, kind === 'agent' ? 'sk-wrong-key-000000' : 'bb_wrong_key_000000');
        await assert.rejects(
          wrongKey.list(),
          (e: unknown) =>
            AuthError.is(e) && !e.userMessage.includes('wrong-key') && !e.userMessage.includes('wrong_key'),
        );
      });

      it('reconnects after a dropped stream and shows every event exactly once', async () => {
        const api = client(kind);
        const id = kind === 'agent' ? DEMO_IDS.agent.completed : DEMO_IDS.cloud.completed;
        const clean = await collect(api.streamLogs(id));
        const streamPath = kind === 'agent' ? '**/logs/stream' : '**/stream';
        emu.fault(faults.drop({ afterEvents: 3 }, { path: streamPath, times: 1 }));
        const dropped = await collect(api.streamLogs(id));
        assert.ok(
          dropped.some((e) => e.kind === 'reconnecting'),
          'the fault did not drop the stream',
        );
        assert.deepEqual(content(dropped), content(clean));
        assert.ok(content(clean).length > 3);
      });

      it('reads streams split inside UTF-8 characters, with CRLF, comments and unknown events, like clean ones', async () => {
        const api = client(kind);
        const id = kind === 'agent' ? DEMO_IDS.agent.completed : DEMO_IDS.cloud.completed;
        const clean = await collect(api.streamLogs(id));
        emu.fault(
          faults.sse(
            { split: 'utf8', lineEnding: 'crlf', comments: true, unknownEvents: true, gapMs: 0 },
            { times: 1 },
          ),
        );
        const quirky = await collect(api.streamLogs(id));
        assert.deepEqual(content(quirky), content(clean));
        assert.ok(
          quirky.some((e) => e.kind === 'unknown' || e.kind === 'malformed'),
          'the quirks were not applied',
        );
      });
    });
  }

  describe('writes that differ between the APIs', () => {
    it('v1: continue starts a new run in the same chat; cancel stops a running run, success false afterwards', async () => {
      const api = client('agent');
      const continued = await api.continue(DEMO_IDS.agent.completed, { prompt: 'Now add a changelog entry' });
      assert.notEqual(continued.id, DEMO_IDS.agent.completed);
      assert.equal(continued.previousId, DEMO_IDS.agent.completed);
      const run = emu.task(continued.id)!;
      assert.equal(run.previousRunId, DEMO_IDS.agent.completed);
      assert.equal(run.chatId, emu.task(DEMO_IDS.agent.completed)!.chatId);
      assert.equal((await api.get(continued.id)).prompt, 'Now add a changelog entry');
      await assert.rejects(api.continue(DEMO_IDS.agent.completed, { prompt: 'x', model: 'm' }), (e: unknown) =>
        ApiError.is(e),
      );

      const cancelled = await api.cancel(DEMO_IDS.agent.running);
      assert.equal(cancelled.success, true);
      assert.equal(emu.task(DEMO_IDS.agent.running)!.status, 'cancelled');
      const again = await api.cancel(DEMO_IDS.agent.running);
      assert.equal(again.success, false);
      assert.equal(emu.requests.filter((r) => r.method === 'PATCH').length, 2);
      assert.deepEqual(
        emu.requests.filter((r) => r.method === 'PATCH').map((r) => r.body),
        [{ action: 'cancel' }, { action: 'cancel' }],
      );
    });

    it('Cloud: continue reruns the same task with the follow-up; stop a processing task, success false afterwards', async () => {
      const api = client('cloud');
      const continued = await api.continue(DEMO_IDS.cloud.completed, { prompt: 'Also add tests' });
      assert.equal(continued.id, DEMO_IDS.cloud.completed);
      assert.equal(continued.task.status === 'queued' || continued.task.status === 'running', true);
      assert.ok(emu.task(DEMO_IDS.cloud.completed)!.followUps.some((f) => f.prompt === 'Also add tests'));

      const stopped = await api.cancel(DEMO_IDS.cloud.processing);
      assert.equal(stopped.success, true);
      assert.equal(stopped.status, 'cancelled');
      const again = await api.cancel(DEMO_IDS.cloud.processing);
      assert.equal(again.success, false);
      assert.deepEqual(
        emu.requests.filter((r) => r.method === 'PATCH').map((r) => r.body),
        [{ action: 'stop' }, { action: 'stop' }],
      );
      assert.ok(
        emu.requests.every(
          (r) => r.api !== 'cloud' || r.accept?.includes('application/json') || r.path.endsWith('/stream'),
        ),
      );
    });
  });
});
