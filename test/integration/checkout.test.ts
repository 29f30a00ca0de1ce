import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { CheckoutBranchResult } from '../../src/commands/checkoutBranch';
import type { ReviewChangesResult } from '../../src/commands/reviewChanges';
import type { BlackboxTasksTestApi } from '../../src/extension';
import type { Emulator } from '../emulator/emulator';
import { git, useGitFixture } from './gitFixtures';
import { setKey, useEmulator, waitUntil } from './harness';

const REMOTE = 'https://github.com/blackbox-demo/checkout-fixture.git';

/** A finished task in the emulator whose agent pushed `branch`, known to the extension's store. */
async function seedTask(
  api: BlackboxTasksTestApi,
  emulator: Emulator,
  createdBranch: string,
  repoUrl = REMOTE,
): Promise<string> {
  const task = emulator.addTask({
    api: 'agent',
    prompt: 'Add tests for the app',
    status: 'completed',
    repoUrl,
    baseBranch: 'main',
    createdBranch,
  });
  const connection = api.session.current();
  assert.ok(connection, 'a key is set before tasks are seeded');
  const { messages: _messages, ...known } = await connection.api.get(task.id);
  assert.equal(known.createdBranch, createdBranch, 'the store learns the branch as the API reports it');
  api.store.upsert(known);
  return task.id;
}

async function run<T>(command: string, argument: Record<string, unknown>): Promise<T> {
  return await vscode.commands.executeCommand<T>(command, argument);
}

