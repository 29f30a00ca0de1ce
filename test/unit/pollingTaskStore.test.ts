import * as assert from 'node:assert/strict';
import { AuthError, NetworkError, NotFoundError, RateLimitError } from '../../src/core/http/errors';
import type { Task, TaskStatus } from '../../src/core/tasks/model';
import type { TaskStoreChange } from '../../src/core/tasks/taskStore';
import { aTask, FakeTasksApi, settle } from './support/fakeTasksApi';
import { FakeConnection, MemoryStorage, startStore, type StoreHarness } from './support/storeHarness';

const INTERVAL = 5_000;

/** `count` tasks newest first; the first `active` of them running. */
function seed(api: FakeTasksApi, count: number, active = 0, status: TaskStatus = 'running'): Task[] {
  const tasks = Array.from({ length: count }, (_, i) =>
    aTask({ status: i < active ? status : 'completed', prompt: `Task number ${i}` }),
  );
  api.add(...tasks);
  return tasks;
}

function statusOf(h: StoreHarness, id: string): TaskStatus | undefined {
  return h.store.get(id)?.status;
}

describe('PollingTaskStore', () => {
  let harness: StoreHarness | undefined;

  afterEach(() => {
    harness?.store.dispose();
    harness = undefined;
  });

  function start(...args: Parameters<typeof startStore>): StoreHarness {
    harness = startStore(...args);
    return harness;
  }

  describe('loading', () => {
    it('lists the first page at once when the view is visible, then is ready', async () => {
      const api = new FakeTasksApi();
      seed(api, 3);
      const h = start(FakeConnection.to(api));
      assert.equal(h.store.status().state, 'loading');
      await h.run(0);
      assert.equal(api.count('list'), 1);
      assert.equal(h.store.tasks().length, 3);
      assert.equal(h.store.status().state, 'ready');
      assert.equal(h.store.status().stale, false);
    });

    it('is noKey without a key and says why when settings cannot work', async () => {
      const h = start(new FakeConnection({ kind: 'none', problem: 'Bad URL.' }));
      await h.run(1_000);
      assert.equal(h.store.status().state, 'noKey');
      assert.equal(h.store.status().problem, 'Bad URL.');
    });

    it('waits quietly while the stored key is being read', async () => {
      const h = start(new FakeConnection({ kind: 'pending' }));
      await h.run(1_000);
      assert.equal(h.store.status().state, 'loading');
    });

    it('clears and reloads when the key changes, and never mixes the two accounts', async () => {
      const first = new FakeTasksApi('agent', 'https://agent.example');
      seed(first, 2);
      const second = new FakeTasksApi('cloud', 'https://cloud.example');
      second.add(aTask({ api: 'cloud', id: 'cloud-1', prompt: 'Cloud task' }));
      const connection = FakeConnection.to(first);
      const h = start(connection);
      await h.run(0);
      const changes: TaskStoreChange[] = [];
      h.store.onDidChange((change) => changes.push(change));
      connection.set({ kind: 'connected', connection: { api: second, accountKey: 'cloud https://cloud.example' } });
      assert.equal(h.store.tasks().length, 0);
      assert.ok(changes.some((change) => 'all' in change));
      await h.run(0);
      assert.deepEqual(
        h.store.tasks().map((task) => task.id),
        ['cloud-1'],
      );
      connection.set({ kind: 'none' });
      assert.equal(h.store.status().state, 'noKey');
      assert.equal(h.store.tasks().length, 0);
    });
  });

  describe('the same account again', () => {
    it('keeps the tasks, the finished-task tracker, pending cancels and paging when the same account reconnects', async () => {
      const api = new FakeTasksApi();
      const [running, other] = seed(api, 60, 2);
      const connection = FakeConnection.to(api);
      const h = start(connection);
      await h.run(0);
      h.store.setPendingCancel(running.id, true);
      const changes: TaskStoreChange[] = [];
      h.store.onDidChange((change) => changes.push(change));
      api.clearCalls();
      // The same key stored again fires twice (the command, then SecretStorage's event), each
      // with a client object of its own for the same account.
      const again = new FakeTasksApi();
      again.tasks = [...api.tasks];
      for (const [id, fields] of api.detailsOf) again.detailsOf.set(id, fields);
      connection.set({ kind: 'connected', connection: { api: again, accountKey: `${api.kind} ${api.baseUrl}` } });
      connection.set({ kind: 'connected', connection: { api: again, accountKey: `${api.kind} ${api.baseUrl}` } });
      assert.deepEqual(changes, [], 'nothing redrawn');
      assert.equal(h.store.tasks().length, 50);
      assert.equal(h.store.status().hasMore, true);
      assert.equal(h.store.isPendingCancel(running.id), true);
      assert.equal(api.count(), 0, 'no reload');
      // The tracker still knows the task was running here: it finishing is still reported.
      again.setStatus(other.id, 'completed');
      await h.run(INTERVAL);
      assert.deepEqual(h.finished, [[other.id]]);
      assert.equal(again.count('list'), 1, 'the new client is used from now on');
    });

    it('a refused key stored again is tried again at once, without dropping the tasks', async () => {
      const api = new FakeTasksApi();
      seed(api, 2, 1);
      const connection = FakeConnection.to(api);
      const h = start(connection);
      await h.run(0);
      api.failures.list.push(new AuthError());
      await h.run(INTERVAL);
      assert.match(h.store.status().problem ?? '', /Set API Key/);
      api.clearCalls();
      connection.set({ kind: 'connected', connection: { api, accountKey: `${api.kind} ${api.baseUrl}` } });
      await h.run(0);
      assert.equal(api.count('list'), 1);
      assert.equal(h.store.status().problem, undefined);
      assert.equal(h.store.tasks().length, 2);
    });

    it('no key, then no key again: nothing is redrawn', async () => {
      const connection = new FakeConnection({ kind: 'none' });
      const h = start(connection);
      await h.run(0);
      const changes: TaskStoreChange[] = [];
      h.store.onDidChange((change) => changes.push(change));
      connection.set({ kind: 'none' });
      assert.deepEqual(changes, []);
      connection.set({ kind: 'none', problem: 'Bad URL.' });
      assert.equal(changes.length, 1, 'a new problem is news');
    });
  });

  describe('schedule and request counts', () => {
    /**
     * Steady-state requests per refresh interval, after the first load: what this store
     * does against the naive "list + one status call per active task". Every request counts
     * (list, status and details), with every row drawn as the tree draws it (asking for the
     * details of the rows it shows), so a details fetch on each refresh would show here.
     */
    async function requestsPerInterval(
      active: number,
      activity: { visible: boolean; focused: boolean },
      intervals = 12,
      during?: (api: FakeTasksApi, tasks: readonly Task[]) => void,
    ): Promise<number> {
      const api = new FakeTasksApi();
      const tasks = seed(api, 60, active);
      const h = startStore(FakeConnection.to(api), { visible: true, focused: true });
      const drawn = h.store.onDidChange(() => h.store.requestDetails(h.store.tasks().map((task) => task.id)));
      try {
        await h.run(0);
        h.store.setActivity({ viewVisible: activity.visible, windowFocused: activity.focused });
        await h.run(INTERVAL);
        assert.ok(api.count('get') > 0, 'the drawn rows had their details fetched once');
        api.clearCalls();
        await h.run((INTERVAL * intervals) / 2, 500);
        during?.(api, tasks);
        await h.run((INTERVAL * intervals) / 2, 500);
        return api.count();
      } finally {
        drawn.dispose();
        h.store.dispose();
      }
    }

    it('makes one request per interval while 1, 5 or 50 tasks run (naive: 2, 6, 51) and one a minute when idle', async () => {
      const measured: Record<number, number> = {};
      for (const k of [0, 1, 5, 50])
        measured[k] = (await requestsPerInterval(k, { visible: true, focused: true })) / 12;
      assert.equal(measured[0], 1 / 12, 'idle: one list call per minute');
      assert.equal(measured[1], 1);
      assert.equal(measured[5], 1);
      assert.equal(measured[50], 1);
      for (const k of [1, 5, 50]) assert.ok(measured[k] < 1 + k, `fewer than the naive ${1 + k}`);
    });

    it('counts every request: a run that finishes costs its final details once, nothing more', async () => {
      let finishing: Task | undefined;
      const total = await requestsPerInterval(5, { visible: true, focused: true }, 12, (api, tasks) => {
        finishing = tasks[0];
        if (finishing) api.setStatus(finishing.id, 'completed');
      });
      assert.equal(total, 12 + 1, 'one list call per interval, and one details call for the finished run');
    });

    it('makes no request at all while hidden and unfocused, whatever runs', async () => {
      for (const k of [0, 1, 5, 50])
        assert.equal(await requestsPerInterval(k, { visible: false, focused: false }), 0, `k=${k}`);
    });

    it('makes no request while the window is unfocused even with the view visible', async () => {
      assert.equal(await requestsPerInterval(5, { visible: true, focused: false }), 0);
    });

    it('while hidden (window focused) checks active tasks only once a minute, for the status bar and notifications', async () => {
      assert.equal(await requestsPerInterval(0, { visible: false, focused: true }), 0);
      assert.equal(
        await requestsPerInterval(5, { visible: false, focused: true }),
        1,
        'one list call in twelve 5 s intervals',
      );
    });

    it('makes no request while starting hidden, and catches up at once when shown', async () => {
      const api = new FakeTasksApi();
      seed(api, 3, 1);
      const h = start(FakeConnection.to(api), { visible: false, focused: true });
      await h.run(10 * 60_000, 5_000);
      assert.equal(api.count(), 0);
      h.store.setActivity({ viewVisible: true, windowFocused: true });
      await h.run(0);
      assert.equal(api.count('list'), 1);
    });

    it('catches up at once when focus returns after a pause', async () => {
      const api = new FakeTasksApi();
      seed(api, 3, 1);
      const h = start(FakeConnection.to(api));
      await h.run(0);
      h.store.setActivity({ viewVisible: true, windowFocused: false });
      await h.run(60_000, 5_000);
      api.clearCalls();
      h.store.setActivity({ viewVisible: true, windowFocused: true });
      await h.run(0);
      assert.equal(api.count('list'), 1);
    });

    it('sees a task move from running to completed within one interval and reports it finished once', async () => {
      const api = new FakeTasksApi();
      const [running] = seed(api, 3, 1);
      const h = start(FakeConnection.to(api));
      await h.run(0);
      assert.equal(statusOf(h, running.id), 'running');
      api.setStatus(running.id, 'completed');
      await h.run(INTERVAL);
      assert.equal(statusOf(h, running.id), 'completed');
      assert.deepEqual(h.finished, [[running.id]]);
      await h.run(INTERVAL * 3);
      assert.deepEqual(h.finished, [[running.id]]);
    });

    it('reports tasks that finish in the same refresh as one batch', async () => {
      const api = new FakeTasksApi();
      const tasks = seed(api, 4, 3);
      const h = start(FakeConnection.to(api));
      await h.run(0);
      for (const task of tasks.slice(0, 3)) api.setStatus(task.id, 'failed');
      await h.run(INTERVAL);
      assert.deepEqual(h.finished, [tasks.slice(0, 3).map((t) => t.id)]);
    });

    it('polls an active task the first page does not show with one status call', async () => {
      const api = new FakeTasksApi();
      seed(api, 5);
      const h = start(FakeConnection.to(api), { pageSize: 5 });
      const old = aTask({ status: 'running', prompt: 'Old but running' });
      await h.run(0);
      h.store.upsert(old);
      api.add(old);
      api.clearCalls();
      await h.run(INTERVAL);
      assert.equal(api.count('list'), 1);
      assert.deepEqual(
        api.calls.filter((c) => c.method === 'status').map((c) => c.id),
        [old.id],
      );
      api.setStatus(old.id, 'completed');
      await h.run(INTERVAL);
      assert.equal(statusOf(h, old.id), 'completed');
      api.clearCalls();
      await h.run(INTERVAL * 3);
      assert.equal(api.count('status'), 0, 'a finished task is never polled again');
    });

    it('never has two list calls in flight: refreshes asked for meanwhile join the running one', async () => {
      const api = new FakeTasksApi();
      seed(api, 2, 1);
      const h = start(FakeConnection.to(api));
      api.hold('list');
      await h.run(0);
      const both = Promise.all([h.store.refresh(), h.store.refresh()]);
      await h.run(INTERVAL * 3);
      assert.equal(api.count('list'), 1);
      assert.equal(api.maxInFlight, 1);
      api.release('list');
      await both;
    });

    it('honours Retry-After before the next request', async () => {
      const api = new FakeTasksApi();
      seed(api, 2, 1);
      const h = start(FakeConnection.to(api));
      await h.run(0);
      api.failures.list.push(new RateLimitError(30_000));
      await h.run(INTERVAL);
      assert.match(h.store.status().problem ?? '', /rate limiting/);
      api.clearCalls();
      await h.run(29_000);
      assert.equal(api.count(), 0);
      await h.store.refresh();
      assert.equal(api.count(), 0, 'a manual refresh waits too');
      await h.run(1_500);
      assert.equal(api.count('list'), 1);
      assert.equal(h.store.status().problem, undefined);
    });
  });

  describe('failures', () => {
    it('shows a background failure in the status, never throws, and backs off', async () => {
      const api = new FakeTasksApi();
      seed(api, 2, 1);
      const h = start(FakeConnection.to(api));
      api.failures.list.push(new NetworkError());
      await h.run(0);
      assert.equal(h.store.status().state, 'unreachable');
      assert.match(h.store.status().problem ?? '', /Cannot reach/);
      api.clearCalls();
      await h.run(9_000);
      assert.equal(api.count('list'), 0, 'the second attempt waits longer than the interval');
      await h.run(INTERVAL);
      assert.equal(api.count('list'), 1);
      assert.equal(h.store.status().state, 'ready');
    });

    it('keeps showing known tasks when a later refresh fails', async () => {
      const api = new FakeTasksApi();
      seed(api, 2, 1);
      const h = start(FakeConnection.to(api));
      await h.run(0);
      api.failures.list.push(new NetworkError());
      await h.run(INTERVAL);
      assert.equal(h.store.status().state, 'ready');
      assert.match(h.store.status().problem ?? '', /Showing the last known tasks/);
      assert.equal(h.store.tasks().length, 2);
    });

    it('stops refreshing after a refused key and says to set one; a manual refresh tries again', async () => {
      const api = new FakeTasksApi();
      seed(api, 2, 1);
      const h = start(FakeConnection.to(api));
      api.failures.list.push(new AuthError());
      await h.run(0);
      assert.equal(h.store.status().state, 'noKey');
      assert.match(h.store.status().problem ?? '', /Set API Key/);
      api.clearCalls();
      await h.run(60_000, 5_000);
      assert.equal(api.count(), 0);
      await h.store.refresh();
      assert.equal(api.count('list'), 1);
      assert.equal(h.store.status().state, 'ready');
    });
  });

  describe('updates from elsewhere', () => {
    it('applies a status from a log stream at once; an older list answer does not undo it', async () => {
      const api = new FakeTasksApi();
      const [running] = seed(api, 2, 1);
      const h = start(FakeConnection.to(api));
      await h.run(0);
      const changes: TaskStoreChange[] = [];
      h.store.onDidChange((change) => changes.push(change));
      api.hold('list');
      await h.run(INTERVAL);
      h.store.applyStatus(running.id, 'completed', 'completed');
      assert.equal(statusOf(h, running.id), 'completed');
      assert.deepEqual(changes, [{ ids: [running.id] }]);
      api.release('list');
      await h.run(0);
      assert.equal(statusOf(h, running.id), 'completed');
      assert.deepEqual(h.finished, [[running.id]]);
    });

    it('never moves a finished v1 run back to running', async () => {
      const api = new FakeTasksApi();
      const [task] = seed(api, 1);
      const h = start(FakeConnection.to(api));
      await h.run(0);
      api.setStatus(task.id, 'running');
      await h.run(60_000, 5_000);
      assert.equal(statusOf(h, task.id), 'completed');
    });

    it('lets a continued Cloud task run again', async () => {
      const api = new FakeTasksApi('cloud');
      api.add(aTask({ api: 'cloud', id: 'c1', status: 'completed', prompt: 'Cloud' }));
      const h = start(FakeConnection.to(api));
      await h.run(0);
      h.store.upsert({ ...h.store.get('c1')!, status: 'queued', rawStatus: 'pending' });
      assert.equal(statusOf(h, 'c1'), 'queued');
      api.setStatus('c1', 'completed');
      await h.run(INTERVAL);
      assert.deepEqual(h.finished, [['c1']]);
    });

    it('shows a task created here with its prompt, first in line, without fetching details', async () => {
      const api = new FakeTasksApi();
      seed(api, 3);
      const h = start(FakeConnection.to(api));
      await h.run(0);
      h.store.upsert({
        id: 'new-run',
        api: 'agent',
        status: 'queued',
        rawStatus: 'queued',
        prompt: 'Created here',
        threadId: 'chat-new',
      });
      assert.equal(h.store.get('new-run')?.prompt, 'Created here');
      assert.ok(h.store.get('new-run')?.createdAt !== undefined);
      assert.equal(h.store.needsDetails('new-run'), false);
      // The list had only finished tasks (the next check a minute away): an active one brings it to the active interval.
      await h.run(INTERVAL);
      assert.equal(api.count('list'), 2, 'the list is checked again at the active interval');
      assert.equal(api.count('get'), 0, 'no details fetched');
    });

    it('marks a cancel under way until the task is terminal', async () => {
      const api = new FakeTasksApi();
      const [running] = seed(api, 1, 1);
      const h = start(FakeConnection.to(api));
      await h.run(0);
      h.store.setPendingCancel(running.id, true);
      assert.equal(h.store.isPendingCancel(running.id), true);
      api.setStatus(running.id, 'cancelled');
      await h.run(INTERVAL);
      assert.equal(h.store.isPendingCancel(running.id), false);
    });
  });

  describe('paging', () => {
    it('loads page after page up to the last task, then has no more', async () => {
      const api = new FakeTasksApi();
      const all = seed(api, 23);
      const h = start(FakeConnection.to(api), { pageSize: 10 });
      await h.run(0);
      assert.equal(h.store.tasks().length, 10);
      assert.equal(h.store.status().hasMore, true);
      await Promise.all([h.store.loadMore(), h.store.loadMore()]);
      assert.equal(api.count('list'), 2, 'a second Load more while one runs joins it');
      await h.store.loadMore();
      assert.equal(h.store.tasks().length, 23);
      assert.equal(h.store.status().hasMore, false);
      assert.ok(h.store.get(all[22].id));
      await h.store.loadMore();
      assert.equal(api.count('list'), 3);
    });

    it('pages the Cloud API by offset', async () => {
      const api = new FakeTasksApi('cloud');
      api.add(...Array.from({ length: 7 }, () => aTask({ api: 'cloud', prompt: 'c' })));
      const h = start(FakeConnection.to(api), { pageSize: 5 });
      await h.run(0);
      await h.store.loadMore();
      assert.deepEqual(api.calls[1]?.options?.cursor, { offset: 5 });
      assert.equal(h.store.tasks().length, 7);
    });
  });

  describe('details', () => {
    it('fetches details of drawn v1 rows lazily, at most three at a time, and fills the label', async () => {
      const api = new FakeTasksApi();
      const tasks = seed(api, 8);
      const h = start(FakeConnection.to(api));
      await h.run(0);
      assert.equal(h.store.get(tasks[0].id)?.prompt, undefined, 'the v1 list has no prompt');
      assert.equal(api.count('get'), 0, 'nothing is fetched before rows are drawn');
      api.hold('get');
      h.store.requestDetails(tasks.map((t) => t.id));
      await settle();
      assert.equal(api.inFlight, 3);
      api.release('get');
      await h.run(0);
      assert.equal(api.count('get'), 8);
      assert.equal(api.maxInFlight, 3);
      assert.equal(h.store.get(tasks[0].id)?.prompt, 'Task number 0');
      h.store.requestDetails(tasks.map((t) => t.id));
      await h.run(0);
      assert.equal(api.count('get'), 8, 'a finished task’s details are never fetched again');
    });

    it('removes a task whose details answer 404', async () => {
      const api = new FakeTasksApi();
      const [task] = seed(api, 2);
      const h = start(FakeConnection.to(api));
      await h.run(0);
      api.failures.get.push(new NotFoundError());
      h.store.requestDetails([task.id]);
      await h.run(0);
      assert.equal(h.store.get(task.id), undefined);
    });

    it('fetches a v1 run’s final details when it finishes, for the branch the agent pushed', async () => {
      const api = new FakeTasksApi();
      const [running] = seed(api, 1, 1);
      const h = start(FakeConnection.to(api));
      await h.run(0);
      api.setStatus(running.id, 'completed');
      api.detailsOf.set(running.id, {
        prompt: 'p',
        repoUrl: 'https://github.com/o/r.git',
        createdBranch: 'blackbox/x',
      });
      await h.run(INTERVAL);
      await h.store.ensureDetails([running.id], 1_000);
      assert.equal(h.store.get(running.id)?.createdBranch, 'blackbox/x');
    });
  });

  describe('persisted snapshot', () => {
    it('draws the last known tasks at once on the next start, marked stale until the first answer lands', async () => {
      const storage = new MemoryStorage();
      const api = new FakeTasksApi();
      const tasks = seed(api, 3, 1);
      const first = start(FakeConnection.to(api), { storage });
      await first.run(0);
      first.store.requestDetails(tasks.map((t) => t.id));
      await first.run(2_000);
      assert.ok(storage.saves >= 1);
      first.store.dispose();

      api.clearCalls();
      api.hold('list');
      const second = start(FakeConnection.to(api), { storage });
      await second.run(0);
      assert.equal(api.count('list'), 1, 'the refresh is on its way…');
      assert.equal(second.store.tasks().length, 3, '…and the cached tasks are already there');
      assert.equal(second.store.status().stale, true);
      assert.equal(second.store.get(tasks[0].id)?.prompt, 'Task number 0', 'with their cached prompts');
      api.release('list');
      await second.run(0);
      assert.equal(second.store.status().stale, false);
      assert.equal(api.count('get'), 0, 'cached details are not fetched again');
    });

    it('keeps snapshots of different APIs apart', async () => {
      const storage = new MemoryStorage();
      const agent = new FakeTasksApi('agent', 'https://same.example');
      seed(agent, 2);
      const first = start(FakeConnection.to(agent), { storage });
      await first.run(2_000);
      first.store.dispose();
      const cloud = new FakeTasksApi('cloud', 'https://same.example');
      cloud.hold('list');
      const second = start(FakeConnection.to(cloud), { storage });
      await second.run(0);
      assert.equal(second.store.tasks().length, 0);
      cloud.release('list');
    });

    /** A first run that saves `api`'s tasks for `accountKey`, so a later start has them as the latest snapshot. */
    async function saveFor(storage: MemoryStorage, api: FakeTasksApi, accountKey: string): Promise<void> {
      const first = start(FakeConnection.to(api, accountKey), { storage });
      await first.run(2_000);
      first.store.dispose();
      assert.equal(storage.latest, accountKey);
    }

    it('draws the latest snapshot while the key is still being read, and keeps it without a flash when the account is the same', async () => {
      const storage = new MemoryStorage();
      const api = new FakeTasksApi();
      const tasks = seed(api, 3);
      await saveFor(storage, api, 'agent https://agent.example aaaa1111');
      api.clearCalls();
      api.hold('list');
      storage.loads = 0;
      const connection = new FakeConnection({ kind: 'pending' });
      const h = start(connection, { storage });
      await h.run(0);
      assert.equal(h.store.tasks().length, 3, 'drawn before the key is known');
      assert.equal(h.store.status().stale, true);
      assert.equal(api.count(), 0, 'nothing is asked of the API without a key');
      const counts: number[] = [];
      h.store.onDidChange(() => counts.push(h.store.tasks().length));
      connection.set({ kind: 'connected', connection: { api, accountKey: 'agent https://agent.example aaaa1111' } });
      assert.deepEqual(counts, [3], 'the tree is never emptied in between');
      assert.equal(h.store.status().stale, true);
      await h.run(0);
      assert.equal(storage.loads, 0, 'the snapshot already read is not read again');
      api.release('list');
      await h.run(0);
      assert.equal(h.store.status().stale, false);
      assert.deepEqual(
        h.store
          .tasks()
          .map((task) => task.id)
          .sort(),
        tasks.map((task) => task.id).sort(),
      );
    });

    it('drops the latest snapshot as soon as the key turns out to be another account’s, and draws that account’s own', async () => {
      const storage = new MemoryStorage();
      const mine = new FakeTasksApi('agent', 'https://agent.example');
      mine.add(aTask({ id: 'mine-1', prompt: 'My task' }));
      const other = new FakeTasksApi('agent', 'https://agent.example');
      other.add(aTask({ id: 'other-1', prompt: 'Someone else’s task' }));
      await saveFor(storage, mine, 'agent https://agent.example mine0000');
      await saveFor(storage, other, 'agent https://agent.example other000');
      mine.hold('list');
      storage.loads = 0;
      const connection = new FakeConnection({ kind: 'pending' });
      const h = start(connection, { storage });
      await h.run(0);
      assert.deepEqual(
        h.store.tasks().map((task) => task.id),
        ['other-1'],
        'the latest snapshot, before the key is known',
      );
      const seen: string[][] = [];
      h.store.onDidChange(() => seen.push(h.store.tasks().map((task) => task.id)));
      connection.set({
        kind: 'connected',
        connection: { api: mine, accountKey: 'agent https://agent.example mine0000' },
      });
      assert.equal(h.store.get('other-1'), undefined, 'gone the moment the account is known');
      await h.run(0);
      assert.ok(seen.length > 0 && seen.every((ids) => !ids.includes('other-1')), 'never shown again');
      assert.equal(storage.loads, 1, 'this account’s snapshot is read instead…');
      assert.deepEqual(
        h.store.tasks().map((task) => task.id),
        ['mine-1'],
        '…and drawn',
      );
      assert.equal(h.store.status().stale, true);
      mine.release('list');
    });

    it('never draws the latest snapshot once the key, read first, turned out to be another account’s', async () => {
      const storage = new MemoryStorage();
      const api = new FakeTasksApi();
      seed(api, 2);
      await saveFor(storage, api, 'agent https://agent.example aaaa1111');
      storage.hold();
      const connection = new FakeConnection({ kind: 'pending' });
      const h = start(connection, { storage });
      await h.run(0);
      connection.set({
        kind: 'connected',
        connection: { api: new FakeTasksApi(), accountKey: 'agent https://agent.example bbbb2222' },
      });
      storage.release();
      await h.run(0);
      assert.equal(h.store.tasks().length, 0);
    });

    it('after signing out, the next start draws nothing before its key is read', async () => {
      const storage = new MemoryStorage();
      const api = new FakeTasksApi();
      seed(api, 2);
      await saveFor(storage, api, 'agent https://agent.example aaaa1111');
      const connection = new FakeConnection({ kind: 'pending' });
      const h = start(connection, { storage });
      await h.run(0);
      assert.equal(h.store.tasks().length, 2);
      connection.set({ kind: 'none' });
      assert.equal(h.store.tasks().length, 0);
      assert.equal(h.store.status().state, 'noKey');
      await h.run(0);
      assert.equal(storage.latest, undefined);
    });

    it('never reports tasks that were only active in the snapshot as finished', async () => {
      const storage = new MemoryStorage();
      const api = new FakeTasksApi();
      const [running] = seed(api, 2, 1);
      const first = start(FakeConnection.to(api), { storage });
      await first.run(2_000);
      first.store.dispose();
      api.setStatus(running.id, 'completed');
      api.clearCalls();
      api.hold('list');
      const second = start(FakeConnection.to(api), { storage, visible: false });
      await second.run(0);
      assert.equal(second.store.get(running.id)?.status, 'running', 'drawn from the snapshot');
      assert.equal(api.count('list'), 1, 'a hidden view still checks on tasks the snapshot shows running');
      api.release('list');
      await second.run(0);
      assert.equal(second.store.get(running.id)?.status, 'completed');
      assert.deepEqual(second.finished, []);
    });
  });
});
