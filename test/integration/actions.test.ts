import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CancelTaskResult } from '../../src/commands/cancelTask';
import type { ContinueTaskResult } from '../../src/commands/continueTask';
import type { OpenPullRequestResult } from '../../src/commands/openPullRequest';
import type { TaskDetailsPanelHandle } from '../../src/adapters/view/taskDetailsPanel';
import type { BlackboxTasksTestApi } from '../../src/extension';
import type { Emulator, RecordedRequest, TaskSpec } from '../emulator/emulator';
import { setKey, useEmulator, waitUntil } from './harness';
import { readTasksView } from './tasksViewSpy';

type ApiName = 'agent' | 'cloud';

const REPO = 'https://github.com/blackbox-demo/shop-api.git';

/** Adds a task to the emulator and puts it in the extension's store as the tree would. */
async function seedTask(
  api: BlackboxTasksTestApi,
  emulator: Emulator,
  spec: Omit<TaskSpec, 'api'> & { readonly api: ApiName },
): Promise<string> {
  const task = emulator.addTask(spec);
  const connection = api.session.current();
  assert.ok(connection, 'a key is set before tasks are seeded');
  const { messages: _messages, ...known } = await connection.api.get(task.id);
  api.store.upsert(known);
  return task.id;
}

async function run<T>(command: string, argument: Record<string, unknown>): Promise<T> {
  return await vscode.commands.executeCommand<T>(command, argument);
}

function writes(emulator: Emulator, method: string, pathEnd: string): RecordedRequest[] {
  return emulator.requests.filter((r) => r.method === method && r.path.endsWith(pathEnd));
}

