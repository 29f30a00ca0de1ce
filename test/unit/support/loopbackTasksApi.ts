import * as assert from 'node:assert/strict';
import { createTasksApi } from '../../../src/core/api/createTasksApi';
import type { ApiKind } from '../../../src/core/tasks/model';
import type { TasksApi } from '../../../src/core/api/tasksApi';
import { FakeClock } from './fakeClock';
import { FAKE_AGENT_KEY, FAKE_CLOUD_KEY, sendJson, startLoopbackServer } from './loopbackServer';
import type { Handler, LoopbackServer, RecordedRequest } from './loopbackServer';

export interface LoopbackTasksApi {
  /** A client for a fresh server answering with `handler` (the previous server is closed). */
  api(handler: Handler): Promise<TasksApi>;
  /** What the current server has received. */
  readonly requests: readonly RecordedRequest[];
  /** The client's clock, new for each test. */
  readonly clock: FakeClock;
}

/**
 * The real client of one API kind (createTasksApi) against a real loopback server, with a
 * fake clock, fixed jitter and short reconnect delays. After each test the server closes and
 * no diagnostic line may contain the key.
 */
export function useLoopbackTasksApi(
  kind: ApiKind,
  options: { readonly baseUrl?: (serverUrl: string) => string } = {},
): LoopbackTasksApi {
  const apiKey = kind === 'agent' ? FAKE_AGENT_KEY : FAKE_CLOUD_KEY;
  let server: LoopbackServer | undefined;
  let clock: FakeClock | undefined;
  let diagnostics: string[] = [];

  beforeEach(() => {
    clock = new FakeClock(Date.parse('2025-01-01T12:00:00Z'), 10_000);
    diagnostics = [];
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
    for (const line of diagnostics) assert.equal(line.includes(apiKey), false, `diagnostic leaked the key: ${line}`);
  });

  const currentClock = (): FakeClock => {
    if (!clock) throw new Error('the clock is made in beforeEach: use it inside tests');
    return clock;
  };

  return {
    async api(handler) {
      await server?.close();
      server = await startLoopbackServer(handler);
      return createTasksApi({
        kind,
        baseUrl: options.baseUrl ? options.baseUrl(server.url) : server.url,
        apiKey,
        clock: currentClock(),
        random: () => 0.5,
        onDiagnostic: (line) => diagnostics.push(line),
        stream: { baseDelayMs: 100, idleTimeoutMs: 60_000 },
      });
    },
    get requests() {
      if (!server) throw new Error('no server yet: call api(handler) first');
      return server.requests;
    },
    get clock() {
      return currentClock();
    },
  };
}

/** A handler that answers every request with this JSON body. */
export function replyJson(body: unknown, status = 200): Handler {
  return (_request, response) => sendJson(response, status, body);
}
