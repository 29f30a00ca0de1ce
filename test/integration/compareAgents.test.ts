import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CancelTaskResult } from '../../src/commands/cancelTask';
import type { CheckoutBranchResult } from '../../src/commands/checkoutBranch';
import type { CompareAgentsResult } from '../../src/commands/compareAgents';
import type { ContinueTaskResult } from '../../src/commands/continueTask';
import { agentTasksOf, findAgentTask, type AgentTask } from '../../src/core/tasks/agentTask';
import type { BlackboxTasksTestApi } from '../../src/extension';
import type { Emulator } from '../emulator/emulator';
import { cloudRunLog } from '../emulator/logScripts';
import type { RecordedRequest, TaskSpec } from '../emulator/types';
import { useGitFixture } from './gitFixtures';
import { logText, setKey, useEmulator, waitUntil } from './harness';
import { whenLogEnds } from './logEndings';
import { channelsCreatedBy, type RecordedChannel } from './outputChannelSpy';
import { webviewLoads } from './webviewSpy';

const REMOTE = 'https://github.com/blackbox-demo/compare-fixture.git';
const PROMPT = 'Add rate limiting to the orders endpoint';
const MODELS = [
  'blackboxai/anthropic/claude-sonnet-4.6',
  'blackboxai/openai/gpt-5.3-codex',
  'blackboxai/google/gemini-2.5-pro',
] as const;

type Status = 'running' | 'completed' | 'failed' | 'queued';

/**
 * A v1 task given to three agents: three runs created together in one chat (siblings, one per
 * agent), as the API answers a create with `selectedAgents`. The store learns them as the
 * extension would: the list (models), then each run's details (branch, error).
 */
async function seedV1Agents(
  suite: { readonly api: BlackboxTasksTestApi; readonly emulator: Emulator },
  states: readonly [Status, Status, Status],
  branches: readonly (string | undefined)[] = [],
): Promise<{ readonly agentTask: AgentTask; readonly runIds: readonly string[] }> {
  const { emulator, api } = suite;
  const createdAt = Date.now() - 5 * 60_000;
  const runIds: string[] = [];
  let chatId: string | undefined;
  states.forEach((status, index) => {
    const spec: TaskSpec = {
      api: 'agent',
      prompt: PROMPT,
      status,
      repoUrl: REMOTE,
      baseBranch: 'main',
      model: MODELS[index],
      createdAt: createdAt + index * 200,
      ...(branches[index] ? { createdBranch: branches[index] } : {}),
      ...(status === 'failed' ? { error: 'Tests failed: 2 of 40' } : {}),
      ...(status === 'completed' || status === 'failed'
        ? { startedAt: createdAt + 1_000, completedAt: createdAt + 1_000 + (index + 1) * 60_000 }
        : {}),
      ...(status === 'running' ? { startedAt: createdAt + 1_000 } : {}),
      assistantText: `Agent ${index + 1} says: done with the rate limiter.`,
      ...(chatId ? { chatId } : {}),
    };
    const run = emulator.addTask(spec);
    chatId ??= run.chatId;
    runIds.push(run.id);
  });
  await api.store.refresh();
  await api.store.ensureDetails(runIds, 10_000);
  const connection = api.session.current();
  assert.ok(connection);
  for (const id of runIds) {
    const { messages: _messages, ...known } = await connection.api.get(id);
    api.store.upsert({ ...api.store.get(id), ...known });
  }
  const agentTask = findAgentTask(agentTasksOf(api.store.tasks()), runIds[0] ?? '');
  assert.ok(agentTask, 'the three runs are one task');
  assert.equal(agentTask.lanes.length, 3, 'one lane per agent, not follow-ups');
  return { agentTask, runIds };
}

