import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CreateTaskResult } from '../../src/commands/createTask';
import { connectTasksView, setSetting, useEmulator, waitForTree, waitUntil } from './harness';
import { recordNotices, type TasksViewSnapshot, type TreeRowSnapshot } from './tasksViewSpy';

type ApiName = 'agent' | 'cloud';

const REPO = 'https://github.com/blackbox-demo/shop-api.git';
const AGENTS: Readonly<Record<ApiName, readonly { agent: string; model: string }[]>> = {
  agent: [
    { agent: 'claude', model: 'blackboxai/anthropic/claude-sonnet-4.6' },
    { agent: 'codex', model: 'blackboxai/openai/gpt-5.3-codex' },
    { agent: 'claude', model: 'blackboxai/anthropic/claude-opus-4.1' },
  ],
  cloud: [
    { agent: 'claude', model: 'blackboxai/anthropic/claude-sonnet-4.6' },
    { agent: 'codex', model: 'blackboxai/openai/gpt-5.3-codex' },
    { agent: 'gemini', model: 'blackboxai/google/gemini-2.5-pro' },
  ],
};

function rowsOf(snapshot: TasksViewSnapshot): { group: string; row: TreeRowSnapshot }[] {
  return snapshot.groups.flatMap((group) => group.rows.map((row) => ({ group: group.label, row })));
}

/** The multi-agent row with this label, and its group. */
function multiRow(snapshot: TasksViewSnapshot, label: string): { group: string; row: TreeRowSnapshot } | undefined {
  return rowsOf(snapshot).find(({ row }) => row.label === label && /\bmultiAgent\b/.test(row.contextValue));
}

