import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

import type { BlackboxTasksTestApi } from '../../src/extension';
import { faults } from '../emulator/faults';
import type { Emulator } from '../emulator/emulator';
import { resetExtensionState, setKey, startEmulatorForTests, testApi, waitForContextKey, waitForTree } from './harness';
import { type TasksViewSnapshot, readTasksView, setActivityOverride } from './tasksViewSpy';

/**
 * The fault-matrix rows whose outcome is drawn by VS Code: what the Tasks view shows (its
 * message, its welcome state, its rows) when the API refuses the key, rate-limits, or
 * cannot be reached. The rest of the matrix is test/unit/faultMatrix.test.ts.
 */

function taskRows(snapshot: TasksViewSnapshot): number {
  return snapshot.groups.reduce((sum, group) => sum + group.rows.length, 0);
}

async function refresh(): Promise<void> {
  await vscode.commands.executeCommand('blackboxTasks.refresh');
}

describe('fault matrix (extension host)', function () {
  this.timeout(40_000);
  // A fresh emulator (so a fresh port, account and saved list) for every test: what one
  // test leaves in the cache must not draw rows in the next.
  let emulator: Emulator;
  let api: BlackboxTasksTestApi;

  beforeEach(async () => {
    api = await testApi();
    emulator = await startEmulatorForTests({ keepAliveMs: 0 });
  });

  afterEach(async () => {
    setActivityOverride(undefined);
    await resetExtensionState();
    await emulator.close();
  });

  async function connectWithTasks(): Promise<TasksViewSnapshot> {
    emulator.addTask({ api: 'agent', prompt: 'Add rate limiting', status: 'running', createdAgoMs: 60_000 });
    emulator.addTask({ api: 'agent', prompt: 'Fix the flaky test', status: 'completed', createdAgoMs: 120_000 });
    await setKey(emulator.keys.agent);
    setActivityOverride({ visible: true, focused: true });
    await refresh();
    return waitForTree(api, 'the first list', (s) => s.state === 'ready' && !s.stale && taskRows(s) === 2);
  }

  it('401 in the view: the rows stay and the view says to set the key', async () => {
    await connectWithTasks();
    emulator.fault(faults.status(401, { path: '/api/v1/tasks' }));
    await refresh();
    const shown = await waitForTree(api, 'the key problem in the view', (s) => /Set API Key/.test(s.message ?? ''));
    assert.equal(taskRows(shown), 2, 'nothing shown is lost');
    assert.equal(shown.state, 'ready');
  });

  it('401 with nothing cached: the "did not accept the API key" welcome with its Set API Key… button', async () => {
    emulator.fault(faults.status(401, { path: '/api/v1/tasks' }));
    await setKey(emulator.keys.agent);
    setActivityOverride({ visible: true, focused: true });
    await refresh();
    const shown = await waitForTree(api, 'the noKey state', (s) => s.state === 'noKey');
    assert.equal(taskRows(shown), 0);
    // The welcome content whose `when` is `blackboxTasks.hasKey && blackboxTasks.state == noKey`.
    await waitForContextKey('blackboxTasks.hasKey', true);
    await waitForContextKey('blackboxTasks.state', 'noKey');
    assert.equal(api.session.keySource, 'secret', 'the stored key is not deleted');
  });

  it('429 in the view: the rows stay and the view says when it refreshes again', async () => {
    await connectWithTasks();
    emulator.fault(faults.rateLimited(90, { path: '/api/v1/tasks' }));
    await refresh();
    const shown = await waitForTree(api, 'the rate-limit note', (s) => /rate limiting/.test(s.message ?? ''));
    assert.equal(taskRows(shown), 2);
    emulator.clearRequests();
    await refresh();
    assert.equal(
      emulator.requests.filter((r) => r.path === '/api/v1/tasks').length,
      0,
      'Refresh waits for Retry-After too',
    );
    assert.match(readTasksView(api).message ?? '', /refresh again in \d+ s/);
  });

  it('unreachable with nothing cached: the "Cannot reach" welcome (state unreachable), then Retry brings the tasks', async () => {
    emulator.addTask({ api: 'agent', prompt: 'Waiting for the network', status: 'completed' });
    emulator.fault(faults.status(503, { path: '/api/v1/tasks' }));
    await setKey(emulator.keys.agent);
    setActivityOverride({ visible: true, focused: true });
    await refresh();
    const down = await waitForTree(api, 'the unreachable state', (s) => s.state === 'unreachable');
    assert.equal(taskRows(down), 0);
    assert.match(down.message ?? '', /HTTP 503/);
    await waitForContextKey('blackboxTasks.state', 'unreachable');

    emulator.clearFaults();
    await refresh();
    await waitForTree(
      api,
      'the task after Retry',
      (s) => s.state === 'ready' && taskRows(s) === 1 && s.message === undefined,
    );
    await waitForContextKey('blackboxTasks.state', 'ready');
  });
});
