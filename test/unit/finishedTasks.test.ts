import * as assert from 'node:assert/strict';
import {
  FinishedBatcher,
  parseNotificationMode,
  planFinishedNotice,
  TransitionTracker,
} from '../../src/core/tasks/finishedTasks';
import type { Task, TaskStatus } from '../../src/core/tasks/model';
import { FakeClock } from './support/fakeClock';
import { settle } from './support/fakeTasksApi';

function task(id: string, status: TaskStatus, overrides: Partial<Task> = {}): Task {
  return { id, api: 'agent', status, rawStatus: status, prompt: `Prompt ${id}`, ...overrides };
}

describe('finishedTasks', () => {
  it('reports a task once when it moves from active to terminal, never one only seen finished', () => {
    const tracker = new TransitionTracker();
    assert.equal(tracker.observe('a', 'completed'), false);
    assert.equal(tracker.observe('b', 'queued'), false);
    assert.equal(tracker.observe('b', 'running'), false);
    assert.equal(tracker.observe('b', 'failed'), true);
    assert.equal(tracker.observe('b', 'failed'), false);
    assert.equal(tracker.observe('c', 'running'), false);
    assert.equal(tracker.observe('c', 'unknown'), false, 'unknown is not an ending');
    assert.equal(tracker.observe('c', 'cancelled'), true);
  });

  it('batches tasks that finish within the window into one event', async () => {
    const clock = new FakeClock();
    const batcher = new FinishedBatcher(clock, 1_500);
    const batches: string[][] = [];
    batcher.onDidBatch((batch) => batches.push(batch.map((t) => t.id)));
    batcher.add([task('a', 'completed')]);
    clock.advance(1_000);
    batcher.add([task('b', 'failed'), task('c', 'completed')]);
    await settle();
    assert.deepEqual(batches, []);
    clock.advance(500);
    await settle();
    assert.deepEqual(batches, [['a', 'b', 'c']]);
    batcher.add([task('d', 'completed')]);
    clock.advance(1_500);
    await settle();
    assert.deepEqual(batches, [['a', 'b', 'c'], ['d']]);
  });

  describe('notice', () => {
    it('names a single task and offers the actions it supports', () => {
      const notice = planFinishedNotice(
        [
          task('a', 'completed', {
            repoUrl: 'https://github.com/o/r.git',
            createdBranch: 'bb/fix',
            pullRequestUrl: 'https://github.com/o/r/pull/9',
          }),
        ],
        'all',
      );
      assert.equal(notice?.message, 'BLACKBOX task “Prompt a” completed.');
      assert.equal(notice?.severity, 'info');
      assert.deepEqual(
        notice?.actions.map((a) => [a.title, a.command, a.taskIds]),
        [
          ['Show Logs', 'blackboxTasks.showLogs', ['a']],
          ['Check Out Branch', 'blackboxTasks.checkoutBranch', ['a']],
          ['Apply Changes', 'blackboxTasks.applyChanges', ['a']],
          ['Open Pull Request', 'blackboxTasks.openPullRequest', ['a']],
        ],
      );
    });

    it('offers only Show Logs when there is no branch or pull request, and shows a failure’s error', () => {
      const notice = planFinishedNotice([task('a', 'failed', { error: 'Tests failed\nstack…' })], 'all');
      assert.equal(notice?.severity, 'error');
      assert.equal(notice?.message, 'BLACKBOX task “Prompt a” failed: Tests failed');
      assert.deepEqual(
        notice?.actions.map((a) => a.command),
        ['blackboxTasks.showLogs'],
      );
    });

    it('summarises several tasks in one notification, statuses in lifecycle order', () => {
      const notice = planFinishedNotice(
        [
          task('a', 'completed'),
          task('b', 'failed'),
          task('d', 'cancelled'),
          task('c', 'completed', { repoUrl: 'https://github.com/o/r', createdBranch: 'x' }),
        ],
        'all',
      );
      assert.equal(
        notice?.message,
        '4 BLACKBOX tasks finished (2 completed, 1 failed, 1 cancelled): “Prompt a”, “Prompt b”, “Prompt d” and 1 more.',
      );
      assert.equal(notice?.severity, 'warning');
      assert.deepEqual(
        notice?.actions.map((a) => [a.title, a.taskIds.length]),
        [
          ['Show Logs…', 4],
          ['Check Out Branch', 1],
          ['Apply Changes', 1],
        ],
      );
    });

    it('follows the setting: failures only, or none', () => {
      const batch = [task('a', 'completed'), task('b', 'interrupted')];
      assert.deepEqual(planFinishedNotice(batch, 'failures')?.taskIds, ['b']);
      assert.equal(planFinishedNotice([task('a', 'completed')], 'failures'), undefined);
      assert.equal(planFinishedNotice(batch, 'none'), undefined);
      assert.equal(parseNotificationMode('bogus'), 'all');
      assert.equal(parseNotificationMode('failures'), 'failures');
    });
  });
});