for (const apiName of ['agent', 'cloud'] as const) {
  const v1 = apiName === 'agent';
  const taskPath = (id: string): string => (v1 ? `/api/v1/tasks/${id}` : `/api/tasks/${id}`);

  describe(`task actions (${v1 ? 'Agent API v1' : 'Cloud API'})`, () => {
    const suite = useEmulator();

    beforeEach(async () => {
      await setKey(v1 ? suite.emulator.keys.agent : suite.emulator.keys.cloud);
    });

    describe('Continue Task…', () => {
      it(`sends the follow-up as ${v1 ? 'prompt' : 'currentPrompt'} and links the run that follows to its task`, async () => {
        const { emulator, api } = suite;
        const id = await seedTask(api, emulator, {
          api: apiName,
          prompt: 'Add rate limiting to the orders endpoint',
          status: 'completed',
          repoUrl: REPO,
          baseBranch: 'main',
          createdBranch: 'blackbox/rate-limiting',
        });
        emulator.clearRequests();

        const result = await run<ContinueTaskResult>('blackboxTasks.continueTask', {
          taskId: id,
          prompt: 'Also cover it with tests',
        });
        assert.equal(result.outcome, 'sent', result.message);

        const sent = writes(emulator, 'POST', `${taskPath(id)}/continue`);
        assert.equal(sent.length, 1);
        assert.deepEqual(
          sent[0]?.body,
          v1 ? { prompt: 'Also cover it with tests' } : { currentPrompt: 'Also cover it with tests' },
        );

        const followingId = result.taskId ?? '';
        const following = api.store.get(followingId);
        assert.ok(following, 'the run that follows is in the store');
        if (v1) {
          const emulated = emulator.task(followingId);
          assert.notEqual(followingId, id, 'v1 continues in a new run');
          assert.equal(result.previousId, id);
          assert.equal(following.previousRunId, id);
          assert.equal(following.threadId, emulator.task(id)?.chatId, 'the new run shares the chat');
          assert.equal(emulated?.previousRunId, id);
          assert.equal(following.repoUrl, REPO, 'the run inherits what its chat knows');
        } else {
          assert.equal(followingId, id, 'a Cloud task runs again as the same task');
          assert.ok(following.status === 'queued' || following.status === 'running', `status ${following.status}`);
          assert.ok(following.followUps?.some((f) => f.prompt === 'Also cover it with tests'));
          assert.deepEqual(
            emulator.task(id)?.followUps.map((f) => f.prompt),
            ['Also cover it with tests'],
          );
        }
      });

      it('keeps the draft when sending fails (HTTP 500) and sends it once on the next attempt', async () => {
        const { emulator, api } = suite;
        const id = await seedTask(api, emulator, {
          api: apiName,
          prompt: 'Refactor the cart',
          status: 'failed',
          error: 'Tests failed',
        });
        emulator.fault({
          api: apiName,
          method: 'POST',
          path: `${taskPath(id)}/continue`,
          kind: 'status',
          status: 500,
          times: 1,
        });
        emulator.clearRequests();

        const failed = await run<ContinueTaskResult>('blackboxTasks.continueTask', {
          taskId: id,
          prompt: 'Fix the failing test first',
        });
        assert.equal(failed.outcome, 'failed');
        assert.match(failed.message ?? '', /kept as a draft/);

        const retried = await run<ContinueTaskResult>('blackboxTasks.continueTask', { taskId: id, acceptDraft: true });
        assert.equal(retried.outcome, 'sent', retried.message);
        const sent = writes(emulator, 'POST', `${taskPath(id)}/continue`);
        assert.deepEqual(
          sent.map((r) => [r.status, r.body]),
          [
            [500, v1 ? { prompt: 'Fix the failing test first' } : { currentPrompt: 'Fix the failing test first' }],
            [200, v1 ? { prompt: 'Fix the failing test first' } : { currentPrompt: 'Fix the failing test first' }],
          ],
        );

        // Once the run that follows has finished, the conversation takes a follow-up again: with no draft left.
        const following = api.store.get(retried.taskId ?? '');
        assert.ok(following);
        emulator.setTaskStatus(following.id, 'completed');
        api.store.upsert({ ...following, status: 'completed', rawStatus: 'completed' });
        const afterSuccess = await run<ContinueTaskResult>('blackboxTasks.continueTask', {
          taskId: id,
          acceptDraft: true,
        });
        assert.equal(afterSuccess.outcome, 'cancelled', 'the draft is gone once the server accepted it');
      });

      it('does not send a follow-up to a task that is still running', async () => {
        const { emulator, api } = suite;
        const id = await seedTask(api, emulator, { api: apiName, prompt: 'Long job', status: 'running' });
        emulator.clearRequests();
        const result = await run<ContinueTaskResult>('blackboxTasks.continueTask', { taskId: id, prompt: 'More' });
        assert.equal(result.outcome, 'blocked');
        assert.match(result.message ?? '', /still running/);
        assert.deepEqual(writes(emulator, 'POST', '/continue'), []);
      });
    });

    describe('Cancel Task', () => {
      it(`sends ${v1 ? "{action: 'cancel'}" : "{action: 'stop'}"}, shows Cancelling… at once, then settles on the real status`, async () => {
        const { emulator, api } = suite;
        const id = await seedTask(api, emulator, { api: apiName, prompt: 'Migrate the database', status: 'running' });
        const pendingSeen: boolean[] = [];
        const subscription = api.store.onDidChange(() => pendingSeen.push(api.store.isPendingCancel(id)));
        // Read while the server answers the cancel: the row must already say "Cancelling…".
        let pendingWhileServerAnswered: boolean | undefined;
        emulator.fault({
          api: apiName,
          method: 'PATCH',
          path: taskPath(id),
          kind: 'transform',
          times: 1,
          transform: (body) => {
            pendingWhileServerAnswered = api.store.isPendingCancel(id);
            return body;
          },
        });
        emulator.clearRequests();
        try {
          const result = await run<CancelTaskResult>('blackboxTasks.cancelTask', { taskId: id, confirm: true });
          assert.equal(result.outcome, 'cancelled', result.message);
          assert.equal(result.finalStatus, 'cancelled');
        } finally {
          subscription.dispose();
        }
        const patches = writes(emulator, 'PATCH', taskPath(id));
        assert.equal(patches.length, 1);
        assert.deepEqual(patches[0]?.body, v1 ? { action: 'cancel' } : { action: 'stop' });
        assert.equal(pendingWhileServerAnswered, true, 'the row showed Cancelling… before the server answered');
        assert.ok(pendingSeen.includes(true), 'the store announced the pending cancel to the tree');
        assert.equal(api.store.isPendingCancel(id), false, 'pending is cleared at the end');
        assert.equal(api.store.get(id)?.status, 'cancelled');
      });

      it('re-checks until the status really changes', async () => {
        const { emulator, api } = suite;
        const id = await seedTask(api, emulator, { api: apiName, prompt: 'Slow to stop', status: 'running' });
        // The server keeps reporting the task as running for two more checks after the cancel.
        const statusPath = v1 ? `${taskPath(id)}/status` : taskPath(id);
        const stillRunning = v1 ? { status: 'in_progress' } : { status: 'processing' };
        emulator.fault({
          api: apiName,
          method: 'GET',
          path: statusPath,
          kind: 'transform',
          times: 2,
          transform: (body) =>
            v1
              ? { ...(body as object), ...stillRunning }
              : { task: { ...(body as { task: object }).task, ...stillRunning } },
        });
        emulator.clearRequests();
        const result = await run<CancelTaskResult>('blackboxTasks.cancelTask', { taskId: id, confirm: true });
        assert.equal(result.outcome, 'cancelled', result.message);
        const checks = emulator.requests.filter((r) => r.method === 'GET' && r.path === statusPath);
        assert.ok(checks.length >= 3, `the status was checked ${checks.length} times; two answers still said running`);
        assert.equal(api.store.get(id)?.status, 'cancelled');
        assert.equal(api.store.isPendingCancel(id), false);
      });

      it('says plainly when the task had already finished', async () => {
        const { emulator, api } = suite;
        const id = await seedTask(api, emulator, { api: apiName, prompt: 'Almost done', status: 'running' });
        emulator.setTaskStatus(id, 'completed');
        const result = await run<CancelTaskResult>('blackboxTasks.cancelTask', { taskId: id, confirm: true });
        assert.equal(result.outcome, 'alreadyFinished', result.message);
        assert.match(result.message ?? '', /had already finished \(completed\), so there was nothing to cancel/);
        assert.equal(api.store.get(id)?.status, 'completed');
        assert.equal(api.store.isPendingCancel(id), false);
      });

      it('clears Cancelling… when the request fails', async () => {
        const { emulator, api } = suite;
        const id = await seedTask(api, emulator, { api: apiName, prompt: 'Server trouble', status: 'running' });
        emulator.fault({ api: apiName, method: 'PATCH', path: taskPath(id), kind: 'status', status: 500 });
        const result = await run<CancelTaskResult>('blackboxTasks.cancelTask', { taskId: id, confirm: true });
        assert.equal(result.outcome, 'failed');
        assert.equal(api.store.isPendingCancel(id), false);
        assert.equal(emulator.task(id)?.status, v1 ? 'running' : 'processing');
        emulator.clearFaults();
      });

      it('does not offer to cancel a finished task', async () => {
        const { emulator, api } = suite;
        const id = await seedTask(api, emulator, { api: apiName, prompt: 'Finished', status: 'completed' });
        emulator.clearRequests();
        const result = await run<CancelTaskResult>('blackboxTasks.cancelTask', { taskId: id, confirm: true });
        assert.equal(result.outcome, 'notActive');
        assert.deepEqual(writes(emulator, 'PATCH', taskPath(id)), []);
      });
      it(
        v1
          ? 'offers Cancel for a queued run, which the Agent API cancels'
          : 'offers no Cancel for a pending task, which the Cloud API cannot stop, and says why',
        async () => {
          const { emulator, api } = suite;
          const id = await seedTask(api, emulator, { api: apiName, prompt: 'Waiting in line', status: 'queued' });
          const row = await waitUntil(
            () =>
              readTasksView(api)
                .groups.flatMap((group) => group.rows)
                .find((candidate) => candidate.taskId === id),
            { what: 'the queued row' },
          );
          if (v1) assert.match(row.contextValue, /\bcancellable\b/);
          else assert.doesNotMatch(row.contextValue, /\bcancellable\b/);
          emulator.clearRequests();
          const result = await run<CancelTaskResult>('blackboxTasks.cancelTask', { taskId: id, confirm: true });
          if (v1) {
            assert.equal(result.outcome, 'cancelled', result.message);
            assert.equal(writes(emulator, 'PATCH', taskPath(id)).length, 1);
          } else {
            assert.equal(result.outcome, 'notStarted', result.message);
            assert.match(result.message ?? '', /can only stop a task while it is running/);
            assert.deepEqual(writes(emulator, 'PATCH', taskPath(id)), [], 'no request the server must refuse');
            // The emulator refuses a stop for a pending task, as the Cloud API does.
            const connection = api.session.current();
            assert.ok(connection);
            const refused = await connection.api.cancel(id, {});
            assert.equal(refused.success, false);
            assert.match(refused.message ?? '', /cannot be stopped/i);
            assert.equal(emulator.task(id)?.status, 'pending');
          }
        },
      );
    });

    describe('Open Task Details', () => {
      it('shows the conversation escaped, stores what it fetched, and refreshes only while the task is active', async () => {
        const { emulator, api } = suite;
        const hostile = 'Make <img src=x onerror="alert(1)"> safe';
        const id = await seedTask(api, emulator, {
          api: apiName,
          prompt: hostile,
          status: 'running',
          repoUrl: REPO,
          baseBranch: 'main',
        });
        const panel = await run<TaskDetailsPanelHandle | undefined>('blackboxTasks.openTask', { taskId: id });
        assert.ok(panel, 'the command returns the panel');
        try {
          await waitUntil(() => panel.details, { what: 'the details to be fetched' });
          assert.ok(
            panel.html.includes('Make &lt;img src=x onerror=&quot;alert(1)&quot;&gt; safe'),
            'the prompt is shown escaped',
          );
          assert.ok(!panel.html.includes('<img'), 'no markup from the API');
          assert.equal(panel.html.split('<script').length - 1, 1, 'no script but the page’s own');
          assert.match(panel.html, /Content-Security-Policy" content="default-src &#39;none&#39;/);
          assert.match(panel.html, /blackbox-demo\/shop-api/);
          assert.equal(api.store.get(id)?.prompt?.startsWith('Make <img'), true, 'the fetched task is stored');
          assert.equal(panel.refreshing, true, 'an active task is refreshed while its panel is visible');

          const again = await run<TaskDetailsPanelHandle | undefined>('blackboxTasks.openTask', { taskId: id });
          assert.equal(again, panel, 'one panel per task');

          emulator.setTaskStatus(id, 'failed');
          await waitUntil(() => panel.details?.status === 'failed', {
            timeoutMs: 15_000,
            what: 'the panel to refresh to failed',
          });
          await panel.settled();
          assert.equal(panel.refreshing, false, 'no refresh once the task is finished');
          const fetches = writes(emulator, 'GET', taskPath(id)).length;
          await new Promise((resolve) => setTimeout(resolve, 5_000));
          assert.equal(
            writes(emulator, 'GET', taskPath(id)).length,
            fetches,
            'nothing fetched after the task finished',
          );
        } finally {
          panel.dispose();
        }
      });
    });

    describe('Open Pull Request and Copy Task ID', () => {
      it('refuses a pull request link that is not a github.com pull request', async () => {
        const { api } = suite;
        api.store.upsert({
          id: 'pr-bad',
          api: apiName,
          status: 'completed',
          rawStatus: 'completed',
          pullRequestUrl: 'https://evil.example/pull/1',
        });
        const result = await run<OpenPullRequestResult>('blackboxTasks.openPullRequest', { taskId: 'pr-bad' });
        assert.equal(result.opened, false);
        assert.match(result.message ?? '', /not a github\.com pull request URL/);
      });

      it('copies the task id to the clipboard', async () => {
        const { emulator, api } = suite;
        const id = await seedTask(api, emulator, { api: apiName, prompt: 'Copy me', status: 'completed' });
        const copied = await run<string | undefined>('blackboxTasks.copyTaskId', { taskId: id });
        assert.equal(copied, id);
        assert.equal(await vscode.env.clipboard.readText(), id);
      });
    });
  });
}
