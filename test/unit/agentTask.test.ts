import * as assert from 'node:assert/strict';
import {
  FOLLOW_UP_AFTER_MS,
  agentTasksOf,
  findAgentTask,
  laneOf,
  placementOf,
  type AgentTask,
} from '../../src/core/tasks/agentTask';
import { ALL_STATUSES, type AgentRun, type Task, type TaskStatus } from '../../src/core/tasks/model';
import { buildTreeModel } from '../../src/core/view/taskGrouping';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const SECOND = 1_000;

function run(id: string, overrides: Partial<Task> = {}): Task {
  const status = overrides.status ?? 'completed';
  return { id, api: 'agent', status, rawStatus: status, createdAt: T0, ...overrides };
}

function execution(agent: string, status: TaskStatus, overrides: Partial<AgentRun> = {}): AgentRun {
  return { agent, status, rawStatus: status, ...overrides };
}

function only(tasks: readonly AgentTask[]): AgentTask {
  assert.equal(tasks.length, 1, `one task expected, got ${tasks.map((task) => task.key).join(', ')}`);
  return tasks[0];
}

/** The lanes as `[lane key, latest run, earlier runs]`. */
function lanes(task: AgentTask): [string, string, string[]][] {
  return task.lanes.map((lane) => [lane.key, lane.run.id, lane.earlierRuns.map((earlier) => earlier.id)]);
}

/** Three v1 sibling runs as the list shows them: one taskId and chat, created a moment apart. */
function siblings(statuses: readonly TaskStatus[] = ['running', 'completed', 'failed']): Task[] {
  const agents = ['claude', 'codex', 'claude'];
  const models = ['anthropic/claude-sonnet-4.6', 'openai/gpt-5.3-codex', 'anthropic/claude-opus-4.1'];
  return statuses.map((status, index) =>
    run(`run-${index + 1}`, {
      status,
      taskKey: 'task-1',
      threadId: 'chat-1',
      agent: agents[index % 3],
      model: models[index % 3],
      createdAt: T0 + index * 300,
      prompt: 'Add a CSV export',
    }),
  );
}

