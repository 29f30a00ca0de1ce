import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

import type { Emulator, TaskSpec } from '../emulator/emulator';
import { manyTasksScenario } from '../emulator/scenarios';
import { closeFixture, createGitFixture, git, openInGit, type GitFixture } from './gitFixtures';
import {
  clearKey,
  connectTasksView,
  setKey,
  setSetting,
  showTasksView,
  useEmulator,
  waitForContextKey,
  waitForSavedTaskList,
  waitForTree,
  waitUntil,
} from './harness';
import {
  type TasksViewSnapshot,
  type TreeRowSnapshot,
  onDidRedraw,
  readTasksView,
  recordNotices,
  setActivityOverride,
} from './tasksViewSpy';

type ApiName = 'agent' | 'cloud';

/** The integration workspace's origin (see test/runtime/runIntegration.mjs). */
const WORKSPACE_REPO = 'https://github.com/blackbox-demo/shop-api.git';
const OTHER_REPO = 'https://github.com/blackbox-demo/storefront.git';
const LATER_REPO = 'https://github.com/blackbox-demo/tree-later.git';
const INTERVAL_SECONDS = 2;

function listPath(api: ApiName): string {
  return api === 'agent' ? '/api/v1/tasks' : '/api/tasks';
}

function groupCounts(snapshot: TasksViewSnapshot): Record<string, number> {
  return Object.fromEntries(snapshot.groups.map((group) => [group.label, group.count]));
}

function rowsOf(snapshot: TasksViewSnapshot, label: string): readonly TreeRowSnapshot[] {
  return snapshot.groups.find((group) => group.label === label)?.rows ?? [];
}

function allRows(snapshot: TasksViewSnapshot): TreeRowSnapshot[] {
  const rows: TreeRowSnapshot[] = [];
  const visit = (row: TreeRowSnapshot): void => {
    rows.push(row);
    row.children.forEach(visit);
  };
  for (const group of snapshot.groups) group.rows.forEach(visit);
  return rows;
}

function groupOf(snapshot: TasksViewSnapshot, taskId: string): string | undefined {
  return snapshot.groups.find((group) => group.rows.some((row) => row.taskId === taskId))?.label;
}

function add(emulator: Emulator, api: ApiName, spec: Omit<TaskSpec, 'api'>): string {
  return emulator.addTask({ api, ...spec }).id;
}

