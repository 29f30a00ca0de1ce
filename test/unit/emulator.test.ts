import * as assert from 'node:assert/strict';
import { startEmulator, type Emulator } from '../emulator/emulator';
import {
  cloudRunLog,
  DEMO_IDS,
  demoScenario,
  emptyScenario,
  savingThenDone,
  scriptedRunLog,
} from '../emulator/scenarios';
import { arr, call, rec, SseReader } from './emulatorHelpers';

const FAST = { queueMs: 1_000, eventMs: 100, savingMs: 500 };

describe('emulator: Agent API v1', () => {
  let emu: Emulator;
  const v1 = (path: string) => `${emu.url}/api/v1${path}`;
  const get = (path: string) => call(v1(path), emu.keys.agent);
  const send = (method: string, path: string, body: unknown) => call(v1(path), emu.keys.agent, { method, body });

  beforeEach(async () => {
    emu = await startEmulator({ scenario: demoScenario(), clock: 'manual', timing: FAST, keepAliveMs: 0 });
  });
  afterEach(() => emu.close());

  it('answers 401 {error:"Unauthorized"} without the sk- key, and never records the key', async () => {
    for (const key of [undefined, 'sk-wrong', emu.keys.cloud]) {
      const answer = await call(v1('/tasks'), key);
      assert.equal(answer.status, 401);
      assert.deepEqual(answer.body, { error: 'Unauthorized' });
    }
    assert.equal((await get('/tasks')).status, 200);
    assert.deepEqual(
      emu.requests.map((r) => r.authorized),
      [false, false, false, true],
    );
    assert.ok(!JSON.stringify(emu.requests).includes(emu.keys.agent));
    assert.ok(!JSON.stringify(emu.requests).includes(emu.keys.cloud));
  });

  it('lists newest first with page, limit and hasMore, and filters by status', async () => {
    const first = rec((await get('/tasks?limit=4')).body);
    const tasks = arr(first.tasks);
    assert.equal(tasks.length, 4);
    assert.equal(first.hasMore, true);
    assert.equal(tasks[0]?.runId, DEMO_IDS.agent.queued);
    const created = tasks.map((t) => Date.parse(String(t.createdAt)));
    assert.deepEqual(
      created,
      [...created].sort((a, b) => b - a),
    );
    assert.ok(!('prompt' in (tasks[0] ?? {})), 'the v1 list carries no prompt');
    // 12 runs: the 3-agent task is three of them.
    const last = rec((await get('/tasks?limit=4&page=3')).body);
    assert.equal(arr(last.tasks).length, 4);
    assert.equal(last.hasMore, false);
    const failed = arr(rec((await get('/tasks?status=failed')).body).tasks);
    assert.deepEqual(
      failed.map((t) => t.runId),
      [DEMO_IDS.agent.multiFailed, DEMO_IDS.agent.failed],
    );
  });

  it('rejects bad list parameters with 400', async () => {
    for (const query of ['limit=0', 'limit=101', 'limit=abc', 'page=0', 'status=pending', 'status=bogus']) {
      const answer = await get(`/tasks?${query}`);
      assert.equal(answer.status, 400, query);
      assert.equal(typeof rec(answer.body).error, 'string');
    }
  });

  it('gives details with the whole chat, github (or null) and inMemory', async () => {
    const followUp = rec((await get(`/tasks/${DEMO_IDS.agent.followUp}`)).body);
    assert.equal(followUp.chatId, DEMO_IDS.agentChat);
    const messages = arr(followUp.messages);
    assert.deepEqual(
      messages.map((m) => m.role),
      ['user', 'assistant', 'user', 'assistant'],
    );
    assert.match(String(arr(messages[0]?.parts)[0]?.text), /flaky checkout/);
    assert.deepEqual(rec(followUp.github).createdBranch, 'blackbox/fix-flaky-checkout-test');
    assert.equal(followUp.inMemory, null);
    const standalone = rec((await get(`/tasks/${DEMO_IDS.agent.standalone}`)).body);
    assert.equal(standalone.github, null);
    assert.match(String(arr(arr(standalone.messages)[0]?.parts)[0]?.text), /📦🚀.*العربية/);
    const running = rec((await get(`/tasks/${DEMO_IDS.agent.running}`)).body);
    assert.notEqual(running.inMemory, null);
    assert.equal(rec(running.github).createdBranch, null);
    assert.equal((await get('/tasks/no-such-run')).status, 404);
  });

  it('speaks the pending/in_progress vocabulary on /status with a linear progress', async () => {
    const queued = rec((await get(`/tasks/${DEMO_IDS.agent.queued}/status`)).body);
    assert.equal(queued.status, 'pending');
    assert.equal(queued.progress, 0);
    const before = rec((await get(`/tasks/${DEMO_IDS.agent.running}/status`)).body);
    assert.equal(before.status, 'in_progress');
    emu.advance(60_000);
    const after = rec((await get(`/tasks/${DEMO_IDS.agent.running}/status`)).body);
    assert.ok(
      Number(after.progress) > Number(before.progress),
      `${String(after.progress)} > ${String(before.progress)}`,
    );
    assert.equal(rec((await get(`/tasks/${DEMO_IDS.agent.completed}/status`)).body).progress, 100);
    assert.equal(rec((await get(`/tasks/${DEMO_IDS.agent.cancelled}/status`)).body).progress, 0);
    const agentStatus = rec((await get(`/agent/status?runId=${DEMO_IDS.agent.failed}`)).body);
    assert.equal(agentStatus.status, 'failed');
  });

  it('returns the log as one JSON document', async () => {
    const logs = rec((await get(`/tasks/${DEMO_IDS.agent.failed}/logs`)).body);
    const events = arr(logs.events);
    assert.equal(logs.eventCount, events.length);
    assert.equal(logs.source, 'database');
    assert.deepEqual(
      events.slice(-2).map((e) => e.type),
      ['error', 'finish'],
    );
    assert.match(String(events.at(-2)?.errorText), /ERESOLVE/);
  });

  it('validates create: prompt or message, agent, selectedAgents 2–5', async () => {
    assert.equal((await send('POST', '/tasks', {})).status, 400);
    const badAgent = await send('POST', '/tasks', { prompt: 'x', agent: 'gpt' });
    assert.equal(badAgent.status, 400);
    assert.match(String(rec(badAgent.body).error), /claude.*codex/);
    assert.equal((await send('POST', '/tasks', { prompt: 'x', selectedAgents: ['claude'] })).status, 400);
    assert.equal((await send('POST', '/tasks', { prompt: 'x', selectedAgents: Array(6).fill('codex') })).status, 400);
    assert.equal((await call(v1('/tasks'), emu.keys.agent, { method: 'POST', body: '{"prompt": ' })).status, 400);
    const viaMessage = rec((await send('POST', '/tasks', { message: 'Say hi' })).body);
    assert.equal(viaMessage.agentCount, 1);
    const multi = rec(
      (
        await send('POST', '/tasks', {
          prompt: 'Race',
          selectedAgents: [{ agent: 'claude' }, { agent: 'codex', model: 'm' }],
        })
      ).body,
    );
    assert.equal(multi.agentCount, 2);
    const runs = emu.tasks('agent').filter((t) => t.prompt === 'Race');
    assert.equal(runs.length, 2);
    assert.ok(runs.every((r) => r.chatId === multi.chatId));
  });

  it('moves a created run queued → running → completed with a branch, on the manual clock', async () => {
    const created = rec(
      (
        await send('POST', '/tasks', {
          prompt: 'Add a CONTRIBUTING guide',
          repoUrl: 'https://github.com/blackbox-demo/shop-api.git',
          selectedBranch: 'main',
        })
      ).body,
    );
    assert.deepEqual(Object.keys(created).sort(), ['agentCount', 'assistantMessageId', 'chatId', 'runId', 'taskId']);
    const runId = String(created.runId);
    assert.equal(emu.task(runId)?.status, 'queued');
    emu.advance(FAST.queueMs);
    assert.equal(emu.task(runId)?.status, 'running');
    assert.equal(emu.task(runId)?.events[0]?.type, 'start');
    emu.advance(60_000);
    const done = rec((await get(`/tasks/${runId}`)).body);
    assert.equal(done.status, 'completed');
    assert.equal(rec(done.github).createdBranch, 'blackbox/add-a-contributing-guide');
    assert.equal(emu.task(runId)?.events.at(-1)?.type, 'finish');
  });

  it('continues a finished run as a new run in the same chat, and validates the follow-up', async () => {
    const path = `/tasks/${DEMO_IDS.agent.completed}/continue`;
    assert.equal((await send('POST', path, {})).status, 400);
    assert.equal((await send('POST', path, { prompt: 'x', model: 'blackboxai/openai/gpt-5.3-codex' })).status, 400);
    assert.equal((await send('POST', `/tasks/${DEMO_IDS.agent.running}/continue`, { prompt: 'x' })).status, 400);
    const next = rec(
      (
        await send('POST', path, {
          prompt: 'Now update the changelog',
          agent: 'codex',
          model: 'blackboxai/openai/gpt-5.3-codex',
        })
      ).body,
    );
    assert.equal(next.chatId, DEMO_IDS.agentChat);
    assert.equal(next.previousRunId, DEMO_IDS.agent.completed);
    assert.notEqual(next.runId, DEMO_IDS.agent.completed);
    const details = rec((await get(`/tasks/${String(next.runId)}`)).body);
    assert.equal(arr(details.messages).filter((m) => m.role === 'user').length, 3);
    assert.equal(rec(details.github).repoUrl, 'https://github.com/blackbox-demo/shop-api.git');
  });

  it('cancels an active run once (success:false when already terminal) and renames', async () => {
    const path = `/tasks/${DEMO_IDS.agent.running}`;
    const cancelled = rec((await send('PATCH', path, { action: 'cancel' })).body);
    assert.deepEqual([cancelled.success, cancelled.status], [true, 'cancelled']);
    const again = rec((await send('PATCH', path, { action: 'cancel' })).body);
    assert.deepEqual([again.success, again.status], [false, 'cancelled']);
    assert.equal(emu.task(DEMO_IDS.agent.running)?.events.at(-1)?.status, 'cancelled');
    assert.equal(rec((await send('PATCH', path, { title: 'Rate limits' })).body).success, true);
    assert.equal((await send('PATCH', path, { title: '' })).status, 400);
    assert.equal((await send('PATCH', path, { title: 'x'.repeat(201) })).status, 400);
    assert.equal((await send('PATCH', path, { action: 'pause' })).status, 400);
  });

  it('replays a finished run over SSE and closes; includeDeltas=false drops text-delta', async () => {
    const all = new SseReader(v1(`/tasks/${DEMO_IDS.agent.completed}/logs/stream`), emu.keys.agent);
    assert.equal(await all.finished(), 'end');
    const events = all.json();
    assert.deepEqual(events, [...(emu.task(DEMO_IDS.agent.completed)?.events ?? [])]);
    assert.equal(events.at(-1)?.type, 'finish');
    assert.ok(
      all.events.every((e) => e.event === undefined),
      'v1 sends data-only events',
    );
    const lean = new SseReader(
      v1(`/tasks/${DEMO_IDS.agent.completed}/logs/stream?includeDeltas=false`),
      emu.keys.agent,
    );
    await lean.finished();
    assert.ok(lean.json().length > 0);
    assert.ok(lean.json().every((e) => e.type !== 'text-delta'));
    assert.equal(lean.json().length, events.filter((e) => e.type !== 'text-delta').length);
  });

  it('streams a live run: buffered events, then new ones as time passes, then finish; a reconnect replays from the start', async () => {
    const id = 'aaaaaaaa-0000-4000-8000-000000000001';
    emu.addTask({
      api: 'agent',
      id,
      prompt: 'p',
      status: 'running',
      log: scriptedRunLog({ steps: [{ text: 'one two three' }, { bash: 'ls' }], paceMs: 1_000, buffered: 2 }),
      onLogEnd: { status: 'completed' },
    });
    const first = new SseReader(v1(`/tasks/${id}/logs/stream`), emu.keys.agent);
    await first.until((r) => r.events.length >= 3);
    assert.deepEqual(
      first.json().map((e) => e.type),
      ['start', 'session-init', 'text-start'],
    );
    emu.advance(1_000);
    await first.until((r) => r.events.length >= 4);
    first.close();
    const again = new SseReader(v1(`/agent/stream?runId=${id}`), emu.keys.agent);
    await again.until((r) => r.events.length >= 5);
    assert.deepEqual(
      again.json().slice(1, 5),
      first.json().slice(0, 4),
      'raw stream: resume, then the same events from the start',
    );
    assert.equal(again.json()[0]?.type, 'resume');
    emu.advance(20_000);
    assert.equal(await again.finished(), 'end');
    assert.deepEqual(again.json().at(-1), { type: 'finish', status: 'completed', runId: id });
  });
});

