import * as assert from 'node:assert/strict';
import {
  FinishedBatcher,
  parseNotificationMode,
  planFinishedNotice,
  planFinishedNotices,
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

  describe('a task given to several agents', () => {
    const T0 = Date.parse('2026-03-01T12:00:00Z');
    const sibling = (id: string, status: TaskStatus, index: number): Task =>
      task(id, status, {
        taskKey: 'task-1',
        threadId: 'chat-1',
        prompt: 'Add a CSV export',
        createdAt: T0 + index * 200,
        createdBranch: status === 'completed' ? `blackbox/csv-${id}` : undefined,
        repoUrl: 'https://github.com/acme/shop.git',
      });

    it('gets no notification while any agent still works, whatever the batch holds', () => {
      const known = [sibling('r1', 'completed', 0), sibling('r2', 'running', 1), sibling('r3', 'failed', 2)];
      assert.deepEqual(planFinishedNotices([known[0]], known, 'all'), []);
      assert.deepEqual(planFinishedNotices([known[0], known[2]], known, 'all'), []);
    });

    it('gets one notification when its last agent finishes: the counts, and Compare Agents with the task key', () => {
      const known = [sibling('r1', 'completed', 0), sibling('r2', 'completed', 1), sibling('r3', 'failed', 2)];
      const notices = planFinishedNotices([known[1]], known, 'all');
      assert.equal(notices.length, 1);
      const notice = notices[0];
      assert.match(notice?.message ?? '', /^3 agents finished: 2 completed, 1 failed \(“Add a CSV export”\)\.$/);
      assert.equal(notice?.severity, 'warning');
      assert.deepEqual(notice?.actions, [
        { title: 'Compare Agents', command: 'blackboxTasks.compareAgents', taskIds: ['task-1'] },
      ]);
      assert.deepEqual(notice?.taskIds, ['r1', 'r2', 'r3']);
    });

    it('is notified once when several agents finish in one batch, apart from other tasks in it', () => {
      const known = [sibling('r1', 'completed', 0), sibling('r2', 'completed', 1), sibling('r3', 'failed', 2)];
      const other = task('solo', 'completed', { createdBranch: 'b', repoUrl: 'https://github.com/acme/shop.git' });
      const notices = planFinishedNotices([...known, other], [...known, other], 'all');
      assert.equal(notices.length, 2);
      assert.match(notices[0]?.message ?? '', /^3 agents finished/);
      assert.match(notices[1]?.message ?? '', /“Prompt solo” completed/);
      assert.ok(notices.every((notice) => notice.actions.length > 0));
    });

    it('waits for the agents the create answer counted but the list has not shown yet', () => {
      const known = [
        { ...sibling('r1', 'completed', 0), agentCount: 3 },
        { ...sibling('r2', 'failed', 1), agentCount: 3 },
      ];
      assert.deepEqual(planFinishedNotices([known[1] as Task], known, 'all'), []);
    });

    it('follows the setting: failures only when an agent did not succeed, nothing with none', () => {
      const allDone = [sibling('r1', 'completed', 0), sibling('r2', 'completed', 1)];
      assert.deepEqual(planFinishedNotices([allDone[1]], allDone, 'failures'), []);
      const mixed = [sibling('r1', 'completed', 0), sibling('r2', 'cancelled', 1)];
      assert.equal(planFinishedNotices([mixed[1]], mixed, 'failures').length, 1);
      assert.deepEqual(planFinishedNotices([mixed[1]], mixed, 'none'), []);
      const failed = [sibling('r1', 'failed', 0), sibling('r2', 'failed', 1)];
      assert.equal(planFinishedNotices([failed[1]], failed, 'all')[0]?.severity, 'error');
      assert.equal(planFinishedNotices([allDone[1]], allDone, 'all')[0]?.severity, 'info');
    });

    it('a Cloud task with several agents gets one notification when it finishes', () => {
      const cloud: Task = {
        id: 'tsk1',
        api: 'cloud',
        status: 'completed',
        rawStatus: 'completed',
        prompt: 'Race',
        agentRuns: [
          { agent: 'claude', status: 'completed', rawStatus: 'completed' },
          { agent: 'codex', status: 'completed', rawStatus: 'completed' },
          { agent: 'gemini', status: 'failed', rawStatus: 'error' },
        ],
      };
      const notices = planFinishedNotices([cloud], [cloud], 'all');
      assert.equal(notices.length, 1);
      assert.match(notices[0]?.message ?? '', /^3 agents finished: 2 completed, 1 failed/);
      assert.deepEqual(
        notices[0]?.actions.map((action) => [action.command, action.taskIds]),
        [['blackboxTasks.compareAgents', ['tsk1']]],
      );
    });
  });
});
