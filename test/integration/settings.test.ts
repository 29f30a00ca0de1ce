import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

import type { Emulator } from '../emulator/emulator';
import {
  clearKey,
  pointApisAt,
  resetExtensionState,
  setKey,
  startEmulatorForTests,
  testApi,
  waitForContextKey,
  waitUntil,
} from './harness';
import { type TasksViewSnapshot, readTasksView } from './tasksViewSpy';

function prompts(snapshot: TasksViewSnapshot): string[] {
  return snapshot.groups.flatMap((group) => group.rows.map((row) => row.label));
}

async function treeShowing(prompt: string): Promise<TasksViewSnapshot> {
  const api = await testApi();
  let last: TasksViewSnapshot | undefined;
  return waitUntil(
    () => {
      last = readTasksView(api);
      return last.state === 'ready' && prompts(last).includes(prompt) ? last : undefined;
    },
    {
      timeoutMs: 15_000,
      what: `the tree to show "${prompt}" (last: ${JSON.stringify(last && { state: last.state, rows: prompts(last) })})`,
    },
  );
}

describe('key and settings take effect without a reload', () => {
  let first: Emulator;
  let second: Emulator;

  before(async () => {
    second = await startEmulatorForTests({
      scenario: { name: 'second', tasks: [{ api: 'agent', prompt: 'A task on the second server', status: 'running' }] },
    });
    first = await startEmulatorForTests({
      scenario: { name: 'first', tasks: [{ api: 'agent', prompt: 'A task on the first server', status: 'running' }] },
    });
    await vscode.commands.executeCommand('blackboxTasks.tasks.focus');
  });

  afterEach(async () => {
    await resetExtensionState({ apiUrl: first.url });
  });

  after(async () => {
    await resetExtensionState();
    await Promise.all([first?.close(), second?.close()]);
  });

  it('setting and clearing the key flips the context keys, the view state and the tree', async () => {
    const api = await testApi();
    await waitForContextKey('blackboxTasks.hasKey', false);
    assert.equal(readTasksView(api).state, 'noKey');

    await setKey(first.keys.agent);
    await waitForContextKey('blackboxTasks.hasKey', true);
    await waitForContextKey('blackboxTasks.keySource', 'secret');
    await treeShowing('A task on the first server');
    await waitForContextKey('blackboxTasks.state', 'ready');

    await clearKey();
    await waitForContextKey('blackboxTasks.hasKey', false);
    await waitForContextKey('blackboxTasks.keySource', 'none');
    await waitForContextKey('blackboxTasks.state', 'noKey');
    assert.deepEqual(prompts(readTasksView(api)), [], 'tasks still listed without a key');
  });

  it('follows a change of the API URL setting at once, sending the key only to the new server', async () => {
    await setKey(first.keys.agent);
    await treeShowing('A task on the first server');
    // Both emulators accept the same demo key, so the switch alone decides where requests go.
    second.clearRequests();
    await pointApisAt(second.url);
    const snapshot = await treeShowing('A task on the second server');
    assert.ok(
      !prompts(snapshot).includes('A task on the first server'),
      `the first server's task is still listed: ${prompts(snapshot).join(', ')}`,
    );
    assert.ok(
      second.requests.some((request) => request.path === '/api/v1/tasks'),
      'the second server was not asked for the list',
    );

    first.clearRequests();
    await vscode.commands.executeCommand('blackboxTasks.refresh');
    await waitUntil(() => second.requests.filter((request) => request.path === '/api/v1/tasks').length >= 2, {
      what: 'a refresh on the second server',
    });
    assert.deepEqual(
      first.requests.map((request) => `${request.method} ${request.path}`),
      [],
      'requests still sent to the old URL',
    );
  });
});
