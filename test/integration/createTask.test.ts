import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CreateTaskResult } from '../../src/commands/createTask';
import type { Emulator, RecordedRequest } from '../emulator/emulator';
import { closeFixture, createGitFixture, git, openInGit, useGitFixture } from './gitFixtures';
import { clearKey, setKey, setSetting, useEmulator, waitUntil } from './harness';

const HTTPS_REMOTE = 'https://github.com/blackbox-demo/create-fixture.git';
const SSH_REMOTE = 'git@github.com:blackbox-demo/create-over-ssh.git';
const MODEL = 'blackboxai/anthropic/claude-sonnet-4.6';

async function create(argument: Record<string, unknown>): Promise<CreateTaskResult> {
  return await vscode.commands.executeCommand<CreateTaskResult>('blackboxTasks.createTask', argument);
}

function creates(emulator: Emulator): RecordedRequest[] {
  return emulator.requests.filter(
    (request) => request.method === 'POST' && (request.path === '/api/v1/tasks' || request.path === '/api/tasks'),
  );
}

describe('Create Task… (git extension, local bare "GitHub", emulator)', function () {
  this.timeout(60_000);
  const suite = useEmulator();
  beforeEach(async () => {
    await setKey(suite.emulator.keys.agent);
  });
  const repo = useGitFixture(suite, 'create-fixture', HTTPS_REMOTE);

  describe('the request', () => {
    it('sends repoUrl, selectedBranch, prompt, model and agent for an HTTPS remote (Agent API v1), and the task is queued at once', async () => {
      const prompt =
        'Add rate limiting to the orders endpoint.\n\n- 100 requests per minute\n- answer 429 with Retry-After';
      const result = await create({ repository: repo().clone, prompt, agent: 'claude', model: MODEL, preflight: {} });

      assert.equal(result.outcome, 'created', result.message);
      assert.deepEqual(
        creates(suite.emulator).map((request) => request.body),
        [
          {
            prompt,
            repoUrl: 'https://github.com/blackbox-demo/create-fixture.git',
            selectedBranch: 'main',
            model: MODEL,
            agent: 'claude',
          },
        ],
      );
      const task = suite.api.store.get(result.taskId ?? '');
      assert.ok(task, 'the new task is in the store without waiting for a refresh');
      assert.equal(task.status, 'queued');
      assert.equal(task.prompt, prompt);
      assert.deepEqual(result.preflight, []);
    });

    it('sends the Cloud API its field names (selectedAgent, selectedModel)', async () => {
      await setKey(suite.emulator.keys.cloud);
      const result = await create({
        repository: repo().clone,
        prompt: 'Document the API',
        agent: 'gemini',
        model: 'gemini-2.5-pro',
        preflight: {},
      });
      assert.equal(result.outcome, 'created', result.message);
      assert.deepEqual(
        creates(suite.emulator).map((request) => [request.path, request.body]),
        [
          [
            '/api/tasks',
            {
              prompt: 'Document the API',
              repoUrl: HTTPS_REMOTE,
              selectedBranch: 'main',
              selectedAgent: 'gemini',
              selectedModel: 'gemini-2.5-pro',
            },
          ],
        ],
      );
    });

    it('normalises an SSH remote to the HTTPS clone URL', async () => {
      const ssh = createGitFixture('create-over-ssh', SSH_REMOTE);
      try {
        await openInGit(suite.api, ssh);
        const result = await create({
          repository: ssh.clone,
          prompt: 'Fix the flaky test',
          agent: 'codex',
          preflight: {},
        });
        assert.equal(result.outcome, 'created', result.message);
        assert.deepEqual(
          creates(suite.emulator).map((request) => request.body),
          [
            {
              prompt: 'Fix the flaky test',
              repoUrl: 'https://github.com/blackbox-demo/create-over-ssh.git',
              selectedBranch: 'main',
              agent: 'codex',
            },
          ],
        );
      } finally {
        await closeFixture(ssh);
      }
    });

    it('takes agent and model from the settings', async () => {
      await setSetting('defaultAgent', 'codex');
      await setSetting('defaultModel', 'openai/gpt-5-codex');
      const result = await create({
        repository: repo().clone,
        prompt: 'Use the defaults',
        useDefaults: true,
        preflight: {},
      });
      assert.equal(result.outcome, 'created', result.message);
      const [sent] = creates(suite.emulator);
      assert.deepEqual(sent?.body, {
        prompt: 'Use the defaults',
        repoUrl: HTTPS_REMOTE,
        selectedBranch: 'main',
        model: 'openai/gpt-5-codex',
        agent: 'codex',
      });
    });

    it('sends several agents as selectedAgents', async () => {
      const result = await create({
        repository: repo().clone,
        prompt: 'Try two approaches',
        agents: [{ agent: 'claude' }, { agent: 'codex' }],
        preflight: {},
      });
      assert.equal(result.outcome, 'created', result.message);
      const [sent] = creates(suite.emulator);
      assert.deepEqual(sent?.body, {
        prompt: 'Try two approaches',
        repoUrl: HTTPS_REMOTE,
        selectedBranch: 'main',
        selectedAgents: [{ agent: 'claude' }, { agent: 'codex' }],
      });
    });

    it('creates a standalone task without a repository', async () => {
      const result = await create({ standalone: true, prompt: 'Explain CRDTs briefly', agent: 'claude' });
      assert.equal(result.outcome, 'created', result.message);
      assert.deepEqual(
        creates(suite.emulator).map((request) => request.body),
        [{ prompt: 'Explain CRDTs briefly', agent: 'claude' }],
      );
    });
  });

  describe('asking', () => {
    it('offers the agents in a quick pick, the default from settings first', async () => {
      await setSetting('defaultAgent', 'codex');
      const pending = create({ repository: repo().clone, prompt: 'Pick for me', preflight: {} });
      let settled: CreateTaskResult | undefined;
      void pending.then((result) => (settled = result));
      // Enter on the quick pick as it opens: the first item is the agent from the settings.
      await waitUntil(
        async () => {
          await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
          return settled;
        },
        { what: 'the agent quick pick to be answered', intervalMs: 200 },
      );
      assert.equal(settled?.outcome, 'created', settled?.message);
      assert.deepEqual(creates(suite.emulator)[0]?.body, {
        prompt: 'Pick for me',
        repoUrl: HTTPS_REMOTE,
        selectedBranch: 'main',
        agent: 'codex',
      });
    });
  });

  describe('pre-flight', () => {
    it('detached HEAD: nothing is sent unless another branch is picked', async () => {
      git(repo().clone, 'checkout', '--quiet', '--detach');
      const stopped = await create({
        repository: repo().clone,
        prompt: 'From a detached HEAD',
        agent: 'claude',
        preflight: {},
      });
      assert.equal(stopped.outcome, 'cancelled');
      assert.deepEqual(stopped.preflight, [{ kind: 'detachedHead', choice: 'cancel' }]);
      assert.match(stopped.message ?? '', /HEAD is detached at [0-9a-f]{7}/);
      assert.deepEqual(creates(suite.emulator), []);

      const picked = await create({
        repository: repo().clone,
        prompt: 'From a detached HEAD',
        agent: 'claude',
        preflight: { detachedHead: 'pickBranch' },
        baseBranch: 'main',
      });
      assert.equal(picked.outcome, 'created', picked.message);
      assert.deepEqual(picked.preflight, [{ kind: 'detachedHead', choice: 'pickBranch' }]);
      assert.equal((creates(suite.emulator)[0]?.body as { selectedBranch?: string }).selectedBranch, 'main');
    });

    it('a branch that is not on the remote: push it now, then send', async () => {
      git(repo().clone, 'checkout', '--quiet', '-b', 'feature/local-only');
      repo().write('src/feature.ts', 'export const feature = true;\n');
      repo().commit('Local feature');
      assert.deepEqual(repo().remoteBranches(), ['main']);

      const result = await create({
        repository: repo().clone,
        prompt: 'Finish the feature',
        agent: 'claude',
        preflight: { notOnRemote: 'push' },
      });

      assert.equal(result.outcome, 'created', result.message);
      assert.deepEqual(result.preflight, [{ kind: 'notOnRemote', choice: 'push' }]);
      assert.deepEqual(repo().remoteBranches(), ['feature/local-only', 'main']);
      assert.equal(git(repo().bare, 'rev-parse', 'feature/local-only'), git(repo().clone, 'rev-parse', 'HEAD'));
      assert.equal(
        (creates(suite.emulator)[0]?.body as { selectedBranch?: string }).selectedBranch,
        'feature/local-only',
      );
    });

    it('unpushed commits: use the remote branch as it is (nothing pushed), or push now', async () => {
      repo().write('src/app.ts', 'export const version = 2;\n');
      repo().commit('Local change');
      const remoteTip = git(repo().bare, 'rev-parse', 'main');

      const asIs = await create({
        repository: repo().clone,
        prompt: 'Work from what is on GitHub',
        agent: 'claude',
        preflight: { unpushedCommits: 'useRemote' },
      });
      assert.equal(asIs.outcome, 'created', asIs.message);
      assert.deepEqual(asIs.preflight, [{ kind: 'unpushedCommits', choice: 'useRemote' }]);
      assert.equal(git(repo().bare, 'rev-parse', 'main'), remoteTip, 'nothing was pushed');

      const pushed = await create({
        repository: repo().clone,
        prompt: 'Work from my latest commit',
        agent: 'claude',
        preflight: { unpushedCommits: 'push' },
      });
      assert.equal(pushed.outcome, 'created', pushed.message);
      assert.deepEqual(pushed.preflight, [{ kind: 'unpushedCommits', choice: 'push' }]);
      assert.equal(git(repo().bare, 'rev-parse', 'main'), git(repo().clone, 'rev-parse', 'HEAD'), 'main was pushed');
      assert.deepEqual(
        creates(suite.emulator).map((request) => (request.body as { selectedBranch?: string }).selectedBranch),
        ['main', 'main'],
      );
    });

    it('uncommitted changes: explained; cancel sends nothing, going ahead sends once', async () => {
      repo().write('src/app.ts', 'export const version = 99; // not committed\n');
      repo().write('notes.txt', 'untracked\n');

      const stopped = await create({
        repository: repo().clone,
        prompt: 'Needs my changes',
        agent: 'claude',
        preflight: { uncommittedChanges: 'cancel' },
      });
      assert.equal(stopped.outcome, 'cancelled');
      assert.match(stopped.message ?? '', /2 uncommitted changes/);
      assert.deepEqual(creates(suite.emulator), []);

      const sent = await create({
        repository: repo().clone,
        prompt: 'Does not need them',
        agent: 'claude',
        preflight: { uncommittedChanges: 'useRemote' },
      });
      assert.equal(sent.outcome, 'created', sent.message);
      assert.deepEqual(sent.preflight, [{ kind: 'uncommittedChanges', choice: 'useRemote' }]);
      assert.equal(creates(suite.emulator).length, 1);
      assert.equal(
        repo().read('src/app.ts'),
        'export const version = 99; // not committed\n',
        'the working tree is untouched',
      );
    });
  });

  describe('drafts and sending once', () => {
    it('keeps the prompt after an HTTP 500, sends it once on the next attempt, then forgets it', async () => {
      suite.emulator.fault({
        api: 'agent',
        method: 'POST',
        path: '/api/v1/tasks',
        kind: 'status',
        status: 500,
        times: 1,
      });
      const prompt = 'Migrate the orders table\nwithout downtime';

      const failed = await create({ repository: repo().clone, prompt, agent: 'claude', preflight: {} });
      assert.equal(failed.outcome, 'failed');
      assert.match(failed.message ?? '', /kept as a draft/);
      assert.equal(suite.api.store.tasks().filter((task) => task.prompt === prompt).length, 0);

      const retried = await create({ repository: repo().clone, acceptDraft: true, agent: 'claude', preflight: {} });
      assert.equal(retried.outcome, 'created', retried.message);
      const expected = { prompt, repoUrl: HTTPS_REMOTE, selectedBranch: 'main', agent: 'claude' };
      assert.deepEqual(
        creates(suite.emulator).map((request) => [request.status, request.body]),
        [
          [500, expected],
          [200, expected],
        ],
      );

      const again = await create({ repository: repo().clone, acceptDraft: true, agent: 'claude', preflight: {} });
      assert.equal(again.outcome, 'cancelled', 'the draft is gone once the server accepted it');
      assert.equal(creates(suite.emulator).length, 2);
    });

    it('keeps the prompt when no key is set, and sends it once a key is there', async () => {
      await clearKey();
      const refused = await create({
        repository: repo().clone,
        prompt: 'Typed before the key',
        agent: 'claude',
        preflight: {},
      });
      assert.equal(refused.outcome, 'cancelled');
      assert.deepEqual(creates(suite.emulator), []);

      await setKey(suite.emulator.keys.agent);
      const sent = await create({ repository: repo().clone, acceptDraft: true, agent: 'claude', preflight: {} });
      assert.equal(sent.outcome, 'created', sent.message);
      assert.equal((creates(suite.emulator)[0]?.body as { prompt?: string }).prompt, 'Typed before the key');
    });

    it('never sends a second create while one is in flight', async () => {
      suite.emulator.fault({
        api: 'agent',
        method: 'POST',
        path: '/api/v1/tasks',
        kind: 'latency',
        ms: 3_000,
        times: 1,
      });
      const first = create({ repository: repo().clone, prompt: 'Only once', agent: 'claude', preflight: {} });
      await waitUntil(() => creates(suite.emulator).length === 1, { what: 'the first create to reach the server' });

      const second = await create({ repository: repo().clone, prompt: 'Only once', agent: 'claude', preflight: {} });
      assert.equal(second.outcome, 'busy');
      assert.equal((await first).outcome, 'created');
      assert.equal(creates(suite.emulator).length, 1);
    });
  });
});
