import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { defaultRunSteps, scriptedRunLog } from '../emulator/logScripts';
import type { Emulator, RecordedRequest } from '../emulator/emulator';
import { git, useGitFixture } from './gitFixtures';
import { clearKey, logChannel, setKey, useEmulator, waitUntil } from './harness';

const REMOTE = 'https://github.com/blackbox-demo/tools-fixture.git';
const REPOSITORY = 'blackbox-demo/tools-fixture';

function textOf(result: vscode.LanguageModelToolResult): string {
  return result.content
    .map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : (part as { value?: unknown }).value))
    .filter((value): value is string => typeof value === 'string')
    .join('');
}

function token(): vscode.CancellationToken {
  return new vscode.CancellationTokenSource().token;
}

function creates(emulator: Emulator): RecordedRequest[] {
  return emulator.requests.filter((request) => request.method === 'POST' && request.path === '/api/v1/tasks');
}

/** Requests that change something (the tools' reads are GETs). */
function writes(emulator: Emulator): RecordedRequest[] {
  return emulator.requests.filter((request) => request.method !== 'GET');
}

describe('language model tools (emulator, git fixture)', function () {
  this.timeout(60_000);
  const suite = useEmulator();
  const repo = useGitFixture(suite, 'tools-fixture', REMOTE);
  beforeEach(async () => {
    await setKey(suite.emulator.keys.agent);
  });

  function invoke<T>(tool: vscode.LanguageModelTool<T>, input: T): Promise<string> {
    return Promise.resolve(tool.invoke({ input, toolInvocationToken: undefined }, token())).then((result) => {
      assert.ok(result, 'the tool answers');
      return textOf(result);
    });
  }

  function finishedTask(prompt: string, overrides: Record<string, unknown> = {}): string {
    return suite.emulator.addTask({
      api: 'agent',
      prompt,
      status: 'completed',
      repoUrl: REMOTE,
      baseBranch: 'main',
      createdBranch: 'blackbox/health-check',
      model: 'blackboxai/anthropic/claude-sonnet-4.6',
      createdAgoMs: 60_000,
      log: scriptedRunLog({ steps: defaultRunSteps(prompt, REMOTE, 'blackbox/health-check'), seed: 't' }),
      ...overrides,
    }).id;
  }

  it('registers the five tools with VS Code under their names', () => {
    const names = vscode.lm.tools
      .map((tool) => tool.name)
      .filter((name) => name.startsWith('blackbox_'))
      .sort();
    assert.deepEqual(names, [
      'blackbox_cancel_task',
      'blackbox_continue_task',
      'blackbox_create_task',
      'blackbox_get_task',
      'blackbox_list_tasks',
    ]);
  });

  describe('blackbox_create_task', () => {
    it('asks for confirmation saying where, from which branch, with which agent, and that an agent will run', async () => {
      const prepared = await suite.api.tools.create.prepareInvocation?.(
        { input: { prompt: 'Add a health check endpoint', repository: REPOSITORY, agent: 'claude' } },
        token(),
      );
      assert.equal(prepared?.confirmationMessages?.title, 'Create a BLACKBOX task?');
      assert.equal(
        prepared?.confirmationMessages?.message,
        [
          `A BLACKBOX cloud agent will run on ${REPOSITORY}, starting from branch "main" of origin, with claude.`,
          'It may push a branch to the repository.',
          'Prompt: Add a health check endpoint',
        ].join('\n\n'),
      );
      assert.deepEqual(writes(suite.emulator), [], 'preparing sends nothing');
    });

    it('creates the task in the workspace repository at its current branch; it is in the tree at once and its log followed', async () => {
      const text = await invoke(suite.api.tools.create, {
        prompt: 'Add a health check endpoint',
        repository: REPOSITORY,
        agent: 'claude',
      });
      const id = /^Created task (\S+) in blackbox-demo\/tools-fixture from branch "main"\./.exec(text)?.[1];
      assert.ok(id, text);
      assert.deepEqual(
        creates(suite.emulator).map((request) => request.body),
        [{ prompt: 'Add a health check endpoint', repoUrl: REMOTE, selectedBranch: 'main', agent: 'claude' }],
      );
      assert.equal(suite.api.store.get(id)?.status, 'queued');
      await waitUntil(() => logChannel({ id, prompt: 'Add a health check endpoint' }), {
        what: 'the new task’s log to be followed',
      });
    });

    it('returns unpushed commits as a problem and sends nothing; with an explicit branch it goes ahead from the remote branch', async () => {
      repo().write('src/app.ts', 'export const version = 2;\n');
      repo().commit('Local change');
      const remoteTip = git(repo().bare, 'rev-parse', 'main');

      const refused = await invoke(suite.api.tools.create, { prompt: 'Use my change', repository: REPOSITORY });
      assert.match(refused, /^Not created: Branch "main" has 1 commit not pushed to origin\. /);
      assert.match(refused, /call again with branch "main" to start from origin\/main as it is/);
      assert.deepEqual(creates(suite.emulator), []);

      const sent = await invoke(suite.api.tools.create, {
        prompt: 'Use what is on GitHub',
        repository: REPOSITORY,
        branch: 'main',
        agent: 'codex',
      });
      assert.match(sent, /^Created task \S+ in blackbox-demo\/tools-fixture from branch "main"\./);
      assert.equal((creates(suite.emulator)[0]?.body as { selectedBranch?: string }).selectedBranch, 'main');
      assert.equal(git(repo().bare, 'rev-parse', 'main'), remoteTip, 'nothing was pushed');
    });

    it('a branch that is not on the remote, or several repositories and none named: text, nothing sent', async () => {
      const missing = await invoke(suite.api.tools.create, {
        prompt: 'x',
        repository: REPOSITORY,
        branch: 'feature/nowhere',
      });
      assert.match(missing, /^Not created: Branch "feature\/nowhere" is not on origin/);
      // The workspace's own repository is open beside the fixture.
      const ambiguous = await invoke(suite.api.tools.create, { prompt: 'x' });
      assert.match(ambiguous, /^Not created: Several repositories are open \(.*blackbox-demo\/tools-fixture.*\)/);
      const unknown = await invoke(suite.api.tools.create, { prompt: 'x', repository: 'someone/else' });
      assert.match(unknown, /^Not created: No open repository matches "someone\/else"/);
      assert.deepEqual(creates(suite.emulator), []);
    });

    it('several agents, and a standalone task with repository "none"', async () => {
      const multi = await invoke(suite.api.tools.create, {
        prompt: 'Try two ways',
        repository: REPOSITORY,
        agents: ['claude', { agent: 'codex', model: 'openai/gpt-5-codex' }],
      });
      assert.match(multi, /^Created task /);
      const standalone = await invoke(suite.api.tools.create, { prompt: 'Explain CRDTs', repository: 'none' });
      assert.match(standalone, /^Created task \S+ with no repository\./);
      assert.deepEqual(
        creates(suite.emulator).map((request) => request.body),
        [
          {
            prompt: 'Try two ways',
            repoUrl: REMOTE,
            selectedBranch: 'main',
            selectedAgents: [{ agent: 'claude' }, { agent: 'codex', model: 'openai/gpt-5-codex' }],
          },
          { prompt: 'Explain CRDTs' },
        ],
      );
    });
  });

  it('without a key every tool answers so in text, asks no confirmation for a create, and sends nothing', async () => {
    await clearKey();
    // The view's own refresh for the key set before this test may still be arriving; what counts is
    // that the tools send nothing once there is no key.
    await new Promise((resolve) => setTimeout(resolve, 300));
    suite.emulator.clearRequests();
    const { tools } = suite.api;
    const prepared = await tools.create.prepareInvocation?.({ input: { prompt: 'x' } }, token());
    assert.equal(prepared?.confirmationMessages, undefined);
    const answers = [
      await invoke(tools.create, { prompt: 'x', repository: REPOSITORY }),
      await invoke(tools.list, {}),
      await invoke(tools.get, { taskId: 'abc' }),
      await invoke(tools.continue, { taskId: 'abc', prompt: 'more' }),
      await invoke(tools.cancel, { taskId: 'abc' }),
    ];
    for (const answer of answers) assert.match(answer, /^No BLACKBOX API key is set, so nothing was done\./);
    assert.deepEqual(suite.emulator.requests, []);
  });

  it('blackbox_list_tasks through vscode.lm.invokeTool: one line per task, filtered by status on the server', async () => {
    const id = finishedTask('List me please');
    const result = await vscode.lm.invokeTool(
      'blackbox_list_tasks',
      { input: { status: 'completed', limit: 5 }, toolInvocationToken: undefined },
      token(),
    );
    const text = textOf(result);
    assert.match(text, /^\d+ tasks? \(completed, all repositories\), newest first:\n/);
    assert.match(
      text,
      new RegExp(
        `\\n- id ${id} · completed · blackbox-demo/tools-fixture@blackbox/health-check · created [^·]+ · "List me please"`,
      ),
    );
    // The tool's own list call (the view refreshes too, without a status filter and with its own limit).
    const listed = suite.emulator.requests.find(
      (request) => request.path === '/api/v1/tasks' && request.query['limit'] === '5',
    );
    assert.equal(listed?.query['status'], 'completed');
    assert.deepEqual(writes(suite.emulator), []);
  });

  it('blackbox_get_task through vscode.lm.invokeTool: facts, prompt and the end of the log; bad and unknown ids', async () => {
    const id = finishedTask('Add a health check endpoint');
    const text = textOf(
      await vscode.lm.invokeTool(
        'blackbox_get_task',
        { input: { taskId: id }, toolInvocationToken: undefined },
        token(),
      ),
    );
    assert.match(text, new RegExp(`^Task ${id} \\(Agent API\\)\\nStatus: completed\\n`));
    assert.match(text, /\nRepository: blackbox-demo\/tools-fixture\n/);
    assert.match(text, /\nCreated branch: blackbox\/health-check\n/);
    assert.match(text, /\nPrompt:\n {2}Add a health check endpoint\n/);
    assert.match(text, /\nLog \(last \d+ lines\):\n(?: {2}.*\n?)+$/);
    assert.match(text, /▸ bash: /);

    const unknown = await invoke(suite.api.tools.get, { taskId: '00000000-0000-4000-8000-00000000dead' });
    assert.match(unknown, /^Looking up task 00000000-0000-4000-8000-00000000dead failed: there is no such task\.$/);
    const bad = await invoke(suite.api.tools.get, { taskId: '../../etc/passwd' });
    assert.equal(bad, '"../../etc/passwd" is not a task id.');
  });

  it('blackbox_continue_task: confirmation, then a follow-up sent as a new run the tree shows at once', async () => {
    const id = finishedTask('Add a health check endpoint');
    const prepared = await suite.api.tools.continue.prepareInvocation?.(
      { input: { taskId: id, prompt: 'Also add a readiness probe' } },
      token(),
    );
    assert.equal(prepared?.confirmationMessages?.title, 'Continue a BLACKBOX task?');
    assert.match(
      String(prepared?.confirmationMessages?.message),
      /will run again on task .*Also add a readiness probe/s,
    );

    const text = await invoke(suite.api.tools.continue, { taskId: id, prompt: 'Also add a readiness probe' });
    const next = /^Follow-up sent: new run (\S+) continues task /.exec(text)?.[1];
    assert.ok(next, text);
    assert.deepEqual(
      writes(suite.emulator).map((request) => [request.method, request.path, request.body]),
      [['POST', `/api/v1/tasks/${id}/continue`, { prompt: 'Also add a readiness probe' }]],
    );
    assert.equal(suite.api.store.get(next)?.previousRunId, id);
  });

  it('blackbox_continue_task on a running task: the reason as text, nothing sent', async () => {
    const id = suite.emulator.addTask({ api: 'agent', prompt: 'Still going', status: 'running', repoUrl: REMOTE }).id;
    const text = await invoke(suite.api.tools.continue, { taskId: id, prompt: 'more' });
    assert.match(text, /^Follow-up not sent: .*still running/);
    assert.deepEqual(writes(suite.emulator), []);
  });

  it('blackbox_cancel_task: confirmation, then the task cancelled and its final status', async () => {
    const id = suite.emulator.addTask({ api: 'agent', prompt: 'Long job', status: 'running', repoUrl: REMOTE }).id;
    const prepared = await suite.api.tools.cancel.prepareInvocation?.({ input: { taskId: id } }, token());
    assert.equal(prepared?.confirmationMessages?.title, 'Cancel a BLACKBOX task?');
    assert.match(String(prepared?.confirmationMessages?.message), /will be stopped/);

    const text = await invoke(suite.api.tools.cancel, { taskId: id });
    assert.match(text, /cancelled/i);
    assert.deepEqual(
      writes(suite.emulator).map((request) => [request.method, request.path, request.body]),
      [['PATCH', `/api/v1/tasks/${id}`, { action: 'cancel' }]],
    );
    assert.equal(suite.api.store.get(id)?.status, 'cancelled');
  });
});
