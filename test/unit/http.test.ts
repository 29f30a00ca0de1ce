import * as assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import {
  ApiError,
  AuthError,
  BadRequestError,
  ForbiddenError,
  NetworkError,
  NotFoundError,
  ProtocolError,
  RateLimitError,
  ServerError,
  TimeoutError,
  isAbortError,
} from '../../src/core/http/errors';
import { HttpClient } from '../../src/core/http/http';
import type { HttpClientOptions } from '../../src/core/http/http';
import { cleanServerText, serverMessage } from '../../src/core/http/httpErrorMapping';
import { backoffDelay, parseRetryAfter } from '../../src/core/http/retryTiming';
import { FakeClock, waitFor } from './support/fakeClock';
import { FAKE_AGENT_KEY, closedPort, sendJson, startLoopbackServer } from './support/loopbackServer';
import type { LoopbackServer } from './support/loopbackServer';

type Reply = (response: ServerResponse) => void;

/** Answers each request with the next scripted reply; the last one repeats. */
function scripted(...replies: Reply[]): Reply {
  let index = 0;
  return (response) => {
    const reply = replies[Math.min(index, replies.length - 1)];
    index++;
    reply?.(response);
  };
}

const ok = (body: unknown) => (response: ServerResponse) => sendJson(response, 200, body);
const status =
  (code: number, body: unknown = { error: `status ${code}` }, headers: Record<string, string> = {}) =>
  (response: ServerResponse) =>
    sendJson(response, code, body, headers);
const raw = (code: number, text: string, contentType: string) => (response: ServerResponse) => {
  response.writeHead(code, { 'Content-Type': contentType });
  response.end(text);
};

