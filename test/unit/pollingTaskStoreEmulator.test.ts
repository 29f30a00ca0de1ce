import * as assert from 'node:assert/strict';
import { createTasksApi } from '../../src/core/api/createTasksApi';
import { PollingTaskStore } from '../../src/core/tasks/pollingTaskStore';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { manyTasksScenario } from '../emulator/scenarios';
import { FakeClock, waitFor } from './support/fakeClock';
import { FakeConnection } from './support/storeHarness';

/**
 * The store against the loopback emulator through the real clients: requests per refresh
 * interval counted from the emulator's own request log, next to the naive baseline of
 * "list + one status call per active task". The store's schedule runs on a fake clock;
 * the HTTP is real.
 */

const INTERVAL = 5_000;
const INTERVALS = 6;

interface Measured {
  readonly perInterval: number;
  readonly byPath: Readonly<Record<string, number>>;
}

async function measure(
  api: 'agent' | 'cloud',
  running: number,
  activity: { visible: boolean; focused: boolean },
): Promise<Measured> {
  const emulator: Emulator = await startEmulator({ scenario: manyTasksScenario({ api, count: 60, running }) });
  const clock = new FakeClock();
  const client = createTasksApi({
    kind: api,
    baseUrl: emulator.url,
    apiKey: api === 'agent' ? emulator.keys.agent : emulator.keys.cloud,
    timeoutMs: 5_000,
  });
  const store = new PollingTaskStore({ connection: FakeConnection.to(client), clock });
  const idle = () => !store.status().refreshing;
  try {
    store.setActivity({ viewVisible: true, windowFocused: true });
    store.start();
    await waitFor(() => store.status().state === 'ready' && idle(), 5_000);
    store.setActivity({ viewVisible: activity.visible, windowFocused: activity.focused });
    emulator.clearRequests();
    for (let step = 0; step < INTERVALS * 10; step++) {
      clock.advance(INTERVAL / 10);
      await new Promise<void>((resolve) => setImmediate(resolve));
      await waitFor(idle, 5_000);
    }
    const byPath: Record<string, number> = {};
    for (const request of emulator.requests) {
      const key = `${request.method} ${request.path.replace(/[0-9a-f-]{36}|tsk\w+/g, ':id')}`;
      byPath[key] = (byPath[key] ?? 0) + 1;
    }
    return { perInterval: emulator.requests.length / INTERVALS, byPath };
  } finally {
    store.dispose();
    await emulator.close();
  }
}

for (const api of ['agent', 'cloud'] as const) {
  describe(`PollingTaskStore against the emulator (${api === 'agent' ? 'Agent API v1' : 'Cloud API'})`, function () {
    this.timeout(30_000);

    it('sees every active task with one list call per interval, for 1, 5 and 50 running tasks', async () => {
      for (const running of [1, 5, 50]) {
        const measured = await measure(api, running, { visible: true, focused: true });
        assert.equal(measured.perInterval, 1, `k=${running}: ${JSON.stringify(measured.byPath)}`);
        assert.ok(measured.perInterval < 1 + running, `below the naive ${1 + running}`);
        assert.deepEqual(Object.keys(measured.byPath), [api === 'agent' ? 'GET /api/v1/tasks' : 'GET /api/tasks']);
      }
    });

    it('makes no request while hidden and unfocused, even with tasks running', async () => {
      const measured = await measure(api, 5, { visible: false, focused: false });
      assert.equal(measured.perInterval, 0, JSON.stringify(measured.byPath));
    });

    it('never refreshes an idle list while the view is hidden', async () => {
      assert.equal((await measure(api, 0, { visible: false, focused: true })).perInterval, 0);
    });
  });
}
