/**
 * Requests per refresh interval: the real PollingTaskStore and clients against the
 * emulator (real HTTP), its schedule on a manual clock, for 0/1/5/50 active tasks (of 60),
 * with the view visible, hidden in a focused window, and hidden in an unfocused one. Every
 * request is counted from the emulator's own request log (list, status and details), with
 * every row drawn as the tree draws it: on each change the rows ask for their details.
 * Baseline measured the same way: the naive poller, "list + one status call per active
 * task" every interval.
 *
 *   node out/test/bench/requestsPerInterval.js [intervals]   (default 12: one idle refresh period)
 */
import { createTasksApi } from '../../src/core/api/createTasksApi';
import { isActive } from '../../src/core/tasks/model';
import { PollingTaskStore } from '../../src/core/tasks/pollingTaskStore';
import type { TasksApi } from '../../src/core/api/tasksApi';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { manyTasksScenario } from '../emulator/scenarios';
import { FakeClock, waitFor } from '../unit/support/fakeClock';
import { FakeConnection } from '../unit/support/storeHarness';
import { runPart } from './benchSupport';

const INTERVAL_MS = 5_000;
const TASKS = 60;
const ACTIVE_COUNTS = [0, 1, 5, 50] as const;
const SITUATIONS = {
  visible: { viewVisible: true, windowFocused: true },
  hiddenFocused: { viewVisible: false, windowFocused: true },
  hiddenUnfocused: { viewVisible: false, windowFocused: false },
} as const;

type Situation = keyof typeof SITUATIONS;

async function withEmulator<T>(active: number, run: (emulator: Emulator, api: TasksApi) => Promise<T>): Promise<T> {
  const emulator = await startEmulator({
    scenario: manyTasksScenario({ api: 'agent', count: TASKS, running: active }),
    keepAliveMs: 0,
  });
  const api = createTasksApi({ kind: 'agent', baseUrl: emulator.url, apiKey: emulator.keys.agent, timeoutMs: 5_000 });
  try {
    return await run(emulator, api);
  } finally {
    await emulator.close();
  }
}

function byEndpoint(emulator: Emulator): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const request of emulator.requests) {
    const key = `${request.method} ${request.path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id')}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** The store, once its first refresh has landed, over `intervals` intervals of simulated time. */
async function storeRequests(
  active: number,
  situation: Situation,
  intervals: number,
): Promise<{ perInterval: number; byEndpoint: Record<string, number> }> {
  return withEmulator(active, async (emulator, api) => {
    const clock = new FakeClock();
    const store = new PollingTaskStore({ connection: FakeConnection.to(api), clock });
    const drawn = store.onDidChange(() => store.requestDetails(store.tasks().map((task) => task.id)));
    const idle = () => !store.status().refreshing;
    try {
      store.setActivity(SITUATIONS.visible);
      store.start();
      await waitFor(() => store.status().state === 'ready' && idle(), 10_000);
      // The first draw's details (one per v1 row, once) are not part of the steady state.
      await waitFor(() => store.tasks().every((task) => !store.needsDetails(task.id)), 10_000);
      store.setActivity(SITUATIONS[situation]);
      emulator.clearRequests();
      // Ten steps per interval, so a refresh that falls due mid-interval runs when it should.
      for (let step = 0; step < intervals * 10; step++) {
        clock.advance(INTERVAL_MS / 10);
        await new Promise<void>((resolve) => setImmediate(resolve));
        await waitFor(idle, 10_000);
      }
      return { perInterval: emulator.requests.length / intervals, byEndpoint: byEndpoint(emulator) };
    } finally {
      drawn.dispose();
      store.dispose();
    }
  });
}

/** The naive poller: it neither knows nor cares whether anyone is looking. */
async function naiveRequests(
  active: number,
  intervals: number,
): Promise<{ perInterval: number; byEndpoint: Record<string, number> }> {
  return withEmulator(active, async (emulator, api) => {
    for (let i = 0; i < intervals; i++) {
      const page = await api.list({ limit: 50 });
      for (const task of page.tasks) if (isActive(task.status)) await api.status(task.id);
    }
    return { perInterval: emulator.requests.length / intervals, byEndpoint: byEndpoint(emulator) };
  });
}

runPart(async () => {
  const intervals = Number(process.argv[2] ?? 12);
  const rows = [];
  for (const active of ACTIVE_COUNTS) {
    const naive = await naiveRequests(active, intervals);
    const store: Partial<Record<Situation, { perInterval: number; byEndpoint: Record<string, number> }>> = {};
    for (const situation of Object.keys(SITUATIONS) as Situation[])
      store[situation] = await storeRequests(active, situation, intervals);
    rows.push({ active, naive, store });
  }
  return { part: 'requestsPerInterval', intervalMs: INTERVAL_MS, intervals, tasks: TASKS, rows };
});
