import * as assert from 'node:assert/strict';
import {
  ApiError,
  AuthError,
  BadRequestError,
  NotFoundError,
  ProtocolError,
  ServerError,
} from '../../src/core/http/errors';
import type { LogStreamEvent } from '../../src/core/logs/logEvents';
import { FAKE_CLOUD_KEY, sendJson } from './support/loopbackServer';
import { replyJson, useLoopbackTasksApi } from './support/loopbackTasksApi';
import { RECORDED_CLOUD_STREAM } from './support/recordedStreams';

function cloudTask(overrides: Record<string, unknown> = {}) {
  return {
    id: 'tsk_a1b2c3',
    prompt: 'Fix the failing tests',
    repoUrl: 'https://github.com/acme/shop.git',
    selectedAgent: 'claude',
    selectedModel: 'blackboxai/anthropic/claude-sonnet-4.6',
    selectedBranch: 'main',
    branchName: 'blackbox/fix-tests',
    status: 'processing',
    progress: 35,
    error: null,
    prNumber: 12,
    prUrl: 'https://github.com/acme/shop/pull/12',
    merged: false,
    diffStats: { totalLinesAdded: 10, totalLinesRemoved: 2, totalFilesChanged: 3 },
    batchId: null,
    sandboxId: 'sb-1',
    createdAt: '2025-01-01T10:00:00.000Z',
    updatedAt: '2025-01-01T10:05:00.000Z',
    completedAt: null,
    creatorName: 'Ada',
    followupMessages: [
      { prompt: 'Also docs', createdAt: '2025-01-01T10:03:00Z', status: 'completed' },
      'Plain follow-up',
    ],
    agentExecutions: [
      { agent: 'claude', model: 'm1', status: 'completed', branchName: 'b-claude', error: null, extra: 1 },
      { agent: 'codex', status: 'error', error: 'crashed' },
    ],
    aFieldFromTheFuture: [1, 2, 3],
    ...overrides,
  };
}

