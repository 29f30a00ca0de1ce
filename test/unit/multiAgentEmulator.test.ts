import * as assert from 'node:assert/strict';
import { createTasksApi } from '../../src/core/api/createTasksApi';
import type { TasksApi } from '../../src/core/api/tasksApi';
import { agentTasksOf, findAgentTask, type AgentTask } from '../../src/core/tasks/agentTask';
import type { ApiKind, Task } from '../../src/core/tasks/model';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { DEMO_IDS, demoScenario } from '../emulator/scenarios';
import { arr, call, rec } from './emulatorHelpers';

/** Multi-agent tasks end to end: the emulator's reading of the docs, read back by the real clients. */

const FAST = { queueMs: 1_000, eventMs: 100, savingMs: 500 };
const REPO = 'https://github.com/blackbox-demo/shop-api.git';
const AGENTS = [
  { agent: 'claude', model: 'blackboxai/anthropic/claude-sonnet-4.6' },
  { agent: 'codex', model: 'blackboxai/openai/gpt-5.3-codex' },
  { agent: 'claude', model: 'blackboxai/anthropic/claude-opus-4.1' },
];

describe('multi-agent tasks against the emulator', () => {
  let emu: Emulator;

  beforeEach(async () => {
    emu = await startEmulator({ scenario: demoScenario(), clock: 'manual', timing: FAST, keepAliveMs: 0 });
  });
  afterEach(() => emu.close());

  function client(kind: ApiKind): TasksApi {
    return createTasksApi({ kind, baseUrl: emu.url, apiKey: kind === 'agent' ? emu.keys.agent : emu.keys.cloud });
  }

  async function listed(api: TasksApi): Promise<Task[]> {
    return [...(await api.list({ limit: 100 })).tasks];
  }

  function taskOf(tasks: readonly Task[], id: string): AgentTask {
    const found = findAgentTask(agentTasksOf(tasks), id);
    assert.ok(found, `a task holding ${id}`);
    return found;
  }

  describe('Agent API v1', () => {
    it('create answers {taskId, runId, chatId, agentCount}; each agent gets its own run, the siblings share a taskId (not a runId) and the chat', async () => {
      const api = client('agent');
      const created = await api.create({ prompt: 'Race three agents', repoUrl: REPO, agents: AGENTS });
      assert.equal(created.agentCount, 3);
      const answer = rec([...emu.requests].reverse().find((r) => r.method === 'POST')?.body);
      assert.deepEqual(answer.selectedAgents, AGENTS, 'each agent’s model was sent');
      const runs = emu.tasks('agent').filter((run) => run.prompt === 'Race three agents');
      assert.equal(runs.length, 3);
      const taskId = created.task.taskKey;
      assert.ok(taskId, 'the created run knows its task id');
      assert.ok(runs.every((run) => run.taskId === taskId && run.chatId === created.threadId));
      assert.ok(runs.every((run) => run.id !== taskId));
      assert.equal(created.task.agentCount, 3);
      assert.equal(created.task.agent, 'claude', 'the answer’s run is the first agent’s');

      const list = arr(rec((await call(`${emu.url}/api/v1/tasks?limit=100`, emu.keys.agent)).body).tasks);
      const siblings = list.filter((row) => row.taskId === taskId);
      assert.equal(siblings.length, 3, 'the list carries each run’s taskId');

      emu.advance(60_000);
      const task = taskOf(await listed(api), created.id);
      assert.equal(task.key, taskId);
      assert.equal(task.multiAgent, true);
      assert.equal(task.lanes.length, 3);
      for (const lane of task.lanes) {
        const details = await api.get(lane.run.id);
        assert.equal(details.status, 'completed');
        assert.equal(details.taskKey, taskId);
        assert.ok(details.createdBranch, 'each agent pushed a branch');
      }
      const branches = await Promise.all(task.lanes.map(async (lane) => (await api.get(lane.run.id)).createdBranch));
      assert.equal(new Set(branches).size, 3, `each agent its own branch: ${branches.join(', ')}`);
      assert.deepEqual(
        task.lanes.map((lane) => lane.model),
        AGENTS.map((choice) => choice.model),
      );
    });

    it('a follow-up is a new run in the chat with previousRunId and its own taskId; it joins its agent’s lane', async () => {
      const api = client('agent');
      const created = await api.create({ prompt: 'Race two agents', agents: AGENTS.slice(0, 2) });
      emu.advance(60_000);
      const before = taskOf(await listed(api), created.id);
      const codexRun = before.lanes[1]?.run.id ?? '';
      const continued = await api.continue(codexRun, { prompt: 'Now add tests' });
      assert.equal(continued.previousId, codexRun);
      assert.equal(continued.threadId, created.threadId);
      // The list has no previousRunId: the store keeps the run the continue answer described.
      const tasks = (await listed(api)).map((task) => (task.id === continued.id ? continued.task : task));
      const after = taskOf(tasks, created.id);
      assert.equal(after.lanes.length, 2, 'a follow-up is not another agent');
      assert.equal(after.lanes[1]?.run.id, continued.id);
      assert.deepEqual(
        after.lanes[1]?.earlierRuns.map((run) => run.id),
        [codexRun],
      );
    });

    it('the demo has a 3-agent task: one running with a live log, one completed with a branch and PR, one failed', async () => {
      const api = client('agent');
      const task = taskOf(await listed(api), DEMO_IDS.agent.multiRunning);
      assert.equal(task.key, DEMO_IDS.agentMultiTask);
      assert.deepEqual(
        task.lanes.map((lane) => [lane.run.id, lane.status]),
        [
          [DEMO_IDS.agent.multiRunning, 'running'],
          [DEMO_IDS.agent.multiCompleted, 'completed'],
          [DEMO_IDS.agent.multiFailed, 'failed'],
        ],
      );
      assert.equal(task.status, 'running');
      const done = await api.get(DEMO_IDS.agent.multiCompleted);
      assert.equal(done.createdBranch, 'blackbox/csv-export-orders-codex');
      assert.equal(done.pullRequestUrl, 'https://github.com/blackbox-demo/shop-api/pull/88');
      const failed = await api.get(DEMO_IDS.agent.multiFailed);
      assert.match(failed.error ?? '', /2 failing/);
      const before = emu.task(DEMO_IDS.agent.multiRunning)?.events.length ?? 0;
      emu.advance(5_000);
      assert.ok((emu.task(DEMO_IDS.agent.multiRunning)?.events.length ?? 0) > before, 'the live log moves');
    });
  });

  describe('Cloud API', () => {
    it('selectedAgents create agentExecutions that progress per agent: own status, branch, PR and diff; the task follows them', async () => {
      const api = client('cloud');
      const created = await api.create({ prompt: 'Race on Cloud', repoUrl: REPO, agents: AGENTS });
      assert.deepEqual(rec([...emu.requests].reverse().find((r) => r.method === 'POST')?.body).selectedAgents, AGENTS);
      let task = taskOf([await api.get(created.id)], created.id);
      assert.equal(task.multiAgent, true);
      assert.deepEqual(
        task.lanes.map((lane) => [lane.agent, lane.model, lane.status]),
        AGENTS.map((choice) => [choice.agent, choice.model, 'queued']),
      );

      emu.advance(FAST.queueMs + 100);
      task = taskOf([await api.get(created.id)], created.id);
      assert.equal(task.status, 'running');
      assert.ok(task.lanes.every((lane) => lane.status === 'running'));

      // Agents finish one after another, each at its own last log line.
      const seen = new Set<string>();
      for (let step = 0; step < 40 && task.status === 'running'; step++) {
        emu.advance(100);
        task = taskOf([await api.get(created.id)], created.id);
        seen.add(task.lanes.map((lane) => lane.status).join(','));
      }
      assert.ok(
        seen.has('completed,running,running') || seen.has('completed,completed,running'),
        [...seen].join(' | '),
      );
      assert.equal(task.status, 'completed');
      assert.deepEqual(
        task.lanes.map((lane) => lane.status),
        ['completed', 'completed', 'completed'],
      );
      assert.equal(new Set(task.lanes.map((lane) => lane.branch)).size, 3, 'each agent its own branch');
      assert.ok(task.lanes.every((lane) => lane.pullRequestUrl?.startsWith('https://github.com/blackbox-demo/')));
      assert.ok(task.lanes.every((lane) => lane.diffStats !== undefined && lane.completedAt !== undefined));

      const agentsInLog = new Set(emu.task(created.id)?.events.map((event) => event.agent));
      assert.deepEqual([...agentsInLog].sort(), ['claude', 'codex']);
    });

    it('the demo’s Cloud 3-agent task: claude running, codex completed with branch and PR, gemini failed', async () => {
      const api = client('cloud');
      const task = taskOf([await api.get(DEMO_IDS.cloud.multiAgent)], DEMO_IDS.cloud.multiAgent);
      assert.equal(task.status, 'running');
      assert.deepEqual(
        task.lanes.map((lane) => [lane.agent, lane.status, lane.branch, lane.pullRequestUrl, lane.error]),
        [
          ['claude', 'running', undefined, undefined, undefined],
          [
            'codex',
            'completed',
            'blackbox/csv-export-orders-codex',
            'https://github.com/blackbox-demo/shop-api/pull/63',
            undefined,
          ],
          ['gemini', 'failed', undefined, undefined, 'Agent crashed while running tests'],
        ],
      );
      emu.advance(60_000);
      const done = taskOf([await api.get(DEMO_IDS.cloud.multiAgent)], DEMO_IDS.cloud.multiAgent);
      assert.equal(done.status, 'completed', 'the task completes when its last agent does');
      assert.equal(done.lanes[0]?.branch, 'blackbox/csv-export-orders-claude');
    });
  });
});