/** A Cloud task given to three agents (`agentExecutions`), each with its own log lines. */
async function seedCloudAgents(
  suite: { readonly api: BlackboxTasksTestApi; readonly emulator: Emulator },
  status = 'completed',
  prompt = PROMPT,
): Promise<AgentTask> {
  const { emulator, api } = suite;
  const lines = (agent: string) =>
    cloudRunLog(
      [
        { message: `${agent} is reading the orders controller`, contentType: 'agentResponse' },
        { message: `$ npm test (${agent})`, contentType: 'ansi' },
        { message: `${agent}: I added a token bucket per API key.`, contentType: 'agentResponse' },
      ],
      { agent, paceMs: 0 },
    );
  const task = emulator.addTask({
    api: 'cloud',
    prompt,
    status,
    repoUrl: REMOTE,
    baseBranch: 'main',
    createdBranch: 'blackbox/rate-limit-claude',
    agent: 'claude',
    startedAt: Date.now() - 4 * 60_000,
    agents: [
      { agent: 'claude', model: MODELS[0], status, branchName: 'blackbox/rate-limit-claude' },
      { agent: 'codex', model: MODELS[1], status, branchName: 'blackbox/rate-limit-codex' },
      { agent: 'gemini', model: MODELS[2], status: 'error', error: 'Agent crashed while running tests' },
    ],
    log: [...lines('claude'), ...lines('codex'), ...lines('gemini')],
  });
  const connection = api.session.current();
  assert.ok(connection);
  const { messages: _messages, ...known } = await connection.api.get(task.id);
  api.store.upsert(known);
  const agentTask = findAgentTask(agentTasksOf(api.store.tasks()), task.id);
  assert.ok(agentTask);
  assert.equal(agentTask.lanes.length, 3);
  return agentTask;
}

/**
 * Answers quick picks and modal warnings as a user would, recording what was asked. The
 * extension receives this test's `vscode` object, so the replacements are what it calls.
 */
function answering(answers: {
  readonly pick?: (items: readonly vscode.QuickPickItem[]) => vscode.QuickPickItem | undefined;
  readonly warning?: (message: string, buttons: readonly string[]) => string | undefined;
}): { readonly asked: { kind: 'pick' | 'warning'; texts: string[] }[]; restore(): void } {
  const window = vscode.window as unknown as Record<string, unknown>;
  const asked: { kind: 'pick' | 'warning'; texts: string[] }[] = [];
  const originals = new Map(
    ['showQuickPick', 'showWarningMessage'].map((name) => [name, Object.getOwnPropertyDescriptor(window, name)]),
  );
  Object.defineProperty(window, 'showQuickPick', {
    configurable: true,
    writable: true,
    value: async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>) => {
      const list = await Promise.resolve(items);
      asked.push({ kind: 'pick', texts: list.map((item) => `${item.label} | ${item.description ?? ''}`) });
      return answers.pick?.(list);
    },
  });
  Object.defineProperty(window, 'showWarningMessage', {
    configurable: true,
    writable: true,
    value: async (message: string, ...rest: unknown[]) => {
      const options = rest[0];
      const detail = options && typeof options === 'object' && 'detail' in options ? String(options.detail) : '';
      const buttons = rest.filter((item): item is string => typeof item === 'string');
      asked.push({ kind: 'warning', texts: [message, detail] });
      return answers.warning?.(message, buttons);
    },
  });
  return {
    asked,
    restore: () => {
      for (const [name, descriptor] of originals) {
        if (descriptor) Object.defineProperty(window, name, descriptor);
        else delete window[name];
      }
    },
  };
}

function requests(emulator: Emulator, method: string, pathEnd: string): RecordedRequest[] {
  return emulator.requests.filter((request) => request.method === method && request.path.endsWith(pathEnd));
}

/**
 * What a multi-agent task's row hands a command (the tree's node names the task, kind 'task').
 * A plain v1 run id would name that one agent's run instead.
 */
function taskRow(agentTask: AgentTask): { readonly kind: 'task'; readonly taskId: string } {
  return { kind: 'task', taskId: agentTask.key };
}

/** One agent's column of the page. */
function column(html: string, laneKey: string): string {
  const marker = `<section class="column`;
  const start = html.lastIndexOf(marker, html.indexOf(`data-lane="${laneKey}"`));
  return html.slice(start, html.indexOf('</section>', start));
}

