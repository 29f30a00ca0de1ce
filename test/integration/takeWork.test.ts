import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { AddReviewCommentResult } from '../../src/commands/addReviewComment';
import type { ApplyChangesResult } from '../../src/commands/applyChanges';
import type { ReviewChangesResult } from '../../src/commands/reviewChanges';
import type { SecondOpinionResult } from '../../src/commands/reviewWithAnotherAgent';
import type { SendReviewResult } from '../../src/commands/sendReview';
import type { UndoApplyResult } from '../../src/commands/undoApply';
import type { BlackboxTasksTestApi } from '../../src/extension';
import type { Emulator } from '../emulator/emulator';
import { git, useGitFixture } from './gitFixtures';
import { setKey, useEmulator, waitUntil } from './harness';

const REMOTE = 'https://github.com/blackbox-demo/take-fixture.git';

async function seedTask(
  api: BlackboxTasksTestApi,
  emulator: Emulator,
  createdBranch: string,
  apiName: 'agent' | 'cloud' = 'agent',
): Promise<string> {
  const task = emulator.addTask({
    api: apiName,
    prompt: `Work on ${createdBranch}`,
    status: 'completed',
    repoUrl: REMOTE,
    baseBranch: 'main',
    createdBranch,
  });
  const connection = api.session.current();
  assert.ok(connection, 'a key is set before tasks are seeded');
  const { messages: _messages, ...known } = await connection.api.get(task.id);
  api.store.upsert(known);
  return task.id;
}

async function run<T>(command: string, argument?: Record<string, unknown>): Promise<T> {
  return await vscode.commands.executeCommand<T>(command, argument);
}