describe('agentTask: which runs belong together', () => {
  describe('Agent API v1', () => {
    it('runs that share a taskId and chat, created together, are siblings: one task, one lane each', () => {
      const task = only(agentTasksOf(siblings()));
      assert.equal(task.key, 'task-1');
      assert.equal(task.multiAgent, true);
      assert.equal(task.prompt, 'Add a CSV export');
      assert.deepEqual(lanes(task), [
        ['run-1', 'run-1', []],
        ['run-2', 'run-2', []],
        ['run-3', 'run-3', []],
      ]);
      assert.deepEqual(
        task.lanes.map((lane) => [lane.agent, lane.model, lane.status]),
        [
          ['claude', 'anthropic/claude-sonnet-4.6', 'running'],
          ['codex', 'openai/gpt-5.3-codex', 'completed'],
          ['claude', 'anthropic/claude-opus-4.1', 'failed'],
        ],
      );
      assert.equal(task.status, 'running', 'one agent still runs');
    });

    it('siblings are recognised by their chat alone when the list gives no distinct taskId', () => {
      const runs = siblings().map(({ taskKey: _taskKey, ...rest }) => rest);
      const task = only(agentTasksOf(runs));
      assert.equal(task.lanes.length, 3);
      assert.equal(task.key, 'run-1', 'the first run names the task when the API gives no task id');
    });

    it('siblings are recognised by their taskId alone when the chat is not known', () => {
      const runs = siblings().map(({ threadId: _threadId, ...rest }) => rest);
      assert.equal(only(agentTasksOf(runs)).lanes.length, 3);
    });

    it('the order of the list does not matter', () => {
      const task = only(agentTasksOf([...siblings()].reverse()));
      assert.deepEqual(
        task.lanes.map((lane) => lane.key),
        ['run-1', 'run-2', 'run-3'],
      );
    });

    it('a run naming the run it continues is a follow-up in that run’s lane, even created at once', () => {
      const followUp = run('run-4', {
        threadId: 'chat-1',
        previousRunId: 'run-2',
        status: 'queued',
        createdAt: T0 + 2 * SECOND,
        agent: 'claude',
        model: 'anthropic/claude-sonnet-4.6',
      });
      const task = only(agentTasksOf([...siblings(), followUp]));
      assert.deepEqual(lanes(task), [
        ['run-1', 'run-1', []],
        ['run-2', 'run-4', ['run-2']],
        ['run-3', 'run-3', []],
      ]);
      assert.equal(laneOf(task, 'run-2')?.status, 'queued', 'the lane shows its latest run');
    });

    for (const [when, createdAt] of [
      ['more than a minute', T0 + FOLLOW_UP_AFTER_MS + SECOND],
      ['exactly a minute (the boundary belongs to follow-ups)', T0 + FOLLOW_UP_AFTER_MS],
    ] as const) {
      it(`a run created ${when} after the first, without previousRunId, is a follow-up of the lane with its agent and model`, () => {
        const followUp = run('run-4', {
          threadId: 'chat-1',
          taskKey: 'task-1',
          createdAt,
          agent: 'codex',
          model: 'openai/gpt-5.3-codex',
        });
        const task = only(agentTasksOf([...siblings(), followUp]));
        assert.deepEqual(lanes(task), [
          ['run-1', 'run-1', []],
          ['run-2', 'run-4', ['run-2']],
          ['run-3', 'run-3', []],
        ]);
      });
    }

    it('a late run whose agent matches no lane joins the lane that finished last', () => {
      const runs = siblings(['completed', 'completed', 'failed']).map((sibling, index) => ({
        ...sibling,
        completedAt: T0 + [5, 9, 7][index] * 60 * SECOND,
      }));
      const followUp = run('run-4', { threadId: 'chat-1', createdAt: T0 + 20 * 60 * SECOND, model: 'other' });
      const task = only(agentTasksOf([...runs, followUp]));
      assert.deepEqual(
        laneOf(task, 'run-2')?.earlierRuns.map((earlier) => earlier.id),
        ['run-2'],
      );
      assert.equal(laneOf(task, 'run-2')?.run.id, 'run-4');
    });

    it('a run beyond the agent count the create answer gave is a follow-up, however soon it came', () => {
      const runs = siblings(['completed', 'completed']).map((sibling) => ({ ...sibling, agentCount: 2 }));
      const soon = run('run-3', {
        threadId: 'chat-1',
        createdAt: T0 + 10 * SECOND,
        agent: 'codex',
        model: 'openai/gpt-5.3-codex',
      });
      const task = only(agentTasksOf([...runs, soon]));
      assert.deepEqual(lanes(task), [
        ['run-1', 'run-1', []],
        ['run-2', 'run-3', ['run-2']],
      ]);
      assert.equal(task.agentCount, 2);
    });

    it('the one run known right after a multi-agent create is already a multi-agent task', () => {
      const created = run('run-1', { status: 'queued', taskKey: 'task-1', threadId: 'chat-1', agentCount: 3 });
      const task = only(agentTasksOf([created]));
      assert.equal(task.multiAgent, true);
      assert.equal(task.key, 'task-1');
      assert.equal(task.lanes.length, 1);
    });

    it('a single-agent chat stays one lane: its latest run, earlier runs beneath, in the latest run’s group', () => {
      const chat = [
        run('first', { threadId: 'chat-9', createdAt: T0 - 30 * 60 * SECOND }),
        run('second', { threadId: 'chat-9', createdAt: T0 - 20 * 60 * SECOND }),
        run('third', { threadId: 'chat-9', status: 'running', createdAt: T0, previousRunId: 'second' }),
      ];
      const task = only(agentTasksOf(chat));
      assert.equal(task.multiAgent, false);
      assert.deepEqual(lanes(task), [['first', 'third', ['first', 'second']]]);
      assert.equal(task.status, 'running');
      assert.deepEqual(
        task.lanes.flatMap((lane) => [...lane.earlierRuns, lane.run].map((each) => each.id)),
        ['first', 'second', 'third'],
      );
    });

    it('runs of different chats, and runs without chat or task id, stay apart', () => {
      const tasks = agentTasksOf([run('a', { threadId: 'c1' }), run('b', { threadId: 'c2' }), run('c'), run('d')]);
      assert.deepEqual(tasks.map((task) => task.key).sort(), ['a', 'b', 'c', 'd']);
      assert.ok(tasks.every((task) => !task.multiAgent));
    });

    it('findAgentTask finds a task by its key, any of its runs, or a lane key', () => {
      const followUp = run('run-4', { threadId: 'chat-1', previousRunId: 'run-3', createdAt: T0 + 5 * SECOND });
      const tasks = agentTasksOf([...siblings(), followUp, run('other')]);
      for (const id of ['task-1', 'run-1', 'run-3', 'run-4']) assert.equal(findAgentTask(tasks, id)?.key, 'task-1', id);
      assert.equal(findAgentTask(tasks, 'other')?.key, 'other');
      assert.equal(findAgentTask(tasks, 'nothing'), undefined);
    });
  });

  describe('Cloud API', () => {
    const cloudTask = (status: TaskStatus, executions: AgentRun[], overrides: Partial<Task> = {}): Task => ({
      id: 'tskM2nB5vC8x',
      api: 'cloud',
      threadId: 'tskM2nB5vC8x',
      status,
      rawStatus: status,
      prompt: 'Implement a CSV export',
      repoUrl: 'https://github.com/acme/shop.git',
      createdAt: T0,
      startedAt: T0 + 5 * SECOND,
      agentRuns: executions,
      ...overrides,
    });

    it('agentExecutions are the lanes of one task, each with its own status, branch, PR, diff and error', () => {
      const task = only(
        agentTasksOf([
          cloudTask('running', [
            execution('claude', 'running'),
            execution('codex', 'completed', {
              model: 'openai/gpt-5.3-codex',
              branch: 'blackbox/csv-codex',
              pullRequestUrl: 'https://github.com/acme/shop/pull/7',
              diffStats: { filesChanged: 3, linesAdded: 42, linesRemoved: 7 },
              completedAt: T0 + 4 * 60 * SECOND,
            }),
            execution('gemini', 'failed', { error: 'Agent crashed' }),
          ]),
        ]),
      );
      assert.equal(task.key, 'tskM2nB5vC8x');
      assert.equal(task.multiAgent, true);
      assert.equal(task.status, 'running');
      assert.deepEqual(
        task.lanes.map((lane) => [lane.key, lane.agent, lane.status, lane.branch, lane.pullRequestUrl, lane.error]),
        [
          ['tskM2nB5vC8x#0', 'claude', 'running', undefined, undefined, undefined],
          [
            'tskM2nB5vC8x#1',
            'codex',
            'completed',
            'blackbox/csv-codex',
            'https://github.com/acme/shop/pull/7',
            undefined,
          ],
          ['tskM2nB5vC8x#2', 'gemini', 'failed', undefined, undefined, 'Agent crashed'],
        ],
      );
      assert.ok(
        task.lanes.every((lane) => lane.run.id === 'tskM2nB5vC8x'),
        'every agent acts through its task',
      );
      assert.equal(task.lanes[1]?.startedAt, T0 + 5 * SECOND, 'an execution without times starts with its task');
      assert.deepEqual(task.lanes[1]?.diffStats, { filesChanged: 3, linesAdded: 42, linesRemoved: 7 });
    });

    it('a Cloud task with one execution, or none, is a single-agent task (follow-ups live inside it)', () => {
      for (const executions of [[], [execution('claude', 'completed')]]) {
        const task = only(agentTasksOf([cloudTask('completed', executions)]));
        assert.equal(task.multiAgent, false);
        assert.equal(task.lanes.length, 1);
        assert.equal(task.lanes[0]?.key, 'tskM2nB5vC8x');
      }
    });

    it('a Cloud task still saving its work stays Running after its agents finished', () => {
      const task = only(
        agentTasksOf([cloudTask('running', [execution('claude', 'completed'), execution('codex', 'failed')])]),
      );
      assert.equal(task.status, 'running');
    });

    it('a finished Cloud task has no agent at work: executions still said active take the task’s status', () => {
      const task = only(
        agentTasksOf([cloudTask('completed', [execution('claude', 'completed'), execution('codex', 'running')])]),
      );
      assert.deepEqual(
        task.lanes.map((lane) => lane.status),
        ['completed', 'completed'],
      );
    });

    it('Cloud tasks never join each other, even with one thread id', () => {
      const a = cloudTask('completed', [], { id: 'a', threadId: 'x' });
      const b = cloudTask('completed', [], { id: 'b', threadId: 'x' });
      assert.equal(agentTasksOf([a, b]).length, 2);
    });
  });
});

