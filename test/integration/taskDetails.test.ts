import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TaskDetailsPanelHandle } from '../../src/adapters/view/taskDetailsPanel';
import { setKey, useEmulator, waitUntil } from './harness';
import { webviewLoads } from './webviewSpy';

describe('task details page: refreshes keep the reader’s place', function () {
  this.timeout(60_000);
  const suite = useEmulator();

  it('a refresh that brings nothing new changes nothing; new content is patched in without reloading the page', async () => {
    const { emulator, api } = suite;
    await setKey(emulator.keys.agent);
    const id = emulator.addTask({ api: 'agent', prompt: 'Keep my place while you work', status: 'running' }).id;
    const connection = api.session.current();
    assert.ok(connection);
    const { messages: _messages, ...known } = await connection.api.get(id);
    api.store.upsert(known);

    const panel = await vscode.commands.executeCommand<TaskDetailsPanelHandle | undefined>('blackboxTasks.openTask', {
      taskId: id,
    });
    assert.ok(panel, 'the command returns the panel');
    // The page's own fetches of the task: the store already knows its details and fetches none.
    const fetches = (): number =>
      emulator.requests.filter((r) => r.method === 'GET' && r.path === `/api/v1/tasks/${id}`).length;
    const before = fetches();
    try {
      await waitUntil(() => fetches() - before >= 2, { timeoutMs: 20_000, what: 'two fetches' });
      await panel.settled();
      const html = panel.html;
      await waitUntil(() => fetches() - before >= 4, { timeoutMs: 20_000, what: 'two more fetches' });
      await panel.settled();
      assert.equal(panel.html, html, 'refreshes that brought nothing new left the page as it was');
      assert.equal(webviewLoads('blackboxTasks.taskDetails'), 1, 'the page loaded once and was never reloaded');

      emulator.setTaskStatus(id, 'failed');
      await waitUntil(() => panel.details?.status === 'failed', { timeoutMs: 15_000, what: 'the failed status' });
      await panel.settled();
      assert.match(panel.html, /status-failed/);
      assert.equal(webviewLoads('blackboxTasks.taskDetails'), 1, 'new content was patched into the page, not reloaded');
    } finally {
      panel.dispose();
    }
  });
});