describe('Check Out Task Branch and Review Changes (git extension, local bare "GitHub")', function () {
  this.timeout(60_000);
  const suite = useEmulator();
  beforeEach(async () => {
    await setKey(suite.emulator.keys.agent);
  });
  const repo = useGitFixture(suite, 'checkout-fixture', REMOTE);

  it('checks out a branch that exists only on the remote as a new local branch tracking it', async () => {
    const tip = repo().agentPushes('blackbox/add-tests', { 'test/app.test.ts': 'test("works", () => {});\n' });
    const id = await seedTask(suite.api, suite.emulator, 'blackbox/add-tests');

    const result = await run<CheckoutBranchResult>('blackboxTasks.checkoutBranch', { taskId: id });

    assert.equal(result.outcome, 'checkedOut', result.message);
    assert.equal(result.created, true);
    assert.equal(repo().currentBranch(), 'blackbox/add-tests');
    assert.equal(git(repo().clone, 'rev-parse', 'HEAD'), tip);
    assert.equal(
      git(repo().clone, 'rev-parse', '--abbrev-ref', 'blackbox/add-tests@{upstream}'),
      'origin/blackbox/add-tests',
    );
    assert.match(result.message ?? '', /tracking origin\/blackbox\/add-tests/);
  });

  it('from the palette, offers a task whose branch is known only from its details, not yet fetched', async () => {
    repo().agentPushes('blackbox/from-palette', { 'PALETTE.md': 'picked from the palette\n' });
    const task = suite.emulator.addTask({
      api: 'agent',
      prompt: 'Picked from the palette',
      status: 'completed',
      repoUrl: REMOTE,
      baseBranch: 'main',
      createdBranch: 'blackbox/from-palette',
    });
    await suite.api.store.refresh();
    assert.equal(
      suite.api.store.get(task.id)?.createdBranch,
      undefined,
      'the Agent API list carries no branch: only the details do',
    );

    let settled: CheckoutBranchResult | undefined;
    void vscode.commands
      .executeCommand<CheckoutBranchResult>('blackboxTasks.checkoutBranch')
      .then((result) => (settled = result));
    // Enter on the task quick pick once it opens: the newest task with a branch comes first.
    await waitUntil(
      async () => {
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        return settled;
      },
      { what: 'the task quick pick to be answered', intervalMs: 200, timeoutMs: 20_000 },
    );

    assert.equal(settled?.outcome, 'checkedOut', settled?.message);
    assert.equal(repo().currentBranch(), 'blackbox/from-palette');
  });

  it('switches to an existing local branch and says when the remote has moved on', async () => {
    repo().agentPushes('blackbox/refactor', { 'src/app.ts': 'export const version = 2;\n' });
    git(repo().clone, 'fetch', '--quiet', 'origin');
    git(repo().clone, 'branch', '--quiet', '--track', 'blackbox/refactor', 'origin/blackbox/refactor');
    const localTip = git(repo().clone, 'rev-parse', 'blackbox/refactor');
    repo().agentPushes('blackbox/refactor', { 'src/app.ts': 'export const version = 3;\n' }, 'Agent follow-up');
    const id = await seedTask(suite.api, suite.emulator, 'blackbox/refactor');

    const result = await run<CheckoutBranchResult>('blackboxTasks.checkoutBranch', { taskId: id });

    assert.equal(result.outcome, 'checkedOut', result.message);
    assert.equal(result.created, false);
    assert.equal(repo().currentBranch(), 'blackbox/refactor');
    assert.equal(
      git(repo().clone, 'rev-parse', 'HEAD'),
      localTip,
      'the local branch is checked out as it is, not reset',
    );
    assert.match(result.message ?? '', /1 commit behind origin/);
  });

  it('leaves a dirty working tree intact when the user cancels', async () => {
    repo().agentPushes('blackbox/docs', { 'README.md': '# Rewritten by the agent\n' });
    const id = await seedTask(suite.api, suite.emulator, 'blackbox/docs');
    repo().write('README.md', '# My unsaved thoughts\n');

    const result = await run<CheckoutBranchResult>('blackboxTasks.checkoutBranch', { taskId: id, dirty: 'cancel' });

    assert.equal(result.outcome, 'cancelled');
    assert.equal(repo().currentBranch(), 'main');
    assert.equal(repo().read('README.md'), '# My unsaved thoughts\n');
    assert.equal(git(repo().clone, 'stash', 'list'), '');
  });

  it('stashes a dirty working tree before checking out, so nothing is lost', async () => {
    repo().agentPushes('blackbox/docs', { 'README.md': '# Rewritten by the agent\n' });
    const id = await seedTask(suite.api, suite.emulator, 'blackbox/docs');
    repo().write('README.md', '# My unsaved thoughts\n');

    const result = await run<CheckoutBranchResult>('blackboxTasks.checkoutBranch', { taskId: id, dirty: 'stash' });

    assert.equal(result.outcome, 'checkedOut', result.message);
    assert.equal(result.stashed, true);
    assert.equal(repo().currentBranch(), 'blackbox/docs');
    assert.equal(repo().read('README.md'), '# Rewritten by the agent\n');
    assert.match(git(repo().clone, 'stash', 'list'), /before checking out blackbox\/docs/);
    assert.match(git(repo().clone, 'stash', 'show', '-p'), /My unsaved thoughts/);
    assert.match(result.message ?? '', /Pop Stash/);
  });

  for (const restoreStash of [false, true]) {
    it(`when the checkout fails after stashing, names the stash and ${restoreStash ? 'restores it when asked' : 'leaves it there'}`, async () => {
      repo().agentPushes('blackbox/notes', { 'NOTES.md': '# Notes by the agent\n' });
      const id = await seedTask(suite.api, suite.emulator, 'blackbox/notes');
      repo().write('README.md', '# My unsaved thoughts\n');
      // Untracked, so not stashed: git refuses to overwrite it with the branch's file.
      repo().write('NOTES.md', '# My own notes\n');

      const result = await run<CheckoutBranchResult>('blackboxTasks.checkoutBranch', {
        taskId: id,
        dirty: 'stash',
        restoreStash,
      });

      assert.equal(result.outcome, 'failed', result.message);
      assert.equal(result.stashed, true);
      assert.equal(result.stashMessage, 'BLACKBOX: before checking out blackbox/notes');
      assert.match(result.message ?? '', /in the stash as “BLACKBOX: before checking out blackbox\/notes”/);
      assert.equal(repo().currentBranch(), 'main');
      assert.equal(repo().read('NOTES.md'), '# My own notes\n');
      if (restoreStash) {
        assert.equal(result.restored, true, result.message);
        assert.equal(repo().read('README.md'), '# My unsaved thoughts\n');
        assert.equal(git(repo().clone, 'stash', 'list'), '');
      } else {
        assert.equal(result.restored, undefined);
        assert.match(git(repo().clone, 'stash', 'list'), /before checking out blackbox\/notes/);
        assert.match(git(repo().clone, 'stash', 'show', '-p'), /My unsaved thoughts/);
      }
    });
  }

  for (const hostile of [
    '--upload-pack=touch PWNED',
    '-b',
    'main..evil',
    'evil branch',
    'refs/heads/main',
    'x\u202egnp.exe',
  ]) {
    it(`refuses the branch name ${JSON.stringify(hostile)} without running git`, async () => {
      const marker = join(tmpdir(), `blackbox-pwned-${Date.now()}`);
      const id = await seedTask(suite.api, suite.emulator, hostile.replace('PWNED', marker));
      const headBefore = git(repo().clone, 'rev-parse', 'HEAD');

      const result = await run<CheckoutBranchResult>('blackboxTasks.checkoutBranch', { taskId: id });
      const review = await run<ReviewChangesResult>('blackboxTasks.reviewChanges', { taskId: id });

      assert.equal(result.outcome, 'refused');
      assert.equal(review.outcome, 'refused');
      assert.match(result.message ?? '', /not a safe branch name .*Nothing was run/);
      assert.ok(!(result.message ?? '').includes('\u202e'), 'the message spells out direction overrides');
      assert.equal(existsSync(marker), false);
      assert.equal(repo().currentBranch(), 'main');
      assert.equal(git(repo().clone, 'rev-parse', 'HEAD'), headBefore);
    });
  }

  it('says so when no open repository has a remote for the task', async () => {
    const id = await seedTask(
      suite.api,
      suite.emulator,
      'blackbox/x',
      'git@github.com:blackbox-demo/not-cloned-here.git',
    );
    const result = await run<CheckoutBranchResult>('blackboxTasks.checkoutBranch', { taskId: id });
    assert.equal(result.outcome, 'noRepository');
    assert.match(result.message ?? '', /No open repository has a remote for blackbox-demo\/not-cloned-here/);
  });

  it('explains a branch that is not on the remote', async () => {
    const id = await seedTask(suite.api, suite.emulator, 'blackbox/never-pushed');
    const result = await run<CheckoutBranchResult>('blackboxTasks.checkoutBranch', { taskId: id });
    assert.equal(result.outcome, 'failed');
    assert.match(result.message ?? '', /"blackbox\/never-pushed" is not on origin/);
    assert.equal(repo().currentBranch(), 'main');
  });

  it('reviews the changes against the base in diff editors without checking anything out', async () => {
    const tip = repo().agentPushes('blackbox/review-me', {
      'src/app.ts': 'export const version = 2;\n',
      'src/new.ts': 'export const fresh = true;\n',
      'docs/old.md': null,
    });
    // Work that lands on main after the agent branched off is not the agent's change.
    repo().write('README.md', '# Changed on main later\n');
    repo().commit('Later work on main');
    git(repo().clone, 'push', '--quiet', 'origin', 'main');
    const mergeBase = git(repo().agent, 'rev-parse', 'origin/main~0');
    const id = await seedTask(suite.api, suite.emulator, 'blackbox/review-me');
    const headBefore = git(repo().clone, 'rev-parse', 'HEAD');

    const result = await run<ReviewChangesResult>('blackboxTasks.reviewChanges', { taskId: id });

    assert.equal(result.outcome, 'shown', result.message);
    assert.match(
      vscode.window.tabGroups.activeTabGroup.activeTab?.label ?? '',
      /^blackbox\/review-me ↔ main \(BLACKBOX task\) \(3 files\)/,
      'the multi-file diff editor is open',
    );
    assert.equal(result.rightCommit, tip);
    assert.equal(result.leftCommit, mergeBase);
    const files = [...(result.files ?? [])].sort((a, b) => a.path.localeCompare(b.path));
    assert.deepEqual(
      files.map((file) => [file.path, file.kind, Boolean(file.left), Boolean(file.right)]),
      [
        ['docs/old.md', 'deleted', true, false],
        ['src/app.ts', 'modified', true, true],
        ['src/new.ts', 'added', false, true],
      ],
    );
    const app = files.find((file) => file.path === 'src/app.ts');
    assert.ok(app?.left && app.right);
    assert.equal(
      (await vscode.workspace.openTextDocument(vscode.Uri.parse(app.left))).getText(),
      'export const version = 1;\n',
    );
    assert.equal(
      (await vscode.workspace.openTextDocument(vscode.Uri.parse(app.right))).getText(),
      'export const version = 2;\n',
    );
    assert.equal(repo().currentBranch(), 'main', 'nothing was checked out');
    assert.equal(git(repo().clone, 'rev-parse', 'HEAD'), headBefore);
  });
});