describe('agentTask: group placement', () => {
  /** The rule, written as the docs state it, to check the implementation against. */
  function expected(statuses: readonly TaskStatus[]): TaskStatus {
    if (statuses.includes('running')) return 'running';
    if (statuses.includes('queued')) return 'queued';
    if (statuses.includes('unknown')) return 'unknown';
    if (statuses.includes('completed')) return 'completed';
    if (statuses.includes('failed')) return 'failed';
    if (statuses.includes('interrupted')) return 'interrupted';
    return 'cancelled';
  }

  function* combinations(size: number): Generator<TaskStatus[]> {
    if (size === 0) {
      yield [];
      return;
    }
    for (const rest of combinations(size - 1)) for (const status of ALL_STATUSES) yield [...rest, status];
  }

  it('places every combination of two and three agents’ states, on both APIs and in the tree', () => {
    let checked = 0;
    for (const size of [2, 3]) {
      for (const statuses of combinations(size)) {
        const want = expected(statuses);
        assert.equal(placementOf(statuses), want, statuses.join(','));

        const v1 = only(agentTasksOf(siblings(statuses)));
        assert.equal(v1.status, want, `v1 ${statuses.join(',')}`);
        const tree = buildTreeModel(siblings(statuses));
        assert.deepEqual(
          tree.groups.map((group) => [group.status, group.count]),
          [[want, 1]],
          `tree ${statuses.join(',')}`,
        );

        // The Cloud task's own status follows its executions.
        const cloudStatus: TaskStatus = statuses.includes('running')
          ? 'running'
          : statuses.includes('queued')
            ? 'queued'
            : 'completed';
        const cloud = only(
          agentTasksOf([
            {
              id: 'c',
              api: 'cloud',
              status: cloudStatus,
              rawStatus: cloudStatus,
              agentRuns: statuses.map((status, index) => execution(`agent${index}`, status)),
            },
          ]),
        );
        assert.equal(cloud.status, want, `cloud ${statuses.join(',')}`);
        checked++;
      }
    }
    assert.equal(checked, 7 ** 2 + 7 ** 3);
  });

  it('documents the outcome order when none completed: Failed over Interrupted over Cancelled', () => {
    assert.equal(placementOf(['cancelled', 'interrupted']), 'interrupted');
    assert.equal(placementOf(['cancelled', 'failed', 'interrupted']), 'failed');
    assert.equal(placementOf(['cancelled', 'cancelled']), 'cancelled');
    assert.equal(placementOf(['failed', 'completed', 'cancelled']), 'completed');
  });
});
