import * as assert from 'node:assert/strict';
import type { Task } from '../../src/core/tasks/model';
import { combineChanges, NO_CHANGE, TaskTable } from '../../src/core/tasks/taskTable';

function task(id: string, fields: Partial<Task> = {}): Task {
  return { id, api: 'cloud', status: 'running', rawStatus: 'processing', ...fields };
}

describe('TaskTable', () => {
  it('returns what a fold changed instead of filling out-parameters, and nothing for an answer that changes nothing', () => {
    const table = new TaskTable();
    const first = table.fold(task('a', { prompt: 'Fix it' }), 'cloudTask');
    assert.deepEqual(first.changed, ['a']);
    assert.equal(first.activity, true, 'a new active task changes what the schedule sees');
    assert.equal(table.fold(task('a', { prompt: 'Fix it' }), 'cloudTask'), NO_CHANGE);
  });

  it('reports a task seen running as finished once, when live data says it is terminal', () => {
    const table = new TaskTable();
    table.fold(task('a'), 'cloudTask');
    const done = table.fold(task('a', { status: 'completed', rawStatus: 'completed' }), 'cloudTask');
    assert.deepEqual(
      done.finished.map((t) => t.id),
      ['a'],
    );
    assert.equal(done.activity, true);
    assert.deepEqual(table.fold(task('a', { status: 'completed', rawStatus: 'completed' }), 'cloudTask').finished, []);
  });

  it('keeps a status seen on a stream against an older list answer', () => {
    const table = new TaskTable();
    table.fold(task('a'), 'cloudTask');
    table.applyStatus('a', { status: 'completed', rawStatus: 'completed' }, 'stream', { stampAt: 2_000 });
    const stale = table.fold(task('a', { status: 'running', rawStatus: 'processing' }), 'cloudTask', {
      requestStartedAt: 1_000,
    });
    assert.equal(table.get('a')?.status, 'completed');
    assert.deepEqual(stale.finished, []);
  });

  it('clears a pending cancel when the task becomes terminal, and reports the row as changed', () => {
    const table = new TaskTable();
    table.fold(task('a'), 'cloudTask');
    assert.equal(table.setPendingCancel('a', true), true);
    assert.equal(table.setPendingCancel('a', true), false, 'already pending');
    const cancelled = table.applyStatus('a', { status: 'cancelled', rawStatus: 'stopped' }, 'stream');
    assert.deepEqual(cancelled.changed, ['a']);
    assert.equal(table.isPendingCancel('a'), false);
  });

  it('takes what cached details knew for a task it did not hold yet', () => {
    const table = new TaskTable((id) => (id === 'a' ? { prompt: 'From details' } : undefined));
    table.fold(task('a', { api: 'agent' }), 'agentList');
    assert.equal(table.get('a')?.prompt, 'From details');
  });

  it('combines several folds into one change', () => {
    const table = new TaskTable();
    const change = combineChanges([table.fold(task('a'), 'cloudTask'), table.fold(task('b'), 'cloudTask'), NO_CHANGE]);
    assert.deepEqual([...change.changed].sort(), ['a', 'b']);
    assert.equal(combineChanges([NO_CHANGE, NO_CHANGE]), NO_CHANGE);
  });

  it('orders the snapshot newest first, then by list position, and says when it cut the list', () => {
    const table = new TaskTable();
    table.fold(task('old', { createdAt: 1 }), 'cloudTask');
    table.fold(task('new', { createdAt: 3 }), 'cloudTask');
    table.fold(task('untimed-2'), 'cloudTask');
    table.fold(task('untimed-1'), 'cloudTask');
    table.setRank('untimed-1', 0);
    table.setRank('untimed-2', 1);
    const { tasks, truncated } = table.newest(3);
    assert.deepEqual(
      tasks.map((t) => t.id),
      ['new', 'old', 'untimed-1'],
    );
    assert.equal(truncated, true);
  });
});