describe('Take the agent’s work: Apply Changes, Undo Apply, review comments, second opinion', function () {
  this.timeout(60_000);
  const suite = useEmulator();
  beforeEach(async () => {
    await setKey(suite.emulator.keys.agent);
  });
  const repo = useGitFixture(suite, 'take-fixture', REMOTE);
  /** `git status --porcelain`, each line trimmed (the helper trims the first line's leading space). */
  const status = (): string =>
    git(repo().clone, 'status', '--porcelain', '--untracked-files=all')
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .join('\n');
  const staged = (): string => git(repo().clone, 'diff', '--cached', '--name-only');

  /** The agent modifies src/app.ts, adds src/new.ts and deletes docs/old.md. */
  async function agentTask(branch = 'blackbox/take-all'): Promise<string> {
    repo().agentPushes(branch, {
      'src/app.ts': 'export const version = 2;\n',
      'src/new.ts': 'export const fresh = true;\n',
      'docs/old.md': null,
    });
    return seedTask(suite.api, suite.emulator, branch);
  }

  describe('Apply Changes', () => {
    it('applies every file by default to the working tree: HEAD stays, nothing is staged or committed', async () => {
      const id = await agentTask();
      const head = git(repo().clone, 'rev-parse', 'HEAD');

      let settled: ApplyChangesResult | undefined;
      void vscode.commands
        .executeCommand<ApplyChangesResult>('blackboxTasks.applyChanges', { taskId: id })
        .then((result) => (settled = result));
      // The multi-select pick opens with every file selected: accepting it applies them all.
      await waitUntil(
        async () => {
          await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
          return settled;
        },
        { what: 'the file pick to be accepted', intervalMs: 300, timeoutMs: 20_000 },
      );

      assert.equal(settled?.outcome, 'applied', settled?.message);
      assert.deepEqual([...(settled?.applied ?? [])].sort(), ['docs/old.md', 'src/app.ts', 'src/new.ts']);
      assert.equal(repo().read('src/app.ts'), 'export const version = 2;\n');
      assert.equal(repo().read('src/new.ts'), 'export const fresh = true;\n');
      assert.equal(existsSync(join(repo().clone, 'docs/old.md')), false);
      assert.equal(repo().currentBranch(), 'main');
      assert.equal(git(repo().clone, 'rev-parse', 'HEAD'), head);
      assert.equal(staged(), '', 'nothing is staged');
      assert.equal(status(), ['D docs/old.md', 'M src/app.ts', '?? src/new.ts'].join('\n'));
    });

    it('applies only the files picked; the others are left alone', async () => {
      const id = await agentTask();
      const result = await run<ApplyChangesResult>('blackboxTasks.applyChanges', {
        taskId: id,
        files: ['src/new.ts'],
      });
      assert.equal(result.outcome, 'applied', result.message);
      assert.deepEqual(result.applied, ['src/new.ts']);
      assert.deepEqual([...(result.skipped ?? [])].sort(), ['docs/old.md', 'src/app.ts']);
      assert.equal(status(), '?? src/new.ts');
    });

    describe('onto a working tree with local edits to a file it touches', () => {
      const mine = 'export const version = 1;\nexport const mine = true;\n';

      it('cancel: nothing changes', async () => {
        const id = await agentTask();
        repo().write('src/app.ts', mine);
        const result = await run<ApplyChangesResult>('blackboxTasks.applyChanges', {
          taskId: id,
          files: 'all',
          onDirty: 'cancel',
        });
        assert.equal(result.outcome, 'cancelled');
        assert.equal(repo().read('src/app.ts'), mine);
        assert.equal(status(), 'M src/app.ts');
      });

      it('skip: those files keep your edits, the rest is applied', async () => {
        const id = await agentTask();
        repo().write('src/app.ts', mine);
        const result = await run<ApplyChangesResult>('blackboxTasks.applyChanges', {
          taskId: id,
          files: 'all',
          onDirty: 'skip',
        });
        assert.equal(result.outcome, 'applied', result.message);
        assert.ok(result.skipped?.includes('src/app.ts'));
        assert.equal(repo().read('src/app.ts'), mine);
        assert.equal(repo().read('src/new.ts'), 'export const fresh = true;\n');
        assert.equal(existsSync(join(repo().clone, 'docs/old.md')), false);
      });

      it('markers: edits merge where they do not overlap, and overlapping ones get conflict markers', async () => {
        // Changes on neighbouring lines overlap (as in git): a blank line keeps the header apart.
        const base = ['// header', '', 'export const a = 1;', '', 'export const b = 1;', ''].join('\n');
        repo().write('src/lib.ts', base);
        repo().commit('Add lib');
        git(repo().clone, 'push', '--quiet', 'origin', 'main');
        repo().agentPushes('blackbox/lib', {
          'src/lib.ts': base.replace('a = 1', 'a = 2').replace('b = 1', 'b = 2'),
          'src/app.ts': 'export const version = 2;\n',
        });
        const id = await seedTask(suite.api, suite.emulator, 'blackbox/lib');
        repo().write('src/lib.ts', base.replace('// header', '// my header').replace('b = 1', 'b = 3'));

        const result = await run<ApplyChangesResult>('blackboxTasks.applyChanges', {
          taskId: id,
          files: 'all',
          onDirty: 'markers',
        });

        assert.equal(result.outcome, 'applied', result.message);
        assert.deepEqual(result.withMarkers, ['src/lib.ts']);
        assert.equal(
          repo().read('src/lib.ts'),
          [
            '// my header',
            '',
            'export const a = 2;',
            '',
            '<<<<<<< yours (working tree)',
            'export const b = 3;',
            '=======',
            'export const b = 2;',
            '>>>>>>> agent (blackbox/lib)',
            '',
          ].join('\n'),
        );
        assert.equal(repo().read('src/app.ts'), 'export const version = 2;\n');
        assert.equal(staged(), '');
      });
    });

    it('leaves a file whose change does not apply cleanly as it is, and lists it', async () => {
      const id = await agentTask();
      // Committed work on main that clashes with the agent's: the tree is clean, HEAD moved on.
      repo().write('src/app.ts', 'export const version = 99;\n');
      repo().commit('My own version bump');

      const result = await run<ApplyChangesResult>('blackboxTasks.applyChanges', { taskId: id, files: 'all' });
      assert.equal(result.outcome, 'applied', result.message);
      assert.deepEqual(result.conflicts, [{ path: 'src/app.ts', reason: 'overlapping' }]);
      assert.equal(repo().read('src/app.ts'), 'export const version = 99;\n', 'not half-applied');
      assert.deepEqual([...(result.applied ?? [])].sort(), ['docs/old.md', 'src/new.ts']);
      assert.match(result.message ?? '', /do not apply cleanly: src\/app\.ts/);
    });

    it('applies the work of two tasks in turn, and Undo Apply takes back the latest first', async () => {
      repo().agentPushes('blackbox/first', { 'src/first.ts': 'first\n', 'src/app.ts': 'export const version = 2;\n' });
      repo().agentPushes('blackbox/second', { 'src/second.ts': 'second\n', 'README.md': '# By the second agent\n' });
      const first = await seedTask(suite.api, suite.emulator, 'blackbox/first');
      const second = await seedTask(suite.api, suite.emulator, 'blackbox/second');
      const readme = repo().read('README.md');

      assert.equal(
        (await run<ApplyChangesResult>('blackboxTasks.applyChanges', { taskId: first, files: 'all' })).outcome,
        'applied',
      );
      assert.equal(
        (await run<ApplyChangesResult>('blackboxTasks.applyChanges', { taskId: second, files: 'all' })).outcome,
        'applied',
      );
      assert.equal(repo().read('src/first.ts'), 'first\n');
      assert.equal(repo().read('src/second.ts'), 'second\n');
      assert.equal(repo().read('README.md'), '# By the second agent\n');

      const undoSecond = await run<UndoApplyResult>('blackboxTasks.undoApply', { repository: repo().clone });
      assert.equal(undoSecond.outcome, 'undone', undoSecond.message);
      assert.equal(existsSync(join(repo().clone, 'src/second.ts')), false);
      assert.equal(repo().read('README.md'), readme);
      assert.equal(repo().read('src/first.ts'), 'first\n');

      const undoFirst = await run<UndoApplyResult>('blackboxTasks.undoApply', { repository: repo().clone });
      assert.equal(undoFirst.outcome, 'undone', undoFirst.message);
      assert.equal(status(), '', 'the working tree is as it was before both applies');
    });

    it('Undo Apply restores exactly the state before, and does not overwrite later edits silently', async () => {
      const id = await agentTask();
      repo().write('README.md', '# untouched by the apply\n');
      const before = status();

      const applied = await run<ApplyChangesResult>('blackboxTasks.applyChanges', { taskId: id, files: 'all' });
      assert.equal(applied.outcome, 'applied');
      repo().write('src/new.ts', 'export const fresh = "edited after the apply";\n');

      const refused = await run<UndoApplyResult>('blackboxTasks.undoApply', {
        repository: repo().clone,
        onChanged: 'cancel',
      });
      assert.equal(refused.outcome, 'cancelled');
      assert.deepEqual(refused.changedSince, ['src/new.ts']);
      assert.equal(repo().read('src/new.ts'), 'export const fresh = "edited after the apply";\n');

      const undone = await run<UndoApplyResult>('blackboxTasks.undoApply', {
        repository: repo().clone,
        onChanged: 'overwrite',
      });
      assert.equal(undone.outcome, 'undone', undone.message);
      assert.equal(status(), before);
      assert.equal(repo().read('src/app.ts'), 'export const version = 1;\n');
      assert.equal(repo().read('docs/old.md'), 'Old notes.\n');
      assert.equal(existsSync(join(repo().clone, 'src/new.ts')), false);
      assert.equal(
        (await run<UndoApplyResult>('blackboxTasks.undoApply', { repository: repo().clone })).outcome,
        'nothingToUndo',
      );
    });
  });

  describe('review comments and Send Review to Agent', () => {
    for (const apiName of ['agent', 'cloud'] as const) {
      it(`keeps comments on the agent's side across a reload and sends them as one follow-up (${apiName})`, async () => {
        if (apiName === 'cloud') await setKey(suite.emulator.keys.cloud);
        repo().agentPushes('blackbox/review', {
          'src/app.ts': 'export const version = 2;\nexport const name = "app";\n',
          'src/new.ts': 'export const fresh = true;\n',
        });
        const id = await seedTask(suite.api, suite.emulator, 'blackbox/review', apiName);
        const review = await run<ReviewChangesResult>('blackboxTasks.reviewChanges', { taskId: id });
        assert.equal(review.outcome, 'shown', review.message);
        const right = (path: string): string => {
          const uri = review.files?.find((file) => file.path === path)?.right;
          assert.ok(uri, `${path} has an agent side`);
          return uri;
        };

        const left = review.files?.find((file) => file.path === 'src/app.ts')?.left;
        const onBase = await run<AddReviewCommentResult>('blackboxTasks.addReviewComment', {
          uri: left,
          line: 0,
          body: 'not on the agent side',
        });
        assert.equal(onBase.outcome, 'refused', 'the base side takes no comments');

        const first = await run<AddReviewCommentResult>('blackboxTasks.addReviewComment', {
          uri: right('src/app.ts'),
          line: 1,
          body: 'Name it after the product.',
        });
        const second = await run<AddReviewCommentResult>('blackboxTasks.addReviewComment', {
          uri: right('src/new.ts'),
          line: 0,
          body: 'Is this flag used anywhere?',
        });
        assert.equal(first.outcome, 'added');
        assert.equal(second.outcome, 'added');
        assert.equal(first.comment?.code, 'export const name = "app";');

        // A reload: the controller is made again from the workspace's state.
        const before = suite.api.reviews.get();
        before.dispose();
        const after = suite.api.reviews.get();
        assert.notEqual(after, before);
        assert.deepEqual(
          after.drafts(id).map((draft) => [draft.path, draft.line, draft.body]),
          [
            ['src/app.ts', 2, 'Name it after the product.'],
            ['src/new.ts', 1, 'Is this flag used anywhere?'],
          ],
        );
        const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(right('src/app.ts')));
        assert.ok(after.targetOf(document.uri), 'the agent side still takes comments after the reload');

        suite.emulator.clearRequests();
        const sent = await run<SendReviewResult>('blackboxTasks.sendReview', { taskId: id, message: 'Close, thanks.' });
        assert.equal(sent.outcome, 'sent', sent.message);
        const posts = suite.emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/continue'));
        assert.equal(posts.length, 1, 'one follow-up for all comments');
        const body = posts[0]?.body as { prompt?: string; currentPrompt?: string };
        const prompt = apiName === 'agent' ? body.prompt : body.currentPrompt;
        assert.equal(prompt, sent.prompt);
        assert.equal(
          prompt,
          [
            'I reviewed your changes on branch "blackbox/review" and left 2 comments. Please address each of them, then push to the same branch.',
            '',
            'Close, thanks.',
            '',
            '1. src/app.ts, line 2:\n```\nexport const name = "app";\n```\nName it after the product.',
            '',
            '2. src/new.ts, line 1:\n```\nexport const fresh = true;\n```\nIs this flag used anywhere?',
          ].join('\n'),
        );
        assert.deepEqual(after.drafts(id), [], 'the drafts are cleared once the follow-up is accepted');
        const following = suite.api.store.get(sent.taskId ?? '');
        assert.ok(following, 'the follow-up run is in the store');
        if (apiName === 'agent') assert.equal(following.previousRunId, id, 'linked to its task');
      });
    }

    it('keeps every draft when the follow-up fails', async () => {
      repo().agentPushes('blackbox/review-fail', { 'src/app.ts': 'export const version = 2;\n' });
      const id = await seedTask(suite.api, suite.emulator, 'blackbox/review-fail');
      const review = await run<ReviewChangesResult>('blackboxTasks.reviewChanges', { taskId: id });
      const uri = review.files?.find((file) => file.path === 'src/app.ts')?.right;
      await run('blackboxTasks.addReviewComment', { uri, line: 0, body: 'Why 2?' });
      suite.emulator.fault({
        api: 'agent',
        method: 'POST',
        path: `/api/v1/tasks/${id}/continue`,
        kind: 'status',
        status: 500,
        times: 1,
      });

      const failed = await run<SendReviewResult>('blackboxTasks.sendReview', { taskId: id, message: '' });
      assert.equal(failed.outcome, 'failed');
      assert.deepEqual(
        suite.api.reviews
          .get()
          .drafts(id)
          .map((draft) => draft.body),
        ['Why 2?'],
      );

      const retried = await run<SendReviewResult>('blackboxTasks.sendReview', { taskId: id, message: '' });
      assert.equal(retried.outcome, 'sent', retried.message);
      assert.deepEqual(suite.api.reviews.get().drafts(id), []);
    });
  });

  it('Review with Another Agent creates a task based on the agent’s branch', async () => {
    const id = await agentTask('blackbox/second-opinion');
    suite.emulator.clearRequests();
    const result = await run<SecondOpinionResult>('blackboxTasks.reviewWithAnotherAgent', {
      taskId: id,
      prompt: 'Review blackbox/second-opinion against main',
      agent: 'codex',
    });
    assert.equal(result.outcome, 'created', result.message);
    const created = suite.emulator.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/tasks');
    assert.equal(created.length, 1);
    assert.deepEqual(created[0]?.body, {
      prompt: 'Review blackbox/second-opinion against main',
      repoUrl: REMOTE,
      selectedBranch: 'blackbox/second-opinion',
      agent: 'codex',
    });
  });
});
