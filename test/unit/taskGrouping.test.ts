import * as assert from 'node:assert/strict';
import { buildTreeModel, countActive, groupExpandedByDefault } from '../../src/core/view/taskGrouping';
import type { Task, TaskStatus } from '../../src/core/tasks/model';
import { NO_FILTER } from '../../src/core/view/taskFilter';

const T0 = Date.parse('2025-03-01T12:00:00Z');

function task(id: string, status: TaskStatus, minutesAgo: number, overrides: Partial<Task> = {}): Task {
  return { id, api: 'agent', status, rawStatus: status, createdAt: T0 - minutesAgo * 60_000, ...overrides };
}

describe('taskGrouping', () => {
  it('groups in lifecycle order with counts and hides empty groups', () => {
    const model = buildTreeModel([
      task('c1', 'completed', 10),
      task('f1', 'failed', 5),
      task('r1', 'running', 1),
      task('q1', 'queued', 0),
      task('c2', 'completed', 3),
      task('u1', 'unknown', 2),
    ]);
    assert.deepEqual(
      model.groups.map((group) => [group.id, group.label, group.count]),
      [
        ['group:running', 'Running', 1],
        ['group:queued', 'Queued', 1],
        ['group:completed', 'Completed', 2],
        ['group:failed', 'Failed', 1],
        ['group:unknown', 'Unknown', 1],
      ],
    );
    assert.equal(model.total, 6);
  });

  it('orders rows newest first, falling back to the server order', () => {
    const model = buildTreeModel(
      [
        task('old', 'completed', 30),
        task('new', 'completed', 1),
        { ...task('a', 'completed', 0), createdAt: undefined },
        { ...task('b', 'completed', 0), createdAt: undefined },
      ],
      {
        rank: new Map([
          ['b', 0],
          ['a', 1],
        ]),
      },
    );
    assert.deepEqual(
      model.groups[0]?.rows.map((row) => row.id),
      ['task:new', 'task:old', 'task:b', 'task:a'],
    );
  });

  it('shows a v1 chat as its latest run, with earlier runs as children, in the latest run’s group', () => {
    const model = buildTreeModel([
      task('first', 'completed', 30, { threadId: 'chat-1' }),
      task('second', 'completed', 20, { threadId: 'chat-1' }),
      task('third', 'running', 1, { threadId: 'chat-1', previousRunId: 'second' }),
      task('alone', 'completed', 5, { threadId: 'chat-2' }),
    ]);
    const running = model.groups.find((group) => group.status === 'running');
    assert.equal(running?.count, 1);
    const row = running?.rows[0];
    assert.equal(row?.taskId, 'third');
    assert.deepEqual(
      row?.earlierRuns.map((run) => run.id),
      ['first', 'second'],
    );
    const completed = model.groups.find((group) => group.status === 'completed');
    assert.deepEqual(
      completed?.rows.map((r) => r.taskId),
      ['alone'],
      'earlier runs are not listed twice',
    );
  });

  it('never threads Cloud tasks (their follow-ups live inside the task)', () => {
    const model = buildTreeModel([
      task('a', 'completed', 1, { api: 'cloud', threadId: 'a' }),
      task('b', 'completed', 2, { api: 'cloud', threadId: 'a' }),
    ]);
    assert.equal(model.groups[0]?.count, 2);
  });

  it('applies the filter before grouping', () => {
    const model = buildTreeModel(
      [
        task('a', 'failed', 1, { prompt: 'login' }),
        task('b', 'failed', 2, { prompt: 'other' }),
        task('c', 'completed', 3, { prompt: 'login too' }),
      ],
      {
        filter: { ...NO_FILTER, text: 'login', statuses: ['failed'] },
      },
    );
    assert.deepEqual(
      model.groups.map((g) => [g.status, g.count]),
      [['failed', 1]],
    );
    assert.equal(model.shown, 1);
    assert.equal(model.total, 3);
  });

  it('expands active groups and collapses terminal ones by default', () => {
    assert.equal(groupExpandedByDefault('running'), true);
    assert.equal(groupExpandedByDefault('queued'), true);
    assert.equal(groupExpandedByDefault('completed'), false);
    assert.equal(groupExpandedByDefault('failed'), false);
  });

  it('counts running and queued runs', () => {
    assert.deepEqual(
      countActive([task('a', 'running', 1), task('b', 'queued', 1), task('c', 'running', 1), task('d', 'failed', 1)]),
      { running: 2, queued: 1 },
    );
  });

  it('builds 10,000 tasks into groups without losing any', () => {
    const statuses: TaskStatus[] = ['running', 'queued', 'completed', 'failed', 'cancelled', 'interrupted'];
    const many = Array.from({ length: 10_000 }, (_, i) =>
      task(`t${i}`, statuses[i % statuses.length], i, i % 10 === 0 ? { threadId: `chat-${i % 300}` } : {}),
    );
    const model = buildTreeModel(many);
    const rows = model.groups.reduce(
      (sum, group) => sum + group.rows.reduce((n, row) => n + 1 + row.earlierRuns.length, 0),
      0,
    );
    assert.equal(rows, 10_000);
  });
});
