import * as assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { ApiError, InvalidInputError, ProtocolError, ServerError, isAbortError } from '../../src/core/http/errors';
import type { LogStreamEvent } from '../../src/core/logs/logEvents';
import { FAKE_AGENT_KEY, sendJson } from './support/loopbackServer';
import { replyJson, useLoopbackTasksApi } from './support/loopbackTasksApi';
import { RECORDED_AGENT_STREAM } from './support/recordedStreams';

const RUN_ID = '7d3c2a4e-1f00-4a6b-9c1d-0123456789ab';
const CHAT_ID = 'chat-1';

function listedRun(overrides: Record<string, unknown> = {}) {
  return {
    taskId: RUN_ID,
    runId: RUN_ID,
    chatId: CHAT_ID,
    status: 'running',
    model: 'blackboxai/anthropic/claude-sonnet-4.6',
    createdAt: '2025-01-01T10:00:00.000Z',
    startedAt: '2025-01-01T10:00:05.000Z',
    completedAt: null,
    assistantMessageId: 'm2',
    somethingNew: { ignored: true },
    ...overrides,
  };
}

function detailsOf(overrides: Record<string, unknown> = {}) {
  return {
    ...listedRun(),
    error: null,
    github: {
      repoUrl: 'https://github.com/acme/shop.git',
      owner: 'acme',
      repo: 'shop',
      baseBranch: 'main',
      createdBranch: 'blackbox/fix-tests',
    },
    messages: [
      {
        id: 'm1',
        role: 'user',
        parts: [
          { type: 'text', text: 'Fix the ' },
          { type: 'text', text: 'failing tests' },
        ],
        createdAt: '2025-01-01T10:00:00Z',
      },
      {
        id: 'm2',
        role: 'assistant',
        parts: [
          { type: 'text', text: 'Looking.' },
          { type: 'tool-bash', toolCallId: 'c1', input: { command: 'npm test' }, state: 'output-available' },
          { type: 'dynamic-tool', toolName: 'read_file', input: { path: 'src/a.ts' } },
          { type: 'reasoning', text: 'hmm' },
          { type: 'step-start' },
        ],
      },
    ],
    inMemory: { whatever: 1 },
    ...overrides,
  };
}