describe('emulator: Cloud API', () => {
  let emu: Emulator;
  const cloud = (path: string) => `${emu.url}/api${path}`;
  const get = (path: string) => call(cloud(path), emu.keys.cloud, { accept: 'application/json' });
  const send = (method: string, path: string, body: unknown) =>
    call(cloud(path), emu.keys.cloud, { method, body, accept: 'application/json' });

  beforeEach(async () => {
    emu = await startEmulator({ scenario: demoScenario(), clock: 'manual', timing: FAST, keepAliveMs: 0 });
  });
  afterEach(() => emu.close());

  it('requires the bb_ key and records the Accept header (tolerating its absence)', async () => {
    assert.equal((await call(cloud('/tasks'), emu.keys.agent)).status, 401);
    assert.equal((await call(cloud('/tasks'), emu.keys.cloud)).status, 200);
    assert.equal((await get('/tasks')).status, 200);
    assert.deepEqual(
      emu.requests.map((r) => [r.api, r.authorized, r.accept]),
      [
        ['cloud', false, '*/*'],
        ['cloud', true, '*/*'],
        ['cloud', true, 'application/json'],
      ],
    );
  });

  it('lists with limit/offset/hasMore and the status and filter groups', async () => {
    const page = rec((await get('/tasks?limit=3&offset=0')).body);
    assert.deepEqual([arr(page.tasks).length, page.hasMore, page.offset, page.limit], [3, true, 0, 3]);
    const rest = rec((await get('/tasks?limit=100&offset=3')).body);
    assert.equal(rest.hasMore, false);
    assert.equal(arr(rest.tasks).length, 5);
    const ids = (q: string) => get(`/tasks?${q}`).then((a) => arr(rec(a.body).tasks).map((t) => t.id));
    assert.deepEqual(await ids('status=active'), [
      DEMO_IDS.cloud.pending,
      DEMO_IDS.cloud.processing,
      DEMO_IDS.cloud.multiAgent,
    ]);
    assert.deepEqual((await ids('status=failed')).sort(), [DEMO_IDS.cloud.error, DEMO_IDS.cloud.timeout].sort());
    assert.deepEqual(await ids('filter=batch'), [DEMO_IDS.cloud.multiAgent]);
    for (const q of ['status=running', 'limit=0', 'limit=101', 'offset=-1', 'filter=mine'])
      assert.equal((await get(`/tasks?${q}`)).status, 400, q);
  });

  it('gets {task} with branch, PR, diff stats, follow-ups and agent executions', async () => {
    const done = rec(rec((await get(`/tasks/${DEMO_IDS.cloud.completed}`)).body).task);
    assert.deepEqual(
      [done.status, done.branchName, done.prUrl, done.prNumber],
      ['completed', 'blackbox/add-signup-validation', 'https://github.com/blackbox-demo/storefront/pull/42', 42],
    );
    assert.deepEqual(done.diffStats, { totalLinesAdded: 128, totalLinesRemoved: 17, totalFilesChanged: 5 });
    const withFollowUps = rec(rec((await get(`/tasks/${DEMO_IDS.cloud.followUps}`)).body).task);
    assert.equal(arr(withFollowUps.followupMessages).length, 2);
    const multi = rec(rec((await get(`/tasks/${DEMO_IDS.cloud.multiAgent}`)).body).task);
    assert.deepEqual(
      arr(multi.agentExecutions).map((a) => [a.agent, a.status, a.branchName, a.prUrl ?? null, a.error]),
      [
        ['claude', 'processing', null, null, null],
        [
          'codex',
          'completed',
          'blackbox/csv-export-orders-codex',
          'https://github.com/blackbox-demo/shop-api/pull/63',
          null,
        ],
        ['gemini', 'error', null, null, 'Agent crashed while running tests'],
      ],
    );
    assert.equal(multi.status, 'processing', 'the task runs while one of its agents does');
    assert.deepEqual((await get('/tasks/nope')).body, { error: 'Task not found' });
  });

  it('creates a task that goes pending → processing → saving → completed with branch and PR', async () => {
    assert.equal((await send('POST', '/tasks', { repoUrl: 'https://github.com/a/b.git' })).status, 400);
    assert.equal(
      (await send('POST', '/tasks', { prompt: 'x', selectedAgents: [{ agent: 'claude', model: 'm' }] })).status,
      400,
    );
    const task = rec(
      rec(
        (
          await send('POST', '/tasks', {
            prompt: 'Add a footer',
            repoUrl: 'https://github.com/blackbox-demo/storefront.git',
          })
        ).body,
      ).task,
    );
    assert.equal(task.status, 'pending');
    const id = String(task.id);
    emu.advance(FAST.queueMs);
    assert.equal(emu.task(id)?.status, 'processing');
    const statuses: string[] = [];
    for (let i = 0; i < 40 && emu.task(id)?.status !== 'completed'; i++) {
      emu.advance(FAST.eventMs);
      statuses.push(String(emu.task(id)?.status));
    }
    assert.ok(statuses.includes('saving'));
    const done = rec(rec((await get(`/tasks/${id}`)).body).task);
    assert.deepEqual([done.status, done.branchName], ['completed', 'blackbox/add-a-footer']);
    assert.match(String(done.prUrl), /^https:\/\/github\.com\/blackbox-demo\/storefront\/pull\/\d+$/);
    const multi = rec(
      rec(
        (
          await send('POST', '/tasks', {
            prompt: 'Race',
            selectedAgents: [
              { agent: 'claude', model: 'a' },
              { agent: 'gemini', model: 'b' },
            ],
          })
        ).body,
      ).task,
    );
    assert.equal(arr(multi.agentExecutions).length, 2);
    assert.notEqual(multi.batchId, null);
  });

  it('streams named events and resumes from fromIndex after a drop', async () => {
    const id = 'tskStream0001';
    const lines = Array.from({ length: 10 }, (_, i) => ({ message: `line ${i}` }));
    emu.addTask({
      api: 'cloud',
      id,
      prompt: 'p',
      status: 'processing',
      log: cloudRunLog(lines, { paceMs: 4_000, buffered: 4 }),
      afterLog: savingThenDone(1, { createdBranch: 'blackbox/p' }),
    });
    const first = new SseReader(cloud(`/tasks/${id}/stream?fromIndex=0&includeStatus=true`), emu.keys.cloud);
    await first.until((r) => r.events.some((e) => e.event === 'status'));
    assert.deepEqual(first.json('connected'), [{ taskId: id, fromIndex: 0 }]);
    assert.deepEqual(
      first.json('log').map((e) => e.index),
      [0, 1, 2, 3],
    );
    emu.advance(4_000);
    await first.until((r) => r.json('log').length === 5);
    first.close();
    emu.advance(8_000);
    const resumed = new SseReader(cloud(`/tasks/${id}/stream?fromIndex=5`), emu.keys.cloud);
    await resumed.until((r) => r.json('log').length >= 2);
    assert.deepEqual(
      resumed.json('log').map((e) => e.index),
      [5, 6],
    );
    emu.advance(10 * 60_000);
    assert.equal(await resumed.finished(), 'end');
    const complete = resumed.json('complete');
    assert.equal(complete.length, 1);
    assert.deepEqual(complete[0], { status: 'completed', totalLogs: emu.task(id)?.events.length });
    assert.deepEqual(
      resumed.json('status').map((s) => s.status),
      ['processing', 'saving', 'completed'],
    );
  });

  it('continues with currentPrompt: appends a follow-up and processes again; stops only processing/saving tasks', async () => {
    const id = DEMO_IDS.cloud.completed;
    assert.equal((await send('POST', `/tasks/${id}/continue`, { prompt: 'wrong field' })).status, 400);
    const answer = rec(
      (await send('POST', `/tasks/${id}/continue`, { currentPrompt: 'Also validate the email field' })).body,
    );
    assert.equal(answer.success, true);
    assert.equal(typeof answer.message, 'string');
    const task = rec(rec((await get(`/tasks/${id}`)).body).task);
    assert.equal(task.status, 'processing');
    assert.equal(arr(task.followupMessages).at(-1)?.prompt, 'Also validate the email field');
    const stopped = rec((await send('PATCH', `/tasks/${id}`, { action: 'stop' })).body);
    assert.equal(rec(stopped.task).status, 'stopped');
    assert.equal(typeof stopped.message, 'string');
    const notRunning = await send('PATCH', `/tasks/${id}`, { action: 'stop' });
    assert.equal(notRunning.status, 400);
    assert.equal(typeof rec(notRunning.body).error, 'string');
    assert.equal((await send('PATCH', `/tasks/${DEMO_IDS.cloud.pending}`, { action: 'stop' })).status, 400);
  });

  it('continuing a failed task clears its error and completion time: the answers say null until the new run ends', async () => {
    const id = emu.addTask({ api: 'cloud', prompt: 'Ship it', status: 'error', error: 'npm ci failed' }).id;
    const before = rec(rec((await get(`/tasks/${id}`)).body).task);
    assert.equal(before.error, 'npm ci failed');
    assert.equal((await send('POST', `/tasks/${id}/continue`, { currentPrompt: 'Try npm install' })).status, 200);
    const after = rec(rec((await get(`/tasks/${id}`)).body).task);
    assert.equal(after.status, 'processing');
    assert.equal(after.error, null);
    assert.equal(after.completedAt, null);
    const listed = arr(rec((await get('/tasks')).body).tasks)
      .map(rec)
      .find((task) => task.id === id);
    assert.equal(listed?.error, null, 'the list says the same');
  });
});

describe('emulator: scenarios', () => {
  it('the demo covers every status on both APIs, and empty has nothing', async () => {
    const emu = await startEmulator({ scenario: demoScenario(), clock: 'manual' });
    try {
      const statuses = (api: 'agent' | 'cloud') => new Set(emu.tasks(api).map((t) => t.status));
      assert.deepEqual([...statuses('agent')].sort(), [
        'cancelled',
        'completed',
        'failed',
        'interrupted',
        'queued',
        'running',
      ]);
      assert.deepEqual([...statuses('cloud')].sort(), [
        'completed',
        'error',
        'pending',
        'processing',
        'stopped',
        'timeout',
      ]);
      assert.ok(
        emu.tasks('agent').some((t) => t.prompt.includes('\n')),
        'a multi-line prompt',
      );
    } finally {
      await emu.close();
    }
    const empty = await startEmulator({ scenario: emptyScenario() });
    try {
      assert.deepEqual(rec((await call(`${empty.url}/api/v1/tasks`, empty.keys.agent)).body), {
        tasks: [],
        page: 1,
        limit: 20,
        hasMore: false,
      });
    } finally {
      await empty.close();
    }
  });
});