describe('Tasks tree', () => {
  // After the harness's reset of the previous test, before this one's own setup.
  beforeEach(async () => {
    await setSetting('refreshIntervalSeconds', INTERVAL_SECONDS);
  });

  for (const apiName of ['agent', 'cloud'] as const) {
    const v1 = apiName === 'agent';
    describe(`groups and live refresh (${v1 ? 'Agent API v1' : 'Cloud API'})`, () => {
      const suite = useEmulator();
      let notices: ReturnType<typeof recordNotices>;
      before(() => {
        notices = recordNotices(suite.api);
      });
      after(() => notices.restore());

      it('groups the tasks by status in lifecycle order with their counts, labels from the prompt', async () => {
        const { emulator, api } = suite;
        add(emulator, apiName, {
          prompt: 'Add rate limiting to the API',
          status: 'running',
          repoUrl: WORKSPACE_REPO,
          createdAgoMs: 60_000,
        });
        add(emulator, apiName, { prompt: 'Queue me', status: 'queued', repoUrl: WORKSPACE_REPO, createdAgoMs: 30_000 });
        add(emulator, apiName, {
          prompt: 'Done one\nwith details',
          status: 'completed',
          repoUrl: WORKSPACE_REPO,
          createdBranch: 'blackbox/one',
          createdAgoMs: 3_600_000,
        });
        add(emulator, apiName, { prompt: 'Done two', status: 'completed', createdAgoMs: 7_200_000 });
        add(emulator, apiName, {
          prompt: 'Broken build',
          status: 'failed',
          error: 'Tests failed',
          createdAgoMs: 600_000,
        });
        add(emulator, apiName, { prompt: 'Never mind', status: 'cancelled', createdAgoMs: 900_000 });
        if (v1) add(emulator, apiName, { prompt: 'Cut short', status: 'interrupted', createdAgoMs: 1_000_000 });
        // A follow-up: v1 runs a new run in the same chat, the Cloud API appends to the task.
        const first = add(emulator, apiName, {
          prompt: 'Start the refactor',
          status: 'completed',
          createdAgoMs: 5_000_000,
          ...(v1
            ? { chatId: 'chat-refactor' }
            : { followUps: [{ prompt: 'Then finish the refactor', status: 'completed' }] }),
        });
        const followUp = v1
          ? add(emulator, apiName, {
              prompt: 'Then finish the refactor',
              status: 'completed',
              chatId: 'chat-refactor',
              previousRunId: first,
              createdAgoMs: 4_000_000,
            })
          : undefined;

        await connectTasksView(api, emulator, apiName);
        const tree = await waitForTree(
          api,
          'every label',
          (s) => s.groups.length > 0 && allRows(s).every((row) => !row.label.startsWith('Task ')),
        );
        assert.deepEqual(groupCounts(tree), {
          Running: 1,
          Queued: 1,
          Completed: 3,
          Failed: 1,
          Cancelled: 1,
          ...(v1 ? { Interrupted: 1 } : {}),
        });
        assert.deepEqual(
          tree.groups.map((group) => group.expanded),
          tree.groups.map((group) => group.label === 'Running' || group.label === 'Queued'),
          'active groups start expanded, terminal ones collapsed',
        );
        const running = rowsOf(tree, 'Running')[0];
        assert.equal(running?.label, 'Add rate limiting to the API');
        assert.equal(running?.icon, 'sync~spin');
        assert.match(running?.contextValue ?? '', /\bcancellable\b/);
        assert.equal(running?.command, 'blackboxTasks.showLogs');
        const done = rowsOf(tree, 'Completed').find((row) => row.label === 'Done one');
        assert.ok(done, 'the label is the first line of the prompt');
        assert.match(done.contextValue, /\bcontinuable\b/);
        assert.match(done.contextValue, /\bhasBranch\b/);
        assert.match(tree.statusBar ?? '', /^\$\(sync~spin\) 1 running, 1 queued$/);
        if (followUp) {
          const chat = rowsOf(tree, 'Completed').find((row) => row.taskId === followUp);
          assert.ok(chat, 'a chat is one row: its latest run');
          assert.equal(chat.label, 'Then finish the refactor');
          assert.match(chat.description, /follow-up · 2 runs/);
          assert.deepEqual(
            chat.children.map((child) => [child.taskId, child.label, child.description.split(' · ')[0]]),
            [[first, 'Start the refactor', 'run 1 of 2']],
          );
          assert.doesNotMatch(
            chat.children[0]?.contextValue ?? '',
            /\bcontinuable\b/,
            'a chat is continued from its latest run',
          );
        } else {
          const task = rowsOf(tree, 'Completed').find((row) => row.taskId === first);
          assert.match(task?.description ?? '', /1 follow-up/);
          assert.deepEqual(
            task?.children.map((child) => [child.label, child.contextValue]),
            [['Then finish the refactor', 'followUp']],
          );
        }
        await waitForContextKey('blackboxTasks.state', 'ready');
      });

      it('moves a task from Running to Completed within one refresh interval', async () => {
        const { emulator, api } = suite;
        const id = add(emulator, apiName, { prompt: 'Finish soon', status: 'running', createdAgoMs: 10_000 });
        await connectTasksView(api, emulator, apiName);
        await waitForTree(api, 'the running row', (s) => groupOf(s, id) === 'Running');
        emulator.setTaskStatus(id, 'completed');
        const changedAt = Date.now();
        await waitForTree(
          api,
          'the row in Completed',
          (s) => groupOf(s, id) === 'Completed',
          INTERVAL_SECONDS * 1000 + 3_000,
        );
        const took = Date.now() - changedAt;
        assert.ok(took <= INTERVAL_SECONDS * 1000 + 1_000, `took ${took} ms for a ${INTERVAL_SECONDS} s interval`);
      });

      it('redraws only the rows and groups a change touches, not the whole tree', async () => {
        const { emulator, api } = suite;
        const moving = add(emulator, apiName, { prompt: 'About to finish', status: 'running', createdAgoMs: 20_000 });
        const staying = add(emulator, apiName, { prompt: 'Still going', status: 'running', createdAgoMs: 30_000 });
        add(emulator, apiName, { prompt: 'Long done', status: 'completed', createdAgoMs: 90_000 });
        await connectTasksView(api, emulator, apiName);
        await waitForTree(api, 'labels', (s) => allRows(s).every((row) => !row.label.startsWith('Task ')));
        await new Promise((resolve) => setTimeout(resolve, 300));
        const redraws: (readonly string[] | undefined)[] = [];
        const subscription = onDidRedraw((ids) => redraws.push(ids));
        try {
          // What a log stream does when it sees the run finish.
          api.store.applyStatus(moving, 'completed', 'completed');
          await waitUntil(() => redraws.length > 0, { what: 'a redraw' });
          assert.deepEqual([...(redraws[0] ?? ['(whole tree)'])].sort(), ['group:completed', 'group:running']);
          assert.equal(groupOf(readTasksView(api), moving), 'Completed');

          redraws.length = 0;
          api.store.setPendingCancel(staying, true);
          await waitUntil(() => redraws.length > 0, { what: 'a redraw' });
          assert.deepEqual(redraws[0], [`task:${staying}`]);
          const row = rowsOf(readTasksView(api), 'Running').find((r) => r.taskId === staying);
          assert.match(row?.description ?? '', /^Cancelling…/);
          assert.doesNotMatch(row?.contextValue ?? '', /\bcancellable\b/);
        } finally {
          subscription.dispose();
          api.store.setPendingCancel(staying, false);
        }
      });

      it('notifies once for tasks that finish together, with the actions they support, and counts them in the badge', async () => {
        const { emulator, api } = suite;
        const withBranch = add(emulator, apiName, {
          prompt: 'Ship the feature',
          status: 'running',
          repoUrl: WORKSPACE_REPO,
          lifecycle: [
            {
              afterMs: 3_000,
              status: 'completed',
              createdBranch: 'blackbox/ship-it',
              ...(v1 ? {} : { prUrl: 'https://github.com/blackbox-demo/shop-api/pull/7' }),
            },
          ],
        });
        const failing = add(emulator, apiName, {
          prompt: 'Try something risky',
          status: 'running',
          lifecycle: [{ afterMs: 3_000, status: 'failed', error: 'It broke' }],
        });
        await connectTasksView(api, emulator, apiName);
        const notice = await waitUntil(() => notices.shown.find((n) => n.taskIds.includes(withBranch)), {
          timeoutMs: 15_000,
          what: 'a notification',
        });
        assert.deepEqual([...notice.taskIds].sort(), [withBranch, failing].sort(), 'one notification for both');
        assert.match(notice.message, /^2 BLACKBOX tasks finished \(1 completed, 1 failed\)/);
        assert.deepEqual(
          notice.actions.map((action) => [action.title, action.command, action.taskIds]),
          [
            ['Show Logs…', 'blackboxTasks.showLogs', notice.taskIds],
            ['Check Out Branch', 'blackboxTasks.checkoutBranch', [withBranch]],
            ['Apply Changes', 'blackboxTasks.applyChanges', [withBranch]],
            ...(v1 ? [] : [['Open Pull Request', 'blackboxTasks.openPullRequest', [withBranch]]]),
          ],
        );
        assert.equal(readTasksView(api).badge, 2);
        api.view.markSeen(withBranch);
        assert.equal(readTasksView(api).badge, 1);
        await vscode.commands.executeCommand('notifications.clearAll');
      });

      it('raises no notification with the setting at failures for a task that completed', async () => {
        const { emulator, api } = suite;
        await setSetting('notifications', 'failures');
        const id = add(emulator, apiName, {
          prompt: 'Quietly done',
          status: 'running',
          lifecycle: [{ afterMs: 3_000, status: 'completed' }],
        });
        await connectTasksView(api, emulator, apiName);
        await waitForTree(api, 'the task to complete', (s) => groupOf(s, id) === 'Completed', 10_000);
        await new Promise((resolve) => setTimeout(resolve, 2_500));
        assert.equal(
          notices.shown.some((n) => n.taskIds.includes(id)),
          false,
        );
        assert.equal(readTasksView(api).badge >= 1, true, 'the badge still counts it');
      });
    });

    describe(`paging (${v1 ? 'Agent API v1' : 'Cloud API'})`, () => {
      const suite = useEmulator({ scenario: manyTasksScenario({ api: apiName, count: 120 }) });

      it('pages with "Load more…" to the last task', async () => {
        const { emulator, api } = suite;
        let tree = await connectTasksView(api, emulator, apiName);
        assert.equal(api.store.tasks().length, 50);
        assert.deepEqual(
          tree.extraRows.map((row) => [row.label, row.command]),
          [['Load more…', 'blackboxTasks.loadMore']],
        );
        await vscode.commands.executeCommand('blackboxTasks.loadMore');
        await vscode.commands.executeCommand('blackboxTasks.loadMore');
        tree = await waitForTree(
          api,
          'all 120 tasks',
          (s) => (s.groups.find((g) => g.label === 'Completed')?.count ?? 0) === 120,
        );
        assert.deepEqual(tree.extraRows, [], 'no Load more row after the last page');
        const oldest = emulator.tasks(apiName).at(-1);
        assert.ok(oldest);
        assert.equal(rowsOf(tree, 'Completed').at(-1)?.taskId, oldest.id, 'the oldest task is the last row');
        const lists = emulator.requests.filter((r) => r.path === listPath(apiName));
        const pages = lists.map((r) => (v1 ? r.query.page : r.query.offset));
        assert.deepEqual(pages.slice(-2), v1 ? ['2', '3'] : ['50', '100']);
      });
    });
  }

  describe('filters (Agent API v1: repository and text need the lazily fetched details)', () => {
    const suite = useEmulator();

    it('filters by this repository, text and status, shows the filter and clears it', async () => {
      const { emulator, api } = suite;
      const ours = add(emulator, 'agent', {
        prompt: 'Fix login redirect',
        status: 'completed',
        repoUrl: WORKSPACE_REPO,
        createdAgoMs: 60_000,
      });
      const theirs = add(emulator, 'agent', {
        prompt: 'Fix login styles',
        status: 'failed',
        repoUrl: OTHER_REPO,
        createdAgoMs: 120_000,
      });
      const ourFailed = add(emulator, 'agent', {
        prompt: 'Broken deploy',
        status: 'failed',
        repoUrl: WORKSPACE_REPO,
        createdAgoMs: 180_000,
      });
      await connectTasksView(api, emulator, 'agent');

      await vscode.commands.executeCommand('blackboxTasks.showRepositoryTasks');
      await waitForContextKey('blackboxTasks.scope', 'repository');
      await waitForContextKey('blackboxTasks.filterActive', true);
      let tree = await waitForTree(api, 'only this repository', (s) => allRows(s).length === 2);
      assert.deepEqual(
        allRows(tree)
          .map((row) => row.taskId)
          .sort(),
        [ours, ourFailed].sort(),
      );
      assert.equal(tree.description, 'this repository');

      await vscode.commands.executeCommand('blackboxTasks.filterTasks', { text: 'login' });
      tree = await waitForTree(api, 'repository + text', (s) => allRows(s).length === 1);
      assert.equal(allRows(tree)[0]?.taskId, ours);
      assert.equal(tree.description, 'this repository · “login”');

      await vscode.commands.executeCommand('blackboxTasks.showAllTasks');
      await vscode.commands.executeCommand('blackboxTasks.filterTasks', { statuses: ['failed'] });
      tree = await waitForTree(
        api,
        'text + status',
        (s) => allRows(s).length === 1 && allRows(s)[0]?.taskId === theirs,
      );
      assert.equal(tree.description, '“login” · failed');

      await vscode.commands.executeCommand('blackboxTasks.filterTasks', { text: 'no such words' });
      tree = await waitForTree(api, 'a no-match row', (s) => s.groups.length === 0);
      assert.deepEqual(
        tree.extraRows.map((row) => [row.label, row.command]),
        [['No tasks match the filter (3 hidden)', 'blackboxTasks.clearFilter']],
      );

      await vscode.commands.executeCommand('blackboxTasks.clearFilter');
      await waitForContextKey('blackboxTasks.filterActive', false);
      tree = await waitForTree(api, 'everything again', (s) => allRows(s).length === 3);
      assert.equal(tree.description, undefined);
    });
  });

  describe('"this repository" follows the git extension', () => {
    const suite = useEmulator();

    it('follows the repositories: one opened later and a remote added later widen "this repository"', async function () {
      this.timeout(60_000);
      const { emulator, api } = suite;
      const ours = add(emulator, 'agent', {
        prompt: 'Ours',
        status: 'completed',
        repoUrl: WORKSPACE_REPO,
        createdAgoMs: 60_000,
      });
      const opened = add(emulator, 'agent', {
        prompt: 'In the clone opened later',
        status: 'completed',
        repoUrl: LATER_REPO,
        createdAgoMs: 120_000,
      });
      const upstream = add(emulator, 'agent', {
        prompt: 'On the remote added later',
        status: 'completed',
        repoUrl: OTHER_REPO,
        createdAgoMs: 180_000,
      });
      await connectTasksView(api, emulator, 'agent');
      await vscode.commands.executeCommand('blackboxTasks.showRepositoryTasks');
      const shown = (s: TasksViewSnapshot): string[] =>
        allRows(s)
          .map((row) => row.taskId ?? '')
          .sort();
      await waitForTree(api, 'only the workspace repository', (s) => shown(s).join() === ours);

      let fixture: GitFixture | undefined;
      try {
        fixture = createGitFixture('tree-later', LATER_REPO);
        const repository = await openInGit(api, fixture);
        await waitForTree(api, 'the opened clone counted', (s) => shown(s).join() === [ours, opened].sort().join());

        git(fixture.clone, 'remote', 'add', 'upstream', OTHER_REPO);
        await repository.refresh();
        await waitForTree(
          api,
          'the added remote counted',
          (s) => shown(s).join() === [ours, opened, upstream].sort().join(),
        );
      } finally {
        await closeFixture(fixture);
        await vscode.commands.executeCommand('blackboxTasks.clearFilter');
      }
    });
  });

  describe('reveal', () => {
    const suite = useEmulator();

    it('resolves for rows VS Code has not drawn yet: a new group, an earlier run in a collapsed group, a hidden view', async () => {
      const { emulator, api } = suite;
      const first = add(emulator, 'agent', {
        prompt: 'First run',
        status: 'completed',
        chatId: 'chat-reveal',
        createdAgoMs: 600_000,
      });
      add(emulator, 'agent', {
        prompt: 'Second run',
        status: 'completed',
        chatId: 'chat-reveal',
        previousRunId: first,
        createdAgoMs: 300_000,
      });
      await connectTasksView(api, emulator, 'agent');

      // A queued task lands in a group the tree has never drawn, and is revealed at once, as Create Task does.
      api.store.upsert({
        id: 'reveal-new',
        api: 'agent',
        status: 'queued',
        rawStatus: 'queued',
        prompt: 'Just created',
        createdAt: Date.now(),
      });
      await api.view.reveal('reveal-new');
      await api.view.reveal(first);

      await vscode.commands.executeCommand('workbench.action.closeSidebar');
      api.store.upsert({
        id: 'reveal-hidden',
        api: 'agent',
        status: 'running',
        rawStatus: 'running',
        prompt: 'While hidden',
        createdAt: Date.now(),
      });
      await api.view.reveal('reveal-hidden');
      const tree = await waitForTree(
        api,
        'both new rows drawn',
        (s) =>
          allRows(s).some((row) => row.taskId === 'reveal-hidden') &&
          allRows(s).some((row) => row.taskId === 'reveal-new'),
      );
      assert.equal(groupOf(tree, 'reveal-new'), 'Queued');
    });
  });

  describe('instant start and quiet polling (Agent API v1)', () => {
    const suite = useEmulator();

    it('draws the persisted tasks before the first answer arrives, marked stale until it lands', async () => {
      const { emulator, api } = suite;
      const id = add(emulator, 'agent', { prompt: 'Remember me', status: 'completed', createdAgoMs: 60_000 });
      const since = Date.now();
      await connectTasksView(api, emulator, 'agent');
      await waitForTree(api, 'the prompt', (s) => allRows(s).some((row) => row.label === 'Remember me'));
      // Saved after its quiet time: the list with the prompt, before the key is cleared (which drops a pending save).
      await waitForSavedTaskList(
        'the list with its prompt saved',
        (saved) => saved.savedAt >= since && saved.text.includes(id) && saved.text.includes('Remember me'),
      );

      await clearKey();
      await waitForTree(api, 'an empty tree without a key', (s) => s.state === 'noKey' && s.groups.length === 0);
      const slow = emulator.fault({ api: 'agent', method: 'GET', path: '/api/v1/tasks', kind: 'latency', ms: 3_000 });
      emulator.clearRequests();
      await setKey(emulator.keys.agent);
      const early = await waitForTree(api, 'the cached tree', (s) => s.groups.length > 0, 2_000);
      assert.equal(early.stale, true);
      assert.equal(early.description, 'cached, updating…');
      assert.equal(allRows(early).find((row) => row.taskId === id)?.label, 'Remember me', 'with the cached prompt');
      assert.equal(
        emulator.requests.filter((r) => r.path === `/api/v1/tasks/${id}`).length,
        0,
        'no details fetched again',
      );
      const fresh = await waitForTree(api, 'the first answer', (s) => !s.stale, 8_000);
      assert.equal(fresh.description, undefined);
      slow.clear();
    });

    it('makes no request while the view is hidden and the window unfocused, and catches up at once on return', async () => {
      const { emulator, api } = suite;
      add(emulator, 'agent', { prompt: 'Long running', status: 'running', createdAgoMs: 5_000 });
      await connectTasksView(api, emulator, 'agent');
      await vscode.commands.executeCommand('workbench.action.closeSidebar');
      setActivityOverride({ focused: false });
      await new Promise((resolve) => setTimeout(resolve, 300));
      emulator.clearRequests();
      await new Promise((resolve) => setTimeout(resolve, INTERVAL_SECONDS * 3 * 1000));
      assert.deepEqual(
        emulator.requests.map((r) => `${r.method} ${r.path}`),
        [],
        'no request in three intervals',
      );

      setActivityOverride(undefined);
      await vscode.commands.executeCommand('blackboxTasks.tasks.focus');
      const returnedAt = Date.now();
      await waitUntil(() => emulator.requests.some((r) => r.path === '/api/v1/tasks'), {
        timeoutMs: 3_000,
        what: 'a catch-up refresh',
      });
      assert.ok(Date.now() - returnedAt < 1_500, 'the catch-up does not wait for the next interval');
    });
  });

  describe('an API that fails from the first request (Agent API v1, nothing saved for it)', () => {
    // A key no other test uses is an account of its own, so no list saved by another test is drawn.
    const suite = useEmulator({ keys: { agent: 'sk-tree-fails-from-the-first-request' } });

    it('shows a background failure in the view instead of a notification, and recovers', async () => {
      const { emulator, api } = suite;
      const broken = emulator.fault({ api: 'agent', path: '/api/v1/tasks', kind: 'status', status: 500 });
      await setKey(emulator.keys.agent);
      await showTasksView();
      await waitForContextKey('blackboxTasks.state', 'unreachable');
      assert.match(readTasksView(api).message ?? '', /BLACKBOX API/);
      broken.clear();
      await vscode.commands.executeCommand('blackboxTasks.refresh');
      await waitForContextKey('blackboxTasks.state', 'ready');
      assert.equal(readTasksView(api).message, undefined);
    });
  });
});