const GATEWAY_PAGE = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>body{font:12px}</style></head>
<body><h1>502 Bad Gateway</h1><script>alert(1)</script><hr><center>nginx</center></body></html>`;

describe('HttpClient', () => {
  let server: LoopbackServer | undefined;
  let clock: FakeClock;
  let diagnostics: string[];

  beforeEach(() => {
    clock = new FakeClock(Date.parse('2025-01-01T00:00:00Z'), 10_000);
    diagnostics = [];
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function client(reply: Reply, options: Partial<HttpClientOptions> = {}) {
    server = await startLoopbackServer((_request, response) => reply(response));
    return new HttpClient({
      baseUrl: server.url,
      apiKey: FAKE_AGENT_KEY,
      clock,
      random: () => 0.5,
      timeoutMs: 30_000,
      maxRetryDelayMs: 8_000,
      onDiagnostic: (message) => diagnostics.push(message),
      ...options,
    });
  }

  function assertNoKeyAnywhere(error?: unknown) {
    for (const line of diagnostics)
      assert.equal(line.includes(FAKE_AGENT_KEY), false, `diagnostic leaked the key: ${line}`);
    if (error instanceof Error) {
      assert.equal(error.message.includes(FAKE_AGENT_KEY), false, 'message leaked the key');
      if (ApiError.is(error))
        assert.equal(error.userMessage.includes(FAKE_AGENT_KEY), false, 'userMessage leaked the key');
      assert.equal(String(error.stack).includes(FAKE_AGENT_KEY), false, 'stack leaked the key');
    }
  }

  it('sends the key as a bearer header, JSON headers and the query, never the key in the URL', async () => {
    const http = await client(ok({ fine: true }));
    const body = await http.requestJson({
      method: 'POST',
      path: '/api/v1/tasks',
      query: { page: 2, status: undefined },
      body: { prompt: 'x' },
    });
    assert.deepEqual(body, { fine: true });
    const request = server!.requests[0];
    assert.equal(request.headers['authorization'], `Bearer ${FAKE_AGENT_KEY}`);
    assert.equal(request.headers['accept'], 'application/json');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.query.get('page'), '2');
    assert.equal(request.query.has('status'), false);
    assert.deepEqual(request.json, { prompt: 'x' });
    assert.equal(request.path.includes(FAKE_AGENT_KEY), false);
    assert.equal(request.query.toString().includes(FAKE_AGENT_KEY), false);
    assertNoKeyAnywhere();
  });

  it('returns undefined for an empty success body and refuses a non-JSON one', async () => {
    const http = await client(scripted(raw(200, '', 'application/json'), raw(200, '<html>login</html>', 'text/html')));
    assert.equal(await http.requestJson({ method: 'GET', path: '/a' }), undefined);
    await assert.rejects(http.requestJson({ method: 'GET', path: '/a' }), (e: unknown) => ProtocolError.is(e));
  });

  describe('retries', () => {
    it('retries an idempotent GET on 503, 502, 504 and 429 with growing, jittered delays, then succeeds', async () => {
      const http = await client(scripted(status(503), status(502), status(504), ok({ done: 1 })), { maxRetries: 3 });
      assert.deepEqual(await http.requestJson({ method: 'GET', path: '/x' }), { done: 1 });
      assert.equal(server!.requests.length, 4);
      // Equal jitter with random 0.5: three quarters of base·2^attempt.
      assert.deepEqual(
        clock.sleeps.filter((ms) => ms < 10_000),
        [375, 750, 1500],
      );
      assert.equal(diagnostics.filter((line) => /retry \d of 3/.test(line)).length, 3);
      assertNoKeyAnywhere();
    });

    it('honours Retry-After in seconds exactly, without sleeping for real', async () => {
      const http = await client(scripted(status(429, { error: 'slow down' }, { 'Retry-After': '7' }), ok([])));
      const startedAt = Date.now();
      await http.requestJson({ method: 'GET', path: '/x' });
      assert.ok(Date.now() - startedAt < 1000);
      assert.deepEqual(
        clock.sleeps.filter((ms) => ms < 10_000),
        [7000],
      );
      assert.equal(server!.requests.length, 2);
    });

    it('honours Retry-After as an HTTP date against the injected clock', async () => {
      const at = new Date(clock.now() + 4000).toUTCString();
      const http = await client(scripted(status(503, { error: 'busy' }, { 'Retry-After': at }), ok([])));
      await http.requestJson({ method: 'GET', path: '/x' });
      assert.deepEqual(
        clock.sleeps.filter((ms) => ms < 10_000),
        [4000],
      );
    });

    it('gives up at once with the delay when Retry-After is longer than the cap', async () => {
      const http = await client(status(429, { error: 'quota' }, { 'Retry-After': '120' }));
      await assert.rejects(http.requestJson({ method: 'GET', path: '/x' }), (e: unknown) => {
        assert.ok(RateLimitError.is(e));
        assert.equal(e.retryAfterMs, 120_000);
        assert.equal(e.status, 429);
        return true;
      });
      assert.equal(server!.requests.length, 1);
    });

    it('stops after maxRetries and throws the last error', async () => {
      const http = await client(status(503), { maxRetries: 2 });
      await assert.rejects(
        http.requestJson({ method: 'GET', path: '/x' }),
        (e: unknown) => ServerError.is(e) && e.status === 503,
      );
      assert.equal(server!.requests.length, 3);
    });

    it('does not retry a 500, a 4xx or a protocol error', async () => {
      for (const reply of [status(500), status(400), status(404), raw(200, 'not json', 'text/plain')]) {
        const http = await client(reply);
        await assert.rejects(http.requestJson({ method: 'GET', path: '/x' }));
        assert.equal(server!.requests.length, 1);
        await server!.close();
      }
      server = undefined;
    });

    for (const method of ['POST', 'PATCH'] as const) {
      it(`never retries a ${method} blindly (503, 429 with Retry-After, or a dropped connection)`, async () => {
        const dropped = (response: ServerResponse) => response.socket?.destroy();
        for (const reply of [status(503), status(429, {}, { 'Retry-After': '1' }), dropped]) {
          const http = await client(reply);
          await assert.rejects(http.requestJson({ method, path: '/api/v1/tasks', body: { prompt: 'p' } }));
          assert.equal(server!.requests.length, 1, `${method} was sent more than once`);
          await server!.close();
        }
        server = undefined;
        assert.deepEqual(
          clock.sleeps.filter((ms) => ms < 10_000),
          [],
        );
      });
    }

    it('retries a GET after a network error and reports NetworkError when the host stays unreachable', async () => {
      const port = await closedPort();
      let calls = 0;
      const http = new HttpClient({
        baseUrl: `http://127.0.0.1:${port}`,
        apiKey: FAKE_AGENT_KEY,
        clock,
        random: () => 0,
        maxRetries: 2,
        fetch: (input, init) => {
          calls++;
          return fetch(input, init);
        },
        onDiagnostic: (message) => diagnostics.push(message),
      });
      await assert.rejects(http.requestJson({ method: 'GET', path: '/x' }), (e: unknown) => {
        assert.ok(NetworkError.is(e));
        assert.match(e.userMessage, /127\.0\.0\.1/);
        assert.match(e.userMessage, /connection refused/);
        assertNoKeyAnywhere(e);
        return true;
      });
      assert.equal(calls, 3);
    });
  });

  describe('timeouts and abort', () => {
    it('times out a request that never answers (on the injected clock) and does not retry it', async () => {
      const http = await client(() => undefined);
      const pending = http.requestJson({ method: 'GET', path: '/slow' });
      await waitFor(() => server!.requests.length === 1 && clock.pending().includes(30_000));
      clock.advance(30_000);
      await assert.rejects(pending, (e: unknown) => TimeoutError.is(e) && /30 s/.test(e.userMessage));
      assert.equal(server!.requests.length, 1);
    });

    it('rejects silently (AbortError) when the caller aborts in flight', async () => {
      const http = await client(() => undefined);
      const controller = new AbortController();
      const pending = http.requestJson({ method: 'GET', path: '/slow', signal: controller.signal });
      await waitFor(() => server!.requests.length === 1);
      controller.abort(new Error('custom reason'));
      await assert.rejects(pending, (e: unknown) => isAbortError(e) && !ApiError.is(e));
      assert.deepEqual(clock.pending(), [], 'the deadline timer was left behind');
    });

    it('rejects with AbortError when aborted during a retry wait, without another request', async () => {
      const slowClock = new FakeClock();
      const http = await client(status(503), { clock: slowClock });
      const controller = new AbortController();
      const pending = http.requestJson({ method: 'GET', path: '/x', signal: controller.signal });
      await waitFor(() => slowClock.pending().length === 1 && slowClock.pending()[0] < 30_000);
      controller.abort();
      await assert.rejects(pending, (e: unknown) => isAbortError(e));
      assert.equal(server!.requests.length, 1);
    });

    it('rejects at once when the signal is already aborted', async () => {
      const http = await client(ok({}));
      await assert.rejects(http.requestJson({ method: 'GET', path: '/x', signal: AbortSignal.abort() }), (e: unknown) =>
        isAbortError(e),
      );
      assert.equal(server!.requests.length, 0);
    });
  });

  describe('error mapping', () => {
    const cases: Array<{ reply: (r: ServerResponse) => void; check: (e: unknown) => boolean; name: string }> = [
      { name: '401', reply: status(401, { error: 'Unauthorized' }), check: (e) => AuthError.is(e) && e.status === 401 },
      {
        name: '403',
        reply: status(403, { error: 'Not a team member' }),
        check: (e) => ForbiddenError.is(e) && /Not a team member/.test(e.userMessage),
      },
      {
        name: '404',
        reply: status(404, { error: 'Task not found' }),
        check: (e) => NotFoundError.is(e) && e.status === 404,
      },
      {
        name: '402',
        reply: status(402, { error: 'Insufficient credits' }),
        check: (e) => BadRequestError.is(e) && e.status === 402 && /credits/i.test(e.userMessage),
      },
      {
        name: '400 {error: "…"}',
        reply: status(400, { error: 'Invalid agent "x". Supported agents: claude, codex' }),
        check: (e) => BadRequestError.is(e) && /Supported agents: claude, codex/.test(e.userMessage),
      },
      {
        name: '400 {error: {code, message}}',
        reply: status(400, { error: { code: 'bad_branch', message: 'Branch does not exist' } }),
        check: (e) => BadRequestError.is(e) && /Branch does not exist/.test(e.userMessage),
      },
      {
        name: '500',
        reply: status(500, { error: 'database error' }),
        check: (e) => ServerError.is(e) && e.status === 500 && /database error/.test(e.userMessage),
      },
      {
        name: 'HTML 502 gateway page',
        reply: raw(502, GATEWAY_PAGE, 'text/html'),
        check: (e) =>
          ServerError.is(e) && e.status === 502 && !/[<>]|nginx|alert/.test(e.userMessage) && !/[<>]/.test(e.message),
      },
      {
        name: 'plain text 503',
        reply: raw(503, 'upstream overloaded', 'text/plain'),
        check: (e) => ServerError.is(e) && /upstream overloaded/.test(e.userMessage),
      },
      {
        name: '302 redirect',
        reply: (r) => {
          r.writeHead(302, { Location: 'https://elsewhere.example/' });
          r.end();
        },
        check: (e) => ProtocolError.is(e),
      },
    ];
    for (const testCase of cases) {
      it(`maps ${testCase.name} to a typed error with a clean message`, async () => {
        const http = await client(testCase.reply, { maxRetries: 0 });
        await assert.rejects(http.requestJson({ method: 'GET', path: '/x' }), (e: unknown) => {
          assert.ok(testCase.check(e), `unexpected ${String(e)}`);
          assertNoKeyAnywhere(e);
          return true;
        });
      });
    }

    it('shortens server text, strips control characters and redacts an echoed key', async () => {
      const long = `Bad key ${FAKE_AGENT_KEY}\u001b[31m red\u0007 ${'x'.repeat(500)}`;
      const http = await client(status(400, { error: long }));
      await assert.rejects(http.requestJson({ method: 'GET', path: '/x' }), (e: unknown) => {
        assert.ok(BadRequestError.is(e));
        assertNoKeyAnywhere(e);
        assert.ok(e.userMessage.length < 320, `too long: ${e.userMessage.length}`);
        assert.doesNotMatch(e.userMessage, /[\u0000-\u001f]/);
        assert.match(e.userMessage, /\[redacted\]/);
        return true;
      });
    });

    it('refuses an answer larger than the body limit', async () => {
      const http = await client(ok({ big: 'y'.repeat(5000) }), { maxBodyBytes: 1000 });
      await assert.rejects(http.requestJson({ method: 'GET', path: '/x' }), (e: unknown) => ProtocolError.is(e));
    });
  });

  describe('openStream', () => {
    it('opens an event stream with the bearer header and the SSE Accept', async () => {
      const http = await client((response) => {
        response.writeHead(200, { 'Content-Type': 'text/event-stream' });
        response.end('data: {}\n\n');
      });
      const opened = await http.openStream({ path: '/s', query: { fromIndex: 3 } });
      const text = await new Response(opened.body).text();
      assert.equal(text, 'data: {}\n\n');
      opened.close();
      const request = server!.requests[0];
      assert.equal(request.headers['accept'], 'text/event-stream');
      assert.equal(request.headers['authorization'], `Bearer ${FAKE_AGENT_KEY}`);
      assert.equal(request.query.get('fromIndex'), '3');
    });

    it('maps an error status and a non-SSE answer to typed errors, without retrying', async () => {
      const http = await client(scripted(status(404), raw(200, '{"tasks":[]}', 'application/json'), status(503)));
      await assert.rejects(http.openStream({ path: '/s' }), (e: unknown) => NotFoundError.is(e));
      await assert.rejects(http.openStream({ path: '/s' }), (e: unknown) => ProtocolError.is(e));
      await assert.rejects(http.openStream({ path: '/s' }), (e: unknown) => ServerError.is(e));
      assert.equal(server!.requests.length, 3);
    });

    it('times out when the headers never come', async () => {
      const http = await client(() => undefined);
      const pending = http.openStream({ path: '/s', connectTimeoutMs: 15_000 });
      await waitFor(() => clock.pending().includes(15_000));
      clock.advance(15_000);
      await assert.rejects(pending, (e: unknown) => TimeoutError.is(e) && /15 s/.test(e.userMessage));
    });
  });

  describe('helpers', () => {
    it('parseRetryAfter reads seconds and HTTP dates and ignores nonsense', () => {
      const now = Date.parse('2025-01-01T00:00:00Z');
      assert.equal(parseRetryAfter('5', now), 5000);
      assert.equal(parseRetryAfter(' 0 ', now), 0);
      assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:09 GMT', now), 9000);
      assert.equal(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now), 0);
      assert.equal(parseRetryAfter('-3', now), undefined);
      assert.equal(parseRetryAfter('soon', now), undefined);
      assert.equal(parseRetryAfter(null, now), undefined);
    });

    it('backoffDelay doubles up to the cap and stays within the jitter band', () => {
      assert.equal(
        backoffDelay(0, 500, 8000, () => 0),
        250,
      );
      assert.equal(
        backoffDelay(0, 500, 8000, () => 0.999999),
        500,
      );
      assert.equal(
        backoffDelay(3, 500, 8000, () => 0),
        2000,
      );
      assert.equal(
        backoffDelay(10, 500, 8000, () => 0),
        4000,
      );
      assert.equal(
        backoffDelay(100, 500, 8000, () => 0.999999),
        8000,
      );
    });

    it('serverMessage finds the message in the shapes servers use', () => {
      assert.equal(serverMessage('{"error":"a"}', 'application/json'), 'a');
      assert.equal(serverMessage('{"error":{"code":"c","message":"m"}}', 'application/json'), 'm');
      assert.equal(serverMessage('{"error":{"code":"c"}}', 'application/json'), 'c');
      assert.equal(serverMessage('{"message":"n"}', 'application/json'), 'n');
      assert.equal(serverMessage('{"other":1}', 'application/json'), undefined);
      assert.equal(serverMessage(GATEWAY_PAGE, 'text/html'), undefined);
      assert.equal(serverMessage('<p>x</p>', 'text/plain'), undefined);
      assert.equal(serverMessage('plain words', 'text/plain'), 'plain words');
      assert.equal(serverMessage('  ', 'text/plain'), undefined);
    });

    it('cleanServerText flattens, shortens and redacts', () => {
      assert.equal(cleanServerText('a\n\tb\u0000c', []), 'a b c');
      assert.equal(cleanServerText('x'.repeat(300), [], 10), `${'x'.repeat(9)}…`);
      assert.equal(cleanServerText('k=secret-key-1', ['secret-key-1']), 'k=[redacted]');
      assert.equal(cleanServerText('\u202eevil', []), 'evil');
    });
  });
});