describe('Cloud API client', () => {
  const loopback = useLoopbackTasksApi('cloud');
  const api = loopback.api;

  describe('list', () => {
    it('pages by offset with the bearer key and Accept: application/json, mapping every field', async () => {
      const client = await api(
        replyJson({
          tasks: [cloudTask(), cloudTask({ id: 'tsk_2', status: 'hibernating' })],
          hasMore: true,
          offset: 0,
          limit: 20,
        }),
      );
      const page = await client.list();
      const request = loopback.requests[0];
      assert.equal(request.path, '/api/tasks');
      assert.deepEqual(
        [request.query.get('limit'), request.query.get('offset'), request.query.has('status')],
        ['20', '0', false],
      );
      assert.equal(request.headers['authorization'], `Bearer ${FAKE_CLOUD_KEY}`);
      assert.equal(request.headers['accept'], 'application/json');
      assert.deepEqual(page.next, { offset: 2 });
      assert.deepEqual(page.tasks[0], {
        id: 'tsk_a1b2c3',
        api: 'cloud',
        threadId: 'tsk_a1b2c3',
        status: 'running',
        rawStatus: 'processing',
        prompt: 'Fix the failing tests',
        model: 'blackboxai/anthropic/claude-sonnet-4.6',
        agent: 'claude',
        repoUrl: 'https://github.com/acme/shop.git',
        baseBranch: 'main',
        createdBranch: 'blackbox/fix-tests',
        pullRequestUrl: 'https://github.com/acme/shop/pull/12',
        diffStats: { filesChanged: 3, linesAdded: 10, linesRemoved: 2 },
        progress: 35,
        createdAt: Date.parse('2025-01-01T10:00:00Z'),
        updatedAt: Date.parse('2025-01-01T10:05:00Z'),
        followUps: [
          { prompt: 'Also docs', createdAt: Date.parse('2025-01-01T10:03:00Z'), status: 'completed' },
          { prompt: 'Plain follow-up' },
        ],
        agentRuns: [
          { agent: 'claude', model: 'm1', status: 'completed', rawStatus: 'completed', branch: 'b-claude' },
          { agent: 'codex', status: 'failed', rawStatus: 'error', error: 'crashed' },
        ],
      });
      assert.deepEqual([page.tasks[1].status, page.tasks[1].rawStatus], ['unknown', 'hibernating']);
    });

    it('maps the status filter onto the coarse Cloud one and narrows the result', async () => {
      const client = await api(
        replyJson({
          tasks: [
            cloudTask({ id: 'a', status: 'pending' }),
            cloudTask({ id: 'b', status: 'processing' }),
            cloudTask({ id: 'c', status: 'saving' }),
          ],
          hasMore: true,
        }),
      );
      const queued = await client.list({ status: 'queued', cursor: { offset: 40 }, limit: 3 });
      assert.deepEqual(
        queued.tasks.map((t) => t.id),
        ['a'],
      );
      // The next page starts after everything the server sent, not after what was kept.
      assert.deepEqual(queued.next, { offset: 43 });
      const running = await client.list({ status: 'running' });
      assert.deepEqual(
        running.tasks.map((t) => t.id),
        ['b', 'c'],
      );
      for (const [status, expected] of [
        ['completed', 'completed'],
        ['failed', 'failed'],
        ['cancelled', 'stopped'],
      ] as const) {
        await client.list({ status });
        assert.equal(loopback.requests[loopback.requests.length - 1].query.get('status'), expected);
      }
      assert.deepEqual(
        loopback.requests.slice(0, 2).map((r) => r.query.get('status')),
        ['active', 'active'],
      );
      assert.equal(loopback.requests[0].query.get('offset'), '40');
    });

    it('answers an "interrupted" filter without asking (no Cloud task can be interrupted)', async () => {
      const client = await api(replyJson({ tasks: [] }));
      assert.deepEqual(await client.list({ status: 'interrupted' }), { tasks: [], hasMore: false });
      assert.equal(loopback.requests.length, 0);
    });

    it('names the field of a wrong-typed answer; a bad row is skipped or degraded, never the whole list', async () => {
      await assert.rejects(
        (await api(replyJson({ tasks: {} }))).list(),
        (e: unknown) => ProtocolError.is(e) && e.field === 'tasks',
      );
      const cases: Array<[unknown, number, string]> = [
        [{ tasks: [cloudTask({ id: 7 }), cloudTask({ id: 'tsk_ok' })] }, 1, 'tasks[0].id'],
        [{ tasks: [cloudTask({ progress: 'half' })] }, 1, 'tasks[0].progress'],
        [{ tasks: [cloudTask({ diffStats: { totalLinesAdded: '10' } })] }, 1, 'tasks[0].diffStats.totalLinesAdded'],
        [
          { tasks: [cloudTask({ agentExecutions: [{ agent: 'x', status: 3 }] })] },
          1,
          'tasks[0].agentExecutions[0].status',
        ],
      ];
      for (const [body, shown, field] of cases) {
        const page = await (await api(replyJson(body))).list();
        assert.equal(page.tasks.length, shown, field);
        assert.ok(page.problems?.[0]?.includes(field), `${field} in ${String(page.problems)}`);
      }
    });
  });

  it('get: reads {task} and builds the conversation from the prompt and follow-ups', async () => {
    const client = await api(replyJson({ task: cloudTask() }));
    const details = await client.get('tsk_a1b2c3');
    assert.equal(loopback.requests[0].path, '/api/tasks/tsk_a1b2c3');
    assert.equal(details.createdBranch, 'blackbox/fix-tests');
    assert.deepEqual(
      details.messages.map((m) => [m.role, m.parts]),
      [
        ['user', [{ type: 'text', text: 'Fix the failing tests' }]],
        ['user', [{ type: 'text', text: 'Also docs' }]],
        ['user', [{ type: 'text', text: 'Plain follow-up' }]],
      ],
    );
  });

  it('status: comes from the task itself (there is no status endpoint)', async () => {
    const client = await api(
      replyJson({
        task: cloudTask({ status: 'timeout', error: 'Took too long', completedAt: '2025-01-01T11:00:00Z' }),
      }),
    );
    const info = await client.status('tsk_a1b2c3');
    assert.equal(loopback.requests[0].path, '/api/tasks/tsk_a1b2c3');
    assert.deepEqual(info, {
      id: 'tsk_a1b2c3',
      status: 'failed',
      rawStatus: 'timeout',
      progress: 35,
      error: 'Took too long',
      completedAt: Date.parse('2025-01-01T11:00:00Z'),
    });
  });

  describe('create', () => {
    it('sends selectedAgent/selectedModel and returns the task', async () => {
      const client = await api(
        replyJson(
          {
            task: cloudTask({
              id: 'tsk_new',
              status: 'pending',
              branchName: null,
              prUrl: null,
              diffStats: null,
              followupMessages: [],
              agentExecutions: null,
            }),
          },
          201,
        ),
      );
      const created = await client.create({
        prompt: 'Fix the failing tests',
        repoUrl: 'https://github.com/acme/shop.git',
        baseBranch: 'main',
        agent: 'claude',
        model: 'm',
      });
      assert.deepEqual(loopback.requests[0].json, {
        prompt: 'Fix the failing tests',
        repoUrl: 'https://github.com/acme/shop.git',
        selectedBranch: 'main',
        selectedAgent: 'claude',
        selectedModel: 'm',
      });
      assert.equal(created.id, 'tsk_new');
      assert.equal(created.task.status, 'queued');
      assert.equal(created.task.prompt, 'Fix the failing tests');
      assert.equal(created.task.createdBranch, undefined);
      assert.equal(created.task.diffStats, undefined);
    });

    it('sends selectedAgents [{agent, model}] for a multi-agent task', async () => {
      const client = await api(replyJson({ task: cloudTask({ id: 'tsk_multi', status: 'pending' }) }));
      await client.create({
        prompt: 'Compare',
        agents: [{ agent: 'claude', model: 'a' }, { agent: 'gemini', model: 'b' }, { agent: 'codex' }],
      });
      assert.deepEqual(loopback.requests[0].json, {
        prompt: 'Compare',
        selectedAgents: [{ agent: 'claude', model: 'a' }, { agent: 'gemini', model: 'b' }, { agent: 'codex' }],
      });
    });

    it('is never retried, and 402/404 explain themselves', async () => {
      let client = await api(replyJson({ error: 'Bad Gateway' }, 502));
      await assert.rejects(client.create({ prompt: 'once' }), (e: unknown) => ServerError.is(e));
      assert.equal(loopback.requests.length, 1);
      client = await api(replyJson({ error: 'Insufficient credits' }, 402));
      await assert.rejects(
        client.create({ prompt: 'x' }),
        (e: unknown) => BadRequestError.is(e) && /credits/i.test(e.userMessage),
      );
      client = await api(replyJson({ error: 'GitHub token not found' }, 404));
      await assert.rejects(
        client.create({ prompt: 'x' }),
        (e: unknown) => NotFoundError.is(e) && /GitHub token/.test(e.userMessage),
      );
    });
  });

  describe('continue', () => {
    it('posts currentPrompt and returns the same task, queued again', async () => {
      const client = await api((request, response) => {
        if (request.method === 'POST') sendJson(response, 200, { success: true, message: 'Follow-up started' });
        else sendJson(response, 200, { task: cloudTask({ status: 'completed', followupMessages: [] }) });
      });
      const continued = await client.continue('tsk_a1b2c3', { prompt: 'Now add tests', agent: 'codex', model: 'gpt' });
      assert.equal(loopback.requests[0].path, '/api/tasks/tsk_a1b2c3/continue');
      assert.deepEqual(loopback.requests[0].json, {
        currentPrompt: 'Now add tests',
        selectedAgent: 'codex',
        selectedModel: 'gpt',
      });
      assert.equal(continued.id, 'tsk_a1b2c3');
      assert.equal(continued.previousId, 'tsk_a1b2c3');
      assert.equal(continued.task.status, 'queued');
      assert.equal(continued.task.prompt, 'Fix the failing tests');
      assert.deepEqual(
        continued.task.followUps?.map((f) => f.prompt),
        ['Now add tests'],
      );
      assert.equal(loopback.requests.filter((r) => r.method === 'POST').length, 1);
    });

    it("reports a refused follow-up ({success: false}) as an error with the server's reason", async () => {
      const client = await api(replyJson({ success: false, message: 'Task is still running' }));
      await assert.rejects(
        client.continue('tsk_a1b2c3', { prompt: 'x' }),
        (e: unknown) => ApiError.is(e) && /still running/.test(e.userMessage),
      );
    });

    it('is never retried', async () => {
      const client = await api(replyJson({ error: 'Service Unavailable' }, 503));
      await assert.rejects(client.continue('tsk_a1b2c3', { prompt: 'x' }));
      assert.equal(loopback.requests.length, 1);
    });
  });

  describe('cancel', () => {
    it('sends PATCH {action: "stop"} and reads the stopped task', async () => {
      const client = await api(replyJson({ message: 'Task stopped', task: cloudTask({ status: 'stopped' }) }));
      const result = await client.cancel('tsk_a1b2c3');
      assert.equal(loopback.requests[0].method, 'PATCH');
      assert.deepEqual(loopback.requests[0].json, { action: 'stop' });
      assert.deepEqual(result, { success: true, status: 'cancelled', message: 'Task stopped' });
    });

    it('turns "cannot stop a finished task" into success false, other failures into errors', async () => {
      let client = await api(replyJson({ error: 'Only processing or saving tasks can be stopped' }, 400));
      const refused = await client.cancel('tsk_a1b2c3');
      assert.equal(refused.success, false);
      assert.match(refused.message ?? '', /can be stopped/);
      client = await api(replyJson({ error: 'Unauthorized' }, 401));
      await assert.rejects(client.cancel('tsk_a1b2c3'), (e: unknown) => AuthError.is(e));
      assert.equal(loopback.requests.length, 1);
    });
  });

  describe('streamLogs', () => {
    async function collect(iterable: AsyncIterable<LogStreamEvent>): Promise<LogStreamEvent[]> {
      const events: LogStreamEvent[] = [];
      for await (const event of iterable) events.push(event);
      return events;
    }

    it('reads the recorded stream written in odd byte splits like in one piece, keeping ANSI text raw', async () => {
      const bytes = new TextEncoder().encode(RECORDED_CLOUD_STREAM);
      let step = bytes.length;
      const client = await api(async (_request, response) => {
        response.writeHead(200, { 'Content-Type': 'text/event-stream' });
        for (let at = 0; at < bytes.length; at += step) {
          response.write(bytes.subarray(at, at + step));
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        response.end();
      });
      const whole = await collect(client.streamLogs('tsk_a1b2c3'));
      step = 5;
      const split = await collect(client.streamLogs('tsk_a1b2c3'));
      assert.deepEqual(split, whole);
      const request = loopback.requests[0];
      assert.equal(request.path, '/api/tasks/tsk_a1b2c3/stream');
      assert.deepEqual([request.query.get('fromIndex'), request.query.get('includeStatus')], ['0', 'true']);
      assert.deepEqual(whole, [
        { kind: 'connected', attempt: 0 },
        {
          kind: 'log',
          level: 'info',
          contentType: 'ansi',
          message: '\u001b[32mCloning ✓ 🚀\u001b[0m',
          step: 'git_cloning',
        },
        { kind: 'status', status: 'running', rawStatus: 'processing' },
        { kind: 'log', level: 'success', message: 'Döne — 完了' },
        { kind: 'unknown', type: 'mystery' },
        { kind: 'finish', status: 'completed', rawStatus: 'completed' },
      ]);
    });

    it('resumes from the next index after a drop and delivers each line once', async () => {
      const line = (index: number) =>
        `event: log\ndata: ${JSON.stringify({ index, log: { type: 'info', message: `line ${index}` } })}\n\n`;
      const client = await api(async (request, response) => {
        const fromIndex = Number(request.query.get('fromIndex'));
        response.writeHead(200, { 'Content-Type': 'text/event-stream' });
        response.write(
          `event: connected\ndata: {"taskId":"t","fromIndex":${fromIndex}}\n\nevent: status\ndata: {"status":"processing"}\n\n`,
        );
        if (fromIndex === 0) {
          response.write(line(0) + line(1));
          await new Promise<void>((resolve) => setTimeout(resolve, 5));
          response.socket?.destroy();
          return;
        }
        response.end([2, 3].map(line).join('') + 'event: complete\ndata: {"status":"completed","totalLogs":4}\n\n');
      });
      const events = await collect(client.streamLogs('tsk_a1b2c3'));
      assert.deepEqual(
        loopback.requests.map((r) => r.query.get('fromIndex')),
        ['0', '2'],
      );
      assert.deepEqual(
        events.flatMap((e) => (e.kind === 'log' ? [e.message] : e.kind === 'status' ? [e.rawStatus] : [])),
        ['processing', 'line 0', 'line 1', 'line 2', 'line 3'],
      );
      assert.equal(events[events.length - 1].kind, 'finish');
    });
  });
});