describe('Agent API v1 client', () => {
  const loopback = useLoopbackTasksApi('agent', { baseUrl: (url) => `${url}/` });
  const api = loopback.api;

  describe('list', () => {
    it('asks for page, limit and status and maps the page', async () => {
      const client = await api(
        replyJson({
          tasks: [listedRun(), listedRun({ runId: 'r2', taskId: 'r2', status: 'paused', model: null })],
          page: 1,
          limit: 20,
          hasMore: true,
        }),
      );
      const page = await client.list();
      const request = loopback.requests[0];
      assert.equal(request.method, 'GET');
      assert.equal(request.path, '/api/v1/tasks');
      assert.equal(request.query.get('page'), '1');
      assert.equal(request.query.get('limit'), '20');
      assert.equal(request.query.has('status'), false);
      assert.equal(request.headers['authorization'], `Bearer ${FAKE_AGENT_KEY}`);
      assert.deepEqual(page.next, { page: 2 });
      assert.equal(page.hasMore, true);
      assert.deepEqual(page.tasks[0], {
        id: RUN_ID,
        api: 'agent',
        threadId: CHAT_ID,
        status: 'running',
        rawStatus: 'running',
        model: 'blackboxai/anthropic/claude-sonnet-4.6',
        createdAt: Date.parse('2025-01-01T10:00:00Z'),
        startedAt: Date.parse('2025-01-01T10:00:05Z'),
      });
      assert.deepEqual(
        { status: page.tasks[1].status, rawStatus: page.tasks[1].rawStatus, model: page.tasks[1].model },
        { status: 'unknown', rawStatus: 'paused', model: undefined },
      );
    });

    it('follows the cursor with a status filter and ends when hasMore is false', async () => {
      const client = await api(replyJson({ tasks: [], page: 3, limit: 5, hasMore: false }));
      const page = await client.list({ cursor: { page: 3 }, limit: 5, status: 'interrupted' });
      const query = loopback.requests[0].query;
      assert.deepEqual([query.get('page'), query.get('limit'), query.get('status')], ['3', '5', 'interrupted']);
      assert.deepEqual(page, { tasks: [], hasMore: false });
    });

    it('clamps the page size into 1–100', async () => {
      const client = await api(replyJson({ tasks: [], hasMore: false }));
      await client.list({ limit: 1000 });
      await client.list({ limit: 0 });
      assert.deepEqual(
        loopback.requests.map((r) => r.query.get('limit')),
        ['100', '1'],
      );
    });

    it('shows prompts it has learnt from create and details in later lists', async () => {
      const client = await api((request, response) => {
        if (request.method === 'POST')
          sendJson(response, 200, {
            taskId: 'new-run',
            runId: 'new-run',
            chatId: 'c9',
            assistantMessageId: 'a',
            agentCount: 1,
          });
        else if (request.path === `/api/v1/tasks/${RUN_ID}`) sendJson(response, 200, detailsOf());
        else
          sendJson(response, 200, {
            tasks: [
              listedRun({ runId: 'new-run', taskId: 'new-run' }),
              listedRun(),
              listedRun({ runId: 'other', taskId: 'other' }),
            ],
            hasMore: false,
          });
      });
      await client.create({ prompt: 'Add a README' });
      await client.get(RUN_ID);
      const page = await client.list();
      assert.deepEqual(
        page.tasks.map((t) => t.prompt),
        ['Add a README', 'Fix the failing tests', undefined],
      );
    });

    it('names the field when the answer has the wrong shape, and ignores unknown fields', async () => {
      const cases: Array<[unknown, string]> = [
        [{ tasks: 'nope', hasMore: false }, 'tasks'],
        [{ hasMore: false }, 'tasks'],
        [{ tasks: [], hasMore: 'yes' }, 'hasMore'],
        [[1, 2], '(body)'],
      ];
      for (const [body, field] of cases) {
        const client = await api(replyJson(body));
        await assert.rejects(client.list(), (e: unknown) => {
          assert.ok(ProtocolError.is(e), `expected ProtocolError for ${field}, got ${String(e)}`);
          assert.equal(e.field, field);
          return true;
        });
      }
    });

    it('skips a row without a usable id or status and ignores an odd optional field, naming each', async () => {
      const cases: Array<[unknown, number, RegExp]> = [
        [{ tasks: [listedRun({ runId: 42 }), listedRun()] }, 2, /tasks\[0\].*ignored tasks\[0\]\.runId/],
        [
          { tasks: [listedRun(), listedRun({ runId: undefined, taskId: undefined })] },
          1,
          /tasks\[1\] skipped: tasks\[1\]\.taskId/,
        ],
        [{ tasks: [listedRun({ createdAt: 'yesterday-ish' })] }, 1, /ignored tasks\[0\]\.createdAt/],
        [{ tasks: [listedRun({ status: 5 }), listedRun()] }, 1, /skipped: tasks\[0\]\.status/],
        [
          { tasks: [listedRun({ title: 5, progress: 'half', agent: [], updatedAt: {} })] },
          1,
          /tasks\[0\]\.agent, tasks\[0\]\.title, tasks\[0\]\.progress, tasks\[0\]\.updatedAt/,
        ],
        [{ tasks: [7, listedRun()] }, 1, /tasks\[0\] skipped/],
      ];
      for (const [body, shown, problem] of cases) {
        const client = await api(replyJson(body));
        const page = await client.list();
        assert.equal(page.tasks.length, shown, JSON.stringify(body));
        assert.equal(page.problems?.length, 1);
        assert.match(page.problems?.[0] ?? '', problem);
      }
      const clean = await (await api(replyJson({ tasks: [listedRun()] }))).list();
      assert.equal(clean.problems, undefined, 'a clean answer reports nothing');
    });
  });

  describe('get', () => {
    it('maps details: prompt, repository, branches, messages with tool parts summarised', async () => {
      const client = await api(replyJson(detailsOf()));
      const details = await client.get(RUN_ID);
      assert.equal(loopback.requests[0].path, `/api/v1/tasks/${RUN_ID}`);
      assert.equal(details.prompt, 'Fix the failing tests');
      assert.equal(details.repoUrl, 'https://github.com/acme/shop.git');
      assert.equal(details.baseBranch, 'main');
      assert.equal(details.createdBranch, 'blackbox/fix-tests');
      assert.equal(details.threadId, CHAT_ID);
      assert.equal(details.error, undefined);
      assert.deepEqual(details.messages[1].parts, [
        { type: 'text', text: 'Looking.' },
        { type: 'tool', toolName: 'bash', summary: 'npm test' },
        { type: 'tool', toolName: 'read_file', summary: 'src/a.ts' },
        { type: 'other', kind: 'reasoning' },
        { type: 'other', kind: 'step-start' },
      ]);
      assert.equal(details.messages[0].createdAt, Date.parse('2025-01-01T10:00:00Z'));
    });

    it("takes a follow-up run's prompt from the user message it answers", async () => {
      const messages = [
        { id: 'm1', role: 'user', parts: [{ type: 'text', text: 'First ask' }] },
        { id: 'm2', role: 'assistant', parts: [{ type: 'text', text: 'Done.' }] },
        { id: 'm3', role: 'user', parts: [{ type: 'text', text: 'Now add tests' }] },
        { id: 'm4', role: 'assistant', parts: [] },
      ];
      const client = await api(replyJson(detailsOf({ messages, assistantMessageId: 'm4' })));
      assert.equal((await client.get(RUN_ID)).prompt, 'Now add tests');
      // A queued follow-up has not answered yet: its prompt is the newest user message.
      const queued = await api(replyJson(detailsOf({ messages: messages.slice(0, 3), assistantMessageId: 'm9' })));
      assert.equal((await queued.get(RUN_ID)).prompt, 'Now add tests');
      // The first run of the chat.
      const first = await api(replyJson(detailsOf({ messages, assistantMessageId: 'm2' })));
      assert.equal((await first.get(RUN_ID)).prompt, 'First ask');
      // No assistant message named: the first user message.
      const unnamed = await api(replyJson(detailsOf({ messages, assistantMessageId: null })));
      assert.equal((await unnamed.get(RUN_ID)).prompt, 'First ask');
    });

    it('tolerates a standalone task: github null, no messages, error text', async () => {
      const client = await api(
        replyJson(detailsOf({ github: null, messages: undefined, status: 'failed', error: 'Sandbox died' })),
      );
      const details = await client.get(RUN_ID);
      assert.equal(details.repoUrl, undefined);
      assert.equal(details.createdBranch, undefined);
      assert.deepEqual(details.messages, []);
      assert.equal(details.prompt, undefined);
      assert.equal(details.error, 'Sandbox died');
      assert.equal(details.status, 'failed');
    });

    it('puts ids into the path encoded', async () => {
      const client = await api(replyJson(detailsOf()));
      await client.get('../a b?c#d');
      assert.equal(loopback.requests[0].path, '/api/v1/tasks/..%2Fa%20b%3Fc%23d');
    });
  });

  it('status: reads the pending/in_progress vocabulary and progress', async () => {
    const client = await api(
      replyJson({
        runId: RUN_ID,
        status: 'in_progress',
        progress: 40,
        error: null,
        startedAt: '2025-01-01T10:00:05Z',
        completedAt: null,
      }),
    );
    const info = await client.status(RUN_ID);
    assert.equal(loopback.requests[0].path, `/api/v1/tasks/${RUN_ID}/status`);
    assert.deepEqual(info, {
      id: RUN_ID,
      status: 'running',
      rawStatus: 'in_progress',
      progress: 40,
      startedAt: Date.parse('2025-01-01T10:00:05Z'),
    });
  });

  describe('create', () => {
    it('sends the documented body and returns a queued task that knows its prompt', async () => {
      const client = await api(
        replyJson({ taskId: RUN_ID, runId: RUN_ID, chatId: CHAT_ID, assistantMessageId: 'a1', agentCount: 1 }),
      );
      const created = await client.create({
        prompt: 'Fix the failing tests',
        repoUrl: 'https://github.com/acme/shop.git',
        baseBranch: 'main',
        model: 'blackboxai/anthropic/claude-sonnet-4.6',
        agent: 'claude',
      });
      const request = loopback.requests[0];
      assert.equal(request.method, 'POST');
      assert.equal(request.path, '/api/v1/tasks');
      assert.deepEqual(request.json, {
        prompt: 'Fix the failing tests',
        repoUrl: 'https://github.com/acme/shop.git',
        selectedBranch: 'main',
        model: 'blackboxai/anthropic/claude-sonnet-4.6',
        agent: 'claude',
      });
      assert.equal(created.id, RUN_ID);
      assert.equal(created.threadId, CHAT_ID);
      assert.equal(created.agentCount, 1);
      assert.deepEqual(created.task, {
        id: RUN_ID,
        api: 'agent',
        threadId: CHAT_ID,
        status: 'queued',
        rawStatus: 'queued',
        prompt: 'Fix the failing tests',
        model: 'blackboxai/anthropic/claude-sonnet-4.6',
        agent: 'claude',
        repoUrl: 'https://github.com/acme/shop.git',
        baseBranch: 'main',
        createdAt: loopback.clock.now(),
      });
    });

    it('sends selectedAgents for a multi-agent task and a bare prompt for a standalone one', async () => {
      const client = await api(replyJson({ taskId: 'x', runId: 'x', chatId: 'c', agentCount: 2 }));
      await client.create({ prompt: 'Compare', agents: [{ agent: 'claude', model: 'm1' }, { agent: 'codex' }] });
      await client.create({ prompt: 'Just answer' });
      assert.deepEqual(loopback.requests[0].json, {
        prompt: 'Compare',
        selectedAgents: [{ agent: 'claude', model: 'm1' }, { agent: 'codex' }],
      });
      assert.deepEqual(loopback.requests[1].json, { prompt: 'Just answer' });
    });

    it('is never retried, even on a transient failure', async () => {
      const client = await api(replyJson({ error: 'Service Unavailable' }, 503));
      await assert.rejects(client.create({ prompt: 'Once only' }), (e: unknown) => ServerError.is(e));
      assert.equal(loopback.requests.length, 1);
    });

    it('refuses bad input locally without sending anything', async () => {
      const client = await api(replyJson({}));
      const bad = [
        { prompt: '   ' },
        { prompt: 'x', agents: [{ agent: 'claude' }] },
        { prompt: 'x', agents: Array.from({ length: 6 }, () => ({ agent: 'claude' })) },
      ];
      for (const input of bad) await assert.rejects(client.create(input), (e: unknown) => InvalidInputError.is(e));
      assert.equal(loopback.requests.length, 0);
    });
  });

  describe('continue', () => {
    it('posts the follow-up and returns the new run linked to the previous one', async () => {
      const client = await api(
        replyJson({ runId: 'run-2', chatId: CHAT_ID, assistantMessageId: 'a2', previousRunId: RUN_ID }),
      );
      const continued = await client.continue(RUN_ID, { prompt: 'Also update docs', agent: 'codex', model: 'gpt' });
      const request = loopback.requests[0];
      assert.equal(request.path, `/api/v1/tasks/${RUN_ID}/continue`);
      assert.deepEqual(request.json, { prompt: 'Also update docs', model: 'gpt', agent: 'codex' });
      assert.equal(continued.id, 'run-2');
      assert.equal(continued.previousId, RUN_ID);
      assert.equal(continued.threadId, CHAT_ID);
      assert.equal(continued.task.status, 'queued');
      assert.equal(continued.task.prompt, 'Also update docs');
      assert.equal(continued.task.previousRunId, RUN_ID);
    });

    it('refuses a model without an agent before sending', async () => {
      const client = await api(replyJson({}));
      await assert.rejects(client.continue(RUN_ID, { prompt: 'x', model: 'gpt' }), (e: unknown) => {
        assert.ok(InvalidInputError.is(e));
        assert.match(e.userMessage, /agent/);
        return true;
      });
      assert.equal(loopback.requests.length, 0);
    });

    it('is never retried', async () => {
      const client = await api((_request, response) => void response.socket?.destroy());
      await assert.rejects(client.continue(RUN_ID, { prompt: 'x' }));
      assert.equal(loopback.requests.length, 1);
    });
  });

  describe('cancel', () => {
    it('sends PATCH {action: "cancel"} and reads the result', async () => {
      const client = await api(replyJson({ success: true, status: 'cancelled', message: 'Task cancelled' }));
      const result = await client.cancel(RUN_ID);
      const request = loopback.requests[0];
      assert.equal(request.method, 'PATCH');
      assert.equal(request.path, `/api/v1/tasks/${RUN_ID}`);
      assert.deepEqual(request.json, { action: 'cancel' });
      assert.deepEqual(result, { success: true, status: 'cancelled', message: 'Task cancelled' });
    });

    it('reports success false for a run that was already terminal, and is never retried', async () => {
      const client = await api(replyJson({ success: false, status: 'completed', message: 'Task already finished' }));
      assert.deepEqual(await client.cancel(RUN_ID), {
        success: false,
        status: 'completed',
        message: 'Task already finished',
      });
      const failing = await api(replyJson({ error: 'Bad Gateway' }, 502));
      await assert.rejects(failing.cancel(RUN_ID));
      assert.equal(loopback.requests.length, 1);
    });
  });

  describe('streamLogs', () => {
    async function writeSlowly(response: ServerResponse, bytes: Uint8Array, step: number) {
      response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      for (let at = 0; at < bytes.length; at += step) {
        response.write(bytes.subarray(at, at + step));
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }

    async function collect(iterable: AsyncIterable<LogStreamEvent>): Promise<LogStreamEvent[]> {
      const events: LogStreamEvent[] = [];
      for await (const event of iterable) events.push(event);
      return events;
    }

    it('reads a recorded stream written in odd byte splits into the same events as in one piece', async () => {
      const bytes = new TextEncoder().encode(RECORDED_AGENT_STREAM);
      let step = 0;
      const client = await api(async (_request, response) => {
        await writeSlowly(response, bytes, step);
        response.end();
      });
      step = bytes.length;
      const whole = await collect(client.streamLogs(RUN_ID));
      step = 7;
      const split = await collect(client.streamLogs(RUN_ID, { includeDeltas: false }));
      assert.deepEqual(split, whole);
      assert.equal(loopback.requests[0].path, `/api/v1/tasks/${RUN_ID}/logs/stream`);
      assert.equal(loopback.requests[0].headers['accept'], 'text/event-stream');
      assert.equal(loopback.requests[1].query.get('includeDeltas'), 'false');
      assert.deepEqual(
        whole.map((e) => e.kind),
        ['connected', 'start', 'text-start', 'text', 'tool-start', 'tool-input', 'malformed', 'unknown', 'finish'],
      );
      const text = whole.find((e) => e.kind === 'text');
      assert.deepEqual(text, { kind: 'text', blockId: 't1', text: 'Héllo wörld — 你好 🎉' });
    });

    it('reconnects after a dropped connection and delivers every event exactly once', async () => {
      const events = [1, 2, 3, 4].map(
        (n) => `data: ${JSON.stringify({ type: 'text-delta', id: 't', delta: `part ${n}` })}\n\n`,
      );
      let connections = 0;
      const client = await api(async (request, response) => {
        if (request.path.endsWith('/status')) {
          sendJson(response, 200, { runId: RUN_ID, status: 'in_progress' });
          return;
        }
        connections++;
        response.writeHead(200, { 'Content-Type': 'text/event-stream' });
        if (connections === 1) {
          response.write(events.slice(0, 2).join('') + 'data: {"type":"text-de');
          await new Promise<void>((resolve) => setTimeout(resolve, 5));
          response.socket?.destroy();
          return;
        }
        response.end(events.join('') + 'data: {"type":"finish","status":"completed"}\n\n');
      });
      const received = await collect(client.streamLogs(RUN_ID));
      assert.deepEqual(
        received.flatMap((e) => (e.kind === 'text' ? [e.text] : e.kind === 'finish' ? ['finish'] : [])),
        ['part 1', 'part 2', 'part 3', 'part 4', 'finish'],
      );
      assert.ok(received.some((e) => e.kind === 'reconnecting'));
      assert.equal(connections, 2);
    });

    it('throws when the run does not exist, and ends silently on abort', async () => {
      const missing = await api(replyJson({ error: 'Task not found' }, 404));
      await assert.rejects(collect(missing.streamLogs('nope')), (e: unknown) => ApiError.is(e) && e.status === 404);
      const hanging = await api((_request, response) => {
        response.writeHead(200, { 'Content-Type': 'text/event-stream' });
        response.write(': hello\n\n');
      });
      const controller = new AbortController();
      const events: LogStreamEvent[] = [];
      const done = (async () => {
        for await (const event of hanging.streamLogs(RUN_ID, { signal: controller.signal })) {
          events.push(event);
          controller.abort();
        }
      })();
      await done.catch((e: unknown) => assert.fail(`abort must be silent, got ${String(e)} (${isAbortError(e)})`));
      assert.deepEqual(events, [{ kind: 'connected', attempt: 0 }]);
    });
  });
});