describe('Compare Agents and agent-aware commands (extension host)', function () {
  this.timeout(90_000);
  const suite = useEmulator({ keepAliveMs: 0 });
  let stubs: ReturnType<typeof answering> | undefined;
  afterEach(async () => {
    stubs?.restore();
    stubs = undefined;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  describe('Compare Agents page', () => {
    it('Agent API v1: one column per agent with status, time, branch, error, log lines and final message', async () => {
      await setKey(suite.emulator.keys.agent);
      const { agentTask, runIds } = await seedV1Agents(
        suite,
        ['running', 'completed', 'failed'],
        [undefined, 'blackbox/rate-limit-codex', 'blackbox/rate-limit-gemini'],
      );

      const result = await vscode.commands.executeCommand<CompareAgentsResult>('blackboxTasks.compareAgents', {
        taskId: agentTask.key,
      });
      assert.equal(result.outcome, 'shown');
      const panel = result.panel;
      assert.ok(panel);
      const [first, second, third] = agentTask.lanes;
      assert.ok(first && second && third);

      const html = await waitUntil(
        () => {
          const page = panel.html;
          return column(page, third.key).includes('Agent 3 says') && column(page, second.key).includes('Agent 2 says')
            ? page
            : undefined;
        },
        { what: 'the finished agents’ logs and final messages on the page', timeoutMs: 20_000 },
      );
      assert.equal(html.match(/<section class="column/g)?.length, 3);
      assert.match(column(html, first.key), /claude-sonnet-4\.6/);
      assert.match(column(html, first.key), /Running/);
      assert.match(column(html, second.key), /gpt-5\.3-codex/);
      assert.match(column(html, second.key), /Completed/);
      assert.match(column(html, second.key), /Time taken<\/th><td>2m 0s/);
      assert.match(column(html, second.key), /<code>blackbox\/rate-limit-codex<\/code>/);
      assert.match(column(html, third.key), /Failed/);
      assert.match(column(html, third.key), /Tests failed: 2 of 40/);
      assert.match(html, /<option value="[^"]+" selected>[^<]*blackbox\/rate-limit-codex/);
      assert.match(html, /default-src &#39;none&#39;/);
      assert.deepEqual(
        agentTask.lanes.map((lane) => lane.run.id).sort(),
        [...runIds].sort(),
        'each agent is its own run',
      );

      const loadsBefore = webviewLoads('blackboxTasks.compareAgents');
      // Opening it again reveals the same page; the agent that was still running is followed live.
      const again = await vscode.commands.executeCommand<CompareAgentsResult>('blackboxTasks.compareAgents', {
        taskId: agentTask.key,
      });
      assert.equal(again.panel, panel, 'the same page');
      assert.equal(webviewLoads('blackboxTasks.compareAgents'), loadsBefore, 'revealed, not reloaded');
    });

    it('Cloud API: columns from agentExecutions, each with its own log lines and last response', async () => {
      await setKey(suite.emulator.keys.cloud);
      const agentTask = await seedCloudAgents(suite);
      const result = await vscode.commands.executeCommand<CompareAgentsResult>('blackboxTasks.compareAgents', {
        taskId: agentTask.key,
      });
      const panel = result.panel;
      assert.ok(panel);
      const html = await waitUntil(
        () => (panel.html.includes('gemini: I added a token bucket') ? panel.html : undefined),
        { what: 'the Cloud log split by agent', timeoutMs: 20_000 },
      );
      const [claude, codex, gemini] = agentTask.lanes;
      assert.ok(claude && codex && gemini);
      assert.match(column(html, claude.key), /claude · claude-sonnet-4\.6/);
      assert.match(column(html, claude.key), /npm test \(claude\)/);
      assert.doesNotMatch(column(html, claude.key), /npm test \(codex\)/, 'only this agent’s lines');
      assert.match(column(html, codex.key), /codex: I added a token bucket per API key\./);
      assert.match(column(html, codex.key), /<code>blackbox\/rate-limit-codex<\/code>/);
      assert.match(column(html, gemini.key), /Agent crashed while running tests/);
      assert.match(column(html, gemini.key), /data-action="checkoutBranch" data-lane="[^"]+" disabled/);
    });

    it('from the palette, lists multi-agent tasks only, once each with its agents', async () => {
      await setKey(suite.emulator.keys.cloud);
      const prompt = 'Only listed once: a CSV export';
      const agentTask = await seedCloudAgents(suite, 'completed', prompt);
      suite.emulator.addTask({ api: 'cloud', prompt: 'A single-agent task', status: 'completed' });
      await suite.api.store.refresh();
      stubs = answering({ pick: () => undefined });
      const result = await vscode.commands.executeCommand<CompareAgentsResult>('blackboxTasks.compareAgents');
      assert.equal(result.outcome, 'cancelled');
      const pick = stubs.asked.find((question) => question.kind === 'pick');
      assert.ok(pick);
      assert.ok(pick.texts.every((text) => !text.includes('A single-agent task')));
      assert.equal(pick.texts.filter((text) => text.includes(prompt)).length, 1, `${agentTask.key} is listed once`);
      assert.match(pick.texts.find((text) => text.includes(prompt)) ?? '', /3 agents: claude, codex, gemini/);
    });
  });

  describe('per-agent log channels', () => {
    it('Cloud: each agent has its own channel, named with the agent, showing only its lines', async () => {
      await setKey(suite.emulator.keys.cloud);
      const agentTask = await seedCloudAgents(suite, 'completed', 'Split the log by agent');
      const [claude, codex] = agentTask.lanes;
      assert.ok(claude && codex);
      const opened: RecordedChannel[] = [];
      for (const lane of [claude, codex]) {
        const show = () =>
          vscode.commands.executeCommand('blackboxTasks.showLogs', { taskId: agentTask.key, laneKey: lane.key });
        opened.push(...(await channelsCreatedBy(show)));
      }
      assert.equal(opened.length, 2, 'a channel per agent');
      const [claudeLog, codexLog] = opened;
      assert.ok(claudeLog && codexLog);
      assert.match(codexLog.name, /codex · gpt-5\.3-codex/);
      assert.notEqual(codexLog.name, claudeLog.name);
      await whenLogEnds(codexLog);
      const text = await waitUntil(() => {
        const shown = logText(codexLog.name);
        return shown?.includes('codex: I added a token bucket') ? shown : undefined;
      });
      assert.doesNotMatch(text, /claude is reading|gemini is reading/, 'no other agent’s lines');
      assert.match(logText(claudeLog.name) ?? '', /claude is reading the orders controller/);
    });

    it('v1: Show Logs on the task row asks which agent and opens that run’s channel, named with its model', async () => {
      await setKey(suite.emulator.keys.agent);
      const { agentTask, runIds } = await seedV1Agents(suite, ['completed', 'completed', 'failed']);
      stubs = answering({ pick: (items) => items.find((item) => item.label.includes('gemini-2.5-pro')) });
      const opened = await channelsCreatedBy(() =>
        vscode.commands.executeCommand('blackboxTasks.showLogs', taskRow(agentTask)),
      );
      const geminiRun = runIds[2] ?? '';
      assert.equal(opened.length, 1);
      const [geminiLog] = opened;
      assert.match(geminiLog?.name ?? '', /gemini-2\.5-pro/);
      await waitUntil(() => geminiLog?.text.includes(`\nTask ID    ${geminiRun}\n`), { what: 'the gemini run’s log' });
      assert.equal(stubs.asked.filter((question) => question.kind === 'pick').length, 1);
    });
  });

  describe('with a clone of the task’s repository', () => {
    const repo = useGitFixture(suite, 'compare-fixture', REMOTE);

    it('Cloud: Check Out This Agent’s Branch checks out that agent’s branch, not the task’s', async () => {
      await setKey(suite.emulator.keys.cloud);
      repo().agentPushes('blackbox/rate-limit-claude', { 'src/limiter.ts': 'export const claude = 1;\n' });
      const codexTip = repo().agentPushes('blackbox/rate-limit-codex', {
        'src/limiter.ts': 'export const codex = 1;\n',
      });
      const agentTask = await seedCloudAgents(suite);
      const codex = agentTask.lanes[1];
      assert.ok(codex);

      const result = await vscode.commands.executeCommand<CheckoutBranchResult>('blackboxTasks.checkoutBranch', {
        taskId: agentTask.key,
        laneKey: codex.key,
      });
      assert.equal(result.outcome, 'checkedOut', result.message);
      assert.equal(repo().currentBranch(), 'blackbox/rate-limit-codex');
      assert.equal(result.branch, 'blackbox/rate-limit-codex');
      assert.ok(codexTip);
    });

    it('v1: Check Out on the task row asks which agent (only those with a branch) and checks out the chosen one', async () => {
      await setKey(suite.emulator.keys.agent);
      repo().agentPushes('blackbox/rate-limit-codex', { 'src/limiter.ts': 'export const codex = 1;\n' });
      repo().agentPushes('blackbox/rate-limit-gemini', { 'src/limiter.ts': 'export const gemini = 1;\n' });
      const { agentTask } = await seedV1Agents(
        suite,
        ['running', 'completed', 'completed'],
        [undefined, 'blackbox/rate-limit-codex', 'blackbox/rate-limit-gemini'],
      );
      stubs = answering({ pick: (items) => items.find((item) => item.description === 'blackbox/rate-limit-gemini') });

      const result = await vscode.commands.executeCommand<CheckoutBranchResult>(
        'blackboxTasks.checkoutBranch',
        taskRow(agentTask),
      );
      assert.equal(result.outcome, 'checkedOut', result.message);
      assert.equal(repo().currentBranch(), 'blackbox/rate-limit-gemini');
      const pick = stubs.asked.find((question) => question.kind === 'pick');
      assert.ok(pick, 'it asked which agent');
      assert.equal(pick.texts.length, 2, `only the agents with a branch: ${pick.texts.join(', ')}`);
    });

    it('Compare Branches opens the multi-file diff from one agent’s branch to another’s', async () => {
      await setKey(suite.emulator.keys.cloud);
      repo().agentPushes('blackbox/rate-limit-claude', {
        'src/limiter.ts': 'export const limit = 10;\n',
        'docs/claude.md': 'notes\n',
      });
      repo().agentPushes('blackbox/rate-limit-codex', { 'src/limiter.ts': 'export const limit = 20;\n' });
      const agentTask = await seedCloudAgents(suite);
      const [claude, codex] = agentTask.lanes;
      assert.ok(claude && codex);
      const result = await vscode.commands.executeCommand<CompareAgentsResult>('blackboxTasks.compareAgents', {
        taskId: agentTask.key,
        compare: [claude.key, codex.key],
      });
      assert.equal(result.compare?.outcome, 'shown', result.compare?.message);
      assert.equal(result.compare.left, 'blackbox/rate-limit-claude');
      assert.equal(result.compare.right, 'blackbox/rate-limit-codex');
      const files = (result.compare.files ?? []).map((file) => `${file.kind} ${file.path}`).sort();
      assert.deepEqual(files, ['deleted docs/claude.md', 'modified src/limiter.ts']);
    });
  });

  describe('Cancel all and Continue', () => {
    it('v1: Cancel on the task row asks once ("Cancel all 3 agents?") and cancels every agent’s run', async () => {
      await setKey(suite.emulator.keys.agent);
      const { agentTask, runIds } = await seedV1Agents(suite, ['running', 'running', 'queued']);
      suite.emulator.clearRequests();
      stubs = answering({ warning: (_message, buttons) => buttons.find((button) => button === 'Cancel All') });

      const result = await vscode.commands.executeCommand<CancelTaskResult>(
        'blackboxTasks.cancelTask',
        taskRow(agentTask),
      );
      const warnings = stubs.asked.filter((question) => question.kind === 'warning');
      assert.equal(warnings[0]?.texts[0], 'Cancel all 3 agents?');
      assert.equal(result.outcome, 'cancelled', result.message);
      assert.equal(result.runs?.length, 3);
      for (const id of runIds) {
        assert.equal(requests(suite.emulator, 'PATCH', `/api/v1/tasks/${id}`).length, 1, `cancel sent to ${id}`);
        assert.equal(suite.emulator.task(id)?.status, 'cancelled');
      }
    });

    it('v1: declining the confirmation cancels nothing', async () => {
      await setKey(suite.emulator.keys.agent);
      const { agentTask } = await seedV1Agents(suite, ['running', 'running', 'completed']);
      suite.emulator.clearRequests();
      stubs = answering({ warning: () => undefined });
      const result = await vscode.commands.executeCommand<CancelTaskResult>(
        'blackboxTasks.cancelTask',
        taskRow(agentTask),
      );
      assert.equal(result.outcome, 'declined');
      assert.equal(stubs.asked.find((question) => question.kind === 'warning')?.texts[0], 'Cancel all 2 agents?');
      assert.equal(requests(suite.emulator, 'PATCH', '').length, 0);
    });

    it('v1: a run id names that one agent: Cancel stops only its run', async () => {
      await setKey(suite.emulator.keys.agent);
      const { runIds } = await seedV1Agents(suite, ['running', 'running', 'running']);
      suite.emulator.clearRequests();
      const [first, second, third] = runIds;
      assert.ok(first && second && third);
      const result = await vscode.commands.executeCommand<CancelTaskResult>('blackboxTasks.cancelTask', {
        taskId: first,
        confirm: true,
      });
      assert.equal(result.outcome, 'cancelled', result.message);
      assert.equal(result.runs, undefined, 'not Cancel all');
      assert.deepEqual(
        requests(suite.emulator, 'PATCH', '').map((request) => request.path),
        [`/api/v1/tasks/${first}`],
      );
      assert.equal(suite.emulator.task(second)?.status, 'running');
    });

    it('Cloud: Cancel on an agent row says the whole task stops, and stops it once', async () => {
      await setKey(suite.emulator.keys.cloud);
      const agentTask = await seedCloudAgents(suite, 'processing');
      const codex = agentTask.lanes[1];
      assert.ok(codex);
      suite.emulator.clearRequests();
      stubs = answering({ warning: (_message, buttons) => buttons[0] });
      const result = await vscode.commands.executeCommand<CancelTaskResult>('blackboxTasks.cancelTask', {
        taskId: agentTask.key,
        laneKey: codex.key,
      });
      const warning = stubs.asked.find((question) => question.kind === 'warning');
      assert.match(warning?.texts[0] ?? '', /Cancel all 3 agents of task/);
      assert.match(warning?.texts[1] ?? '', /can only stop a task as a whole/);
      assert.equal(result.outcome, 'cancelled', result.message);
      assert.equal(requests(suite.emulator, 'PATCH', `/api/tasks/${agentTask.key}`).length, 1);
    });

    it('v1: Continue on the task row asks which agent and sends the follow-up to that agent’s run', async () => {
      await setKey(suite.emulator.keys.agent);
      const { agentTask, runIds } = await seedV1Agents(
        suite,
        ['completed', 'completed', 'failed'],
        ['blackbox/rate-limit-claude', 'blackbox/rate-limit-codex'],
      );
      suite.emulator.clearRequests();
      const codexRun = runIds[1] ?? '';
      stubs = answering({ pick: (items) => items.find((item) => item.description === 'blackbox/rate-limit-codex') });
      const result = await vscode.commands.executeCommand<ContinueTaskResult>('blackboxTasks.continueTask', {
        ...taskRow(agentTask),
        prompt: 'Also limit the refunds endpoint',
      });
      assert.equal(result.outcome, 'sent', result.message);
      assert.equal(result.previousId, codexRun);
      const pick = stubs.asked.find((question) => question.kind === 'pick');
      assert.equal(pick?.texts.length, 3, 'every finished agent is offered');
      const sent = requests(suite.emulator, 'POST', '/continue');
      assert.equal(sent.length, 1);
      assert.equal(sent[0]?.path, `/api/v1/tasks/${codexRun}/continue`);
      // The follow-up joins that agent's line: the task still has three agents.
      const after = await waitUntil(() => {
        const found = findAgentTask(agentTasksOf(suite.api.store.tasks()), codexRun);
        return found?.lanes.find((lane) => lane.earlierRuns.some((run) => run.id === codexRun)) ? found : undefined;
      });
      assert.equal(after.lanes.length, 3);
    });

    it('Cloud: Continue from an agent sends that agent and its model', async () => {
      await setKey(suite.emulator.keys.cloud);
      const agentTask = await seedCloudAgents(suite);
      const codex = agentTask.lanes[1];
      assert.ok(codex);
      suite.emulator.clearRequests();
      const result = await vscode.commands.executeCommand<ContinueTaskResult>('blackboxTasks.continueTask', {
        taskId: agentTask.key,
        laneKey: codex.key,
        prompt: 'Add a test for the limiter',
      });
      assert.equal(result.outcome, 'sent', result.message);
      const sent = requests(suite.emulator, 'POST', `/api/tasks/${agentTask.key}/continue`);
      assert.equal(sent.length, 1);
      assert.deepEqual(sent[0]?.body, {
        currentPrompt: 'Add a test for the limiter',
        selectedAgent: 'codex',
        selectedModel: MODELS[1],
      });
    });
  });
});