describe('Several agents on one task', function () {
  this.timeout(90_000);
  // Quick runs: a run is queued for half a second and writes a log line every 150 ms.
  const suite = useEmulator({ timing: { queueMs: 500, eventMs: 150, savingMs: 300 } });
  beforeEach(async () => {
    await setSetting('refreshIntervalSeconds', 1);
  });

  for (const apiName of ['agent', 'cloud'] as const) {
    const v1 = apiName === 'agent';
    const agents = AGENTS[apiName];

    it(`${v1 ? 'Agent API v1' : 'Cloud API'}: create with 3 agents sends each agent's model; one row with 3 agent rows moves through the groups; one notification at the end`, async () => {
      const { emulator, api } = suite;
      const notices = recordNotices(api);
      const ours = () => notices.shown;
      await connectTasksView(api, emulator, apiName);
      const prompt = `Race three agents on the CSV export (${apiName})`;
      const result = await vscode.commands.executeCommand<CreateTaskResult>('blackboxTasks.createTask', {
        standalone: true,
        prompt,
        agents,
      });
      assert.equal(result.outcome, 'created', result.message);

      const creates = emulator.requests.filter(
        (request) => request.method === 'POST' && (request.path === '/api/v1/tasks' || request.path === '/api/tasks'),
      );
      assert.deepEqual(
        creates.map((request) => (request.body as { selectedAgents?: unknown }).selectedAgents),
        [agents],
        'every agent with its model, in the order chosen',
      );

      // One row labelled with the prompt, a row per agent beneath it (agent · model), in the group of its most active agent.
      const active = await waitForTree(api, 'the task as one row with its three agents', (s) => {
        const found = multiRow(s, prompt);
        return found !== undefined && found.row.children.length === 3;
      });
      const { group, row } = multiRow(active, prompt) ?? assert.fail('no multi-agent row');
      assert.ok(group === 'Queued' || group === 'Running', `an active group, not ${group}`);
      assert.match(row.description, /^3 agents · \d (running|queued)/);
      assert.equal(
        rowsOf(active).filter(({ row: other }) => other.label === prompt).length,
        1,
        'the task is listed once, not once per run',
      );
      // Each agent's row names its model; the agent too where the API says it (v1 lists carry no agent, so only
      // the run this window created knows it).
      row.children.forEach((child, index) => {
        const { agent, model } = agents[index] ?? assert.fail('no such agent');
        const short = model.split('/').pop() ?? model;
        assert.ok(
          child.label === `${agent} · ${short}` || (v1 && index > 0 && child.label === short),
          `agent row ${index}: ${child.label}`,
        );
      });
      for (const child of row.children) {
        assert.match(child.id, /^agent:/);
        assert.match(child.contextValue, /^agent (queued|running)\b/);
        assert.equal(child.command, 'blackboxTasks.showLogs');
        assert.ok(child.taskId && child.laneKey, 'an agent row names its run and its agent');
        assert.equal(child.tooltip?.trusted, false);
      }
      if (v1) {
        const runIds = row.children.map((child) => child.taskId ?? '');
        assert.equal(new Set(runIds).size, 3, 'each agent row acts on its own run');
        assert.ok(runIds.every((id) => api.store.get(id)?.api === 'agent'));
      } else {
        assert.ok(
          row.children.every((child) => child.taskId === result.taskId),
          'Cloud agents act through their task',
        );
      }

      // Every agent completes: the task moves to Completed, each agent with its branch.
      const done = await waitForTree(
        api,
        'every agent to complete',
        (s) =>
          multiRow(s, prompt)?.group === 'Completed' && /3 completed/.test(multiRow(s, prompt)?.row.description ?? ''),
        40_000,
      );
      const finished = multiRow(done, prompt)?.row ?? assert.fail('no row');
      assert.equal(finished.description, '3 agents · 3 completed');
      assert.match(finished.contextValue, /^task completed multiAgent\b/);
      for (const child of finished.children) {
        assert.equal(child.icon, 'pass');
        assert.match(child.contextValue, /\bcontinuable\b/);
      }

      const notice = await waitUntil(() => ours().find((n) => /^3 agents finished/.test(n.message)), {
        timeoutMs: 15_000,
        what: 'the one notification for the task',
      });
      assert.match(notice.message, /^3 agents finished: 3 completed \(“Race three agents/);
      assert.deepEqual(
        notice.actions.map((action) => [action.title, action.command]),
        [['Compare Agents', 'blackboxTasks.compareAgents']],
      );
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const runIds = new Set(finished.children.map((child) => child.taskId));
      assert.deepEqual(
        ours()
          .filter((n) => n.taskIds.some((id) => runIds.has(id)))
          .map((n) => n.message),
        [notice.message],
        'no notification per agent',
      );
      await vscode.commands.executeCommand('notifications.clearAll');
      notices.restore();
    });
  }

  it('the agent picker keeps the model for each of several agents and sends it', async () => {
    const { emulator, api } = suite;
    await connectTasksView(api, emulator, 'agent');
    await setSetting('defaultModel', 'blackboxai/anthropic/claude-opus-4.1');
    const pending = vscode.commands.executeCommand<CreateTaskResult>('blackboxTasks.createTask', {
      standalone: true,
      prompt: 'Pick two agents for me',
    });
    let settled: CreateTaskResult | undefined;
    void pending.then((result) => (settled = result));
    const pause = () => new Promise((resolve) => setTimeout(resolve, 800));
    // The agent pick: its last item is "Several agents at once…".
    await pause();
    await vscode.commands.executeCommand('quickInput.last');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    // Which agents: every documented one is picked already (claude, codex).
    await pause();
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    // A model for each, prefilled with the one chosen before (here the setting's).
    await waitUntil(
      async () => {
        await pause();
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        return settled;
      },
      { what: 'the model boxes to be answered', timeoutMs: 15_000 },
    );
    assert.equal(settled?.outcome, 'created', settled?.message);
    const creates = emulator.requests.filter(
      (request) => request.method === 'POST' && request.path === '/api/v1/tasks',
    );
    assert.deepEqual(
      creates.map((request) => request.body),
      [
        {
          prompt: 'Pick two agents for me',
          selectedAgents: [
            { agent: 'claude', model: 'blackboxai/anthropic/claude-opus-4.1' },
            { agent: 'codex', model: 'blackboxai/anthropic/claude-opus-4.1' },
          ],
        },
      ],
    );
  });

  it('Agent API v1: sibling runs in every state are one row in the group of the most active; a follow-up stays in its agent’s row', async () => {
    const { emulator, api } = suite;
    const common = {
      api: 'agent' as const,
      taskId: 'f00dfeed-0000-4000-8000-00000000aaaa',
      chatId: 'chat-placement',
      prompt: 'Place me by my agents',
      repoUrl: REPO,
    };
    const running = emulator.addTask({ ...common, status: 'running', agent: 'claude', createdAgoMs: 120_000 }).id;
    const completed = emulator.addTask({
      ...common,
      status: 'completed',
      agent: 'codex',
      createdBranch: 'blackbox/place-me-codex',
      createdAgoMs: 119_900,
    }).id;
    const failed = emulator.addTask({
      ...common,
      status: 'failed',
      agent: 'claude',
      model: 'blackboxai/anthropic/claude-opus-4.1',
      error: 'Tests failed',
      createdAgoMs: 119_800,
    }).id;
    await connectTasksView(api, emulator, 'agent');

    let tree = await waitForTree(
      api,
      'the row in Running',
      (s) => multiRow(s, 'Place me by my agents')?.group === 'Running',
    );
    let row = multiRow(tree, 'Place me by my agents')?.row ?? assert.fail('no row');
    assert.equal(row.id, `task:${common.taskId}`);
    assert.equal(row.taskId, common.taskId);
    assert.equal(row.description, '3 agents · 1 running, 1 completed, 1 failed');
    assert.match(row.contextValue, /\bcancellable\b/);
    assert.deepEqual(
      row.children.map((child) => [child.taskId, child.icon]),
      [
        [running, 'sync~spin'],
        [completed, 'pass'],
        [failed, 'error'],
      ],
    );
    assert.match(row.children[0]?.contextValue ?? '', /^agent running active cancellable\b/);
    // The branch comes with the run's details (the v1 list has none).
    const withBranch = await waitForTree(api, 'the completed agent’s branch', (s) =>
      /\bhasBranch\b/.test(multiRow(s, 'Place me by my agents')?.row.children[1]?.contextValue ?? ''),
    );
    assert.match(multiRow(withBranch, 'Place me by my agents')?.row.contextValue ?? '', /\bhasBranch\b/);
    const runningGroup = tree.groups.find((group) => group.label === 'Running') ?? assert.fail('no Running group');
    assert.equal(runningGroup.count, runningGroup.rows.length, 'the group counts tasks (rows), not runs');
    assert.equal(runningGroup.rows.filter((other) => other.label === 'Place me by my agents').length, 1);

    // The running agent fails: all have finished, one completed → Completed.
    emulator.setTaskStatus(running, 'failed');
    tree = await waitForTree(
      api,
      'the row in Completed',
      (s) => multiRow(s, 'Place me by my agents')?.group === 'Completed',
    );
    row = multiRow(tree, 'Place me by my agents')?.row ?? assert.fail('no row');
    assert.equal(row.description, '3 agents · 1 completed, 2 failed');

    // A follow-up of the completed agent joins its row instead of becoming a fourth agent.
    const result = await vscode.commands.executeCommand<{ outcome: string; taskId?: string }>(
      'blackboxTasks.continueTask',
      { taskId: completed, prompt: 'Also add a header row' },
    );
    assert.equal(result.outcome, 'sent');
    tree = await waitForTree(api, 'the follow-up in the codex row', (s) =>
      Boolean(multiRow(s, 'Place me by my agents')?.row.children.some((child) => child.taskId === result.taskId)),
    );
    row = multiRow(tree, 'Place me by my agents')?.row ?? assert.fail('no row');
    assert.equal(row.children.length, 3);
    assert.equal(row.children[1]?.taskId, result.taskId);
    assert.match(row.children[1]?.description ?? '', /2 runs/);
  });
});
