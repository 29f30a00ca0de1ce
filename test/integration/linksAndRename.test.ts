import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RenameTaskResult } from '../../src/commands/renameTask';

import type { Emulator, RecordedRequest } from '../emulator/emulator';
import { useGitFixture } from './gitFixtures';
import { clearKey, EXTENSION_ID, logChannel, setKey, useEmulator, waitUntil } from './harness';
import { type TasksViewSnapshot, type TreeRowSnapshot, readTasksView } from './tasksViewSpy';

const REMOTE = 'https://github.com/blackbox-demo/links-fixture.git';

function link(pathAndQuery: string): vscode.Uri {
  return vscode.Uri.parse(`vscode://${EXTENSION_ID}${pathAndQuery}`);
}

function writes(emulator: Emulator): RecordedRequest[] {
  return emulator.requests.filter((request) => request.method !== 'GET');
}

function rows(snapshot: TasksViewSnapshot): TreeRowSnapshot[] {
  const found: TreeRowSnapshot[] = [];
  const visit = (row: TreeRowSnapshot): void => {
    found.push(row);
    row.children.forEach(visit);
  };
  for (const group of snapshot.groups) group.rows.forEach(visit);
  return found;
}

describe('links into the editor (URI handler)', function () {
  this.timeout(60_000);
  const suite = useEmulator();
  useGitFixture(suite, 'links-fixture', REMOTE);
  beforeEach(async () => {
    await setKey(suite.emulator.keys.agent);
  });

  it('/task?id=… reveals a task the view has not loaded yet and opens its log', async () => {
    const id = suite.emulator.addTask({ api: 'agent', prompt: 'Linked task', status: 'completed', repoUrl: REMOTE }).id;
    assert.equal(suite.api.store.get(id), undefined);
    const outcome = await suite.api.uriHandler.handleUri(link(`/task?id=${id}`));
    assert.deepEqual(outcome, { outcome: 'shown', taskId: id });
    assert.equal(suite.api.store.get(id)?.prompt, 'Linked task');
    assert.ok(logChannel({ id, prompt: 'Linked task' }), 'the log channel is open');
  });

  it('refuses bad links with a message saying why, and sends nothing', async () => {
    const cases: [string, RegExp][] = [
      ['/task', /names no task: it needs \?id=<task id>/],
      ['/task?id=..%2F..%2Fetc', /names no valid task id \("\.\.\/\.\.\/etc"\)/],
      ['/task?id=00000000-0000-4000-8000-00000000beef', /was not found for the current API key/],
      ['/delete?id=abc', /This BLACKBOX link is not understood \(\/delete\)/],
      [`/create?prompt=${'x'.repeat(20_001)}`, /too long \(20001 characters; at most 20000\)/],
    ];
    for (const [path, expected] of cases) {
      const outcome = await suite.api.uriHandler.handleUri(link(path));
      assert.equal(outcome.outcome, 'refused', path);
      assert.match(outcome.outcome === 'refused' ? outcome.message : '', expected, path);
    }
    assert.deepEqual(writes(suite.emulator), []);
  });

  it('/task without a key says a key is needed', async () => {
    await clearKey();
    const outcome = await suite.api.uriHandler.handleUri(link('/task?id=abc'));
    assert.deepEqual(outcome, { outcome: 'refused', message: 'No API key is set.' });
  });

  it('/create?prompt=… opens Create Task with the prompt prefilled and never sends it by itself', async () => {
    const pending = suite.api.uriHandler.handleUri(
      link('/create?prompt=Document%20the%20API%0A%0A-%20every%20endpoint'),
    );
    // Two repositories are open (the workspace's and the fixture): pick "No repository", the last item.
    await waitUntil(
      async () => {
        await vscode.commands.executeCommand('quickInput.last');
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        return vscode.workspace.textDocuments.find(
          (document) => document.isUntitled && document.languageId === 'markdown' && !document.isClosed,
        );
      },
      { what: 'the prompt editor', intervalMs: 300 },
    ).then(async (document) => {
      assert.equal(document.getText(), 'Document the API\n\n- every endpoint');
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });
    const outcome = await pending;
    assert.equal(outcome.outcome, 'create');
    assert.equal(outcome.outcome === 'create' ? outcome.result?.outcome : undefined, 'cancelled');
    assert.deepEqual(writes(suite.emulator), []);
  });
});

describe('Rename Task…', function () {
  this.timeout(60_000);
  const suite = useEmulator();

  async function rename(argument: Record<string, unknown>): Promise<RenameTaskResult> {
    return await vscode.commands.executeCommand<RenameTaskResult>('blackboxTasks.renameTask', argument);
  }

  it('renames an Agent API chat (PATCH {title} on its latest run) and the row shows the title at once', async () => {
    await setKey(suite.emulator.keys.agent);
    const first = suite.emulator.addTask({
      api: 'agent',
      prompt: 'Add a health check',
      status: 'completed',
      chatId: 'chat-rename',
      createdAgoMs: 120_000,
    }).id;
    const latest = suite.emulator.addTask({
      api: 'agent',
      prompt: 'Also a readiness probe',
      status: 'completed',
      chatId: 'chat-rename',
      previousRunId: first,
      createdAgoMs: 60_000,
    }).id;
    await suite.api.store.refresh();
    await waitUntil(() => suite.api.store.get(latest) && suite.api.store.get(first), { what: 'both runs listed' });

    const result = await rename({ taskId: first, title: '  Health endpoints  ' });
    assert.deepEqual(result, { outcome: 'renamed', title: 'Health endpoints' });
    assert.deepEqual(
      writes(suite.emulator).map((request) => [request.method, request.path, request.body]),
      [['PATCH', `/api/v1/tasks/${latest}`, { title: 'Health endpoints' }]],
    );
    const row = await waitUntil(() => rows(readTasksView(suite.api)).find((candidate) => candidate.taskId === latest), {
      what: 'the chat row',
    });
    assert.equal(row.label, 'Health endpoints');
    assert.match(row.contextValue, /\brenamable\b/);
    assert.equal(suite.api.store.get(first)?.title, 'Health endpoints');
  });

  it('refuses an empty or too long title without a request', async () => {
    await setKey(suite.emulator.keys.agent);
    const id = suite.emulator.addTask({ api: 'agent', prompt: 'Something', status: 'completed' }).id;
    await suite.api.store.refresh();
    await waitUntil(() => suite.api.store.get(id), { what: 'the task listed' });
    assert.equal((await rename({ taskId: id, title: '   ' })).outcome, 'refused');
    assert.equal((await rename({ taskId: id, title: 'x'.repeat(201) })).outcome, 'refused');
    assert.deepEqual(writes(suite.emulator), []);
  });

  it('is not offered for Cloud API tasks', async () => {
    await setKey(suite.emulator.keys.cloud);
    const id = suite.emulator.addTask({ api: 'cloud', prompt: 'Cloud work', status: 'completed' }).id;
    const result = await rename({ taskId: id, title: 'Nope' });
    assert.equal(result.outcome, 'unsupported');
    assert.match(result.message ?? '', /cannot be renamed/);
    assert.deepEqual(writes(suite.emulator), []);
  });
});
