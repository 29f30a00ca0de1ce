import * as assert from 'node:assert/strict';
import { continueBlocker, continuableTasks, latestRunOf, linkContinuedTask } from '../../src/core/tasks/followUp';
import type { Task, TaskStatus } from '../../src/core/tasks/model';

const MINUTE = 60_000;

function run(id: string, status: TaskStatus, createdAt: number, extra: Partial<Task> = {}): Task {
  return { id, api: 'agent', threadId: 'chat-1', status, rawStatus: status, createdAt, ...extra };
}

describe('followUp', () => {
  it('continues a v1 chat from its latest run', () => {
    // A follow-up comes minutes after the run it continues (siblings of a multi-agent task come within moments).
    const first = run('r1', 'completed', 10 * MINUTE);
    const second = run('r2', 'failed', 20 * MINUTE);
    const elsewhere = run('x', 'completed', 9 * MINUTE, { threadId: 'chat-2' });
    assert.equal(latestRunOf(first, [first, second, elsewhere]).id, 'r2');
    assert.equal(latestRunOf(second, [first, second]).id, 'r2');
  });

  it('continues each agent of a multi-agent v1 task from its own latest run, not from a sibling', () => {
    const claude = run('r1', 'completed', 0, { taskKey: 't', agent: 'claude' });
    const codex = run('r2', 'failed', 200, { taskKey: 't', agent: 'codex' });
    const codexAgain = run('r3', 'completed', 5 * MINUTE, { agent: 'codex', previousRunId: 'r2' });
    const known = [claude, codex, codexAgain];
    assert.equal(latestRunOf(claude, known).id, 'r1');
    assert.equal(latestRunOf(codex, known).id, 'r3');
    assert.deepEqual(
      continuableTasks(known)
        .map((t) => t.id)
        .sort(),
      ['r1', 'r3'],
    );
  });

  it('offers one entry per chat, finished tasks only, Cloud tasks each on their own', () => {
    const tasks: Task[] = [
      run('r1', 'completed', 10 * MINUTE),
      run('r2', 'completed', 20 * MINUTE),
      run('r3', 'running', 30 * MINUTE, { threadId: 'chat-busy' }),
      run('r4', 'completed', 10 * MINUTE, { threadId: 'chat-busy' }),
      { id: 'c1', api: 'cloud', status: 'cancelled', rawStatus: 'stopped' },
      { id: 'c2', api: 'cloud', status: 'queued', rawStatus: 'pending' },
    ];
    assert.deepEqual(
      continuableTasks(tasks).map((t) => t.id),
      ['r2', 'c1'],
    );
  });

  it('refuses active and unknown tasks with a reason', () => {
    assert.match(continueBlocker(run('r', 'running', 1)) ?? '', /still running/);
    assert.match(continueBlocker(run('r', 'queued', 1)) ?? '', /still queued/);
    assert.match(continueBlocker({ ...run('r', 'unknown', 1), rawStatus: 'weird' }) ?? '', /unknown \(“weird”\)/);
    for (const status of ['completed', 'failed', 'cancelled', 'interrupted'] as const)
      assert.equal(continueBlocker(run('r', status, 1)), undefined);
  });

  it('links a v1 follow-up run to its chat and inherits what the chat knows', () => {
    const previous = run('r1', 'completed', 1, {
      repoUrl: 'https://github.com/o/r.git',
      baseBranch: 'main',
      createdBranch: 'blackbox/x',
      error: 'old',
      pullRequestUrl: 'https://github.com/o/r/pull/1',
    });
    const linked = linkContinuedTask(
      previous,
      {
        id: 'r2',
        previousId: 'r1',
        threadId: 'chat-1',
        task: { id: 'r2', api: 'agent', status: 'queued', rawStatus: 'queued', prompt: 'more' },
      },
      500,
    );
    assert.deepEqual(linked, {
      id: 'r2',
      api: 'agent',
      status: 'queued',
      rawStatus: 'queued',
      prompt: 'more',
      threadId: 'chat-1',
      previousRunId: 'r1',
      repoUrl: 'https://github.com/o/r.git',
      baseBranch: 'main',
      createdBranch: 'blackbox/x',
      createdAt: 500,
    });
  });

  it('updates a Cloud task in place, dropping what described the finished run', () => {
    const previous: Task = {
      id: 'c1',
      api: 'cloud',
      status: 'failed',
      rawStatus: 'error',
      error: 'boom',
      completedAt: 5,
      repoUrl: 'https://github.com/o/r.git',
    };
    const linked = linkContinuedTask(
      previous,
      {
        id: 'c1',
        previousId: 'c1',
        task: { id: 'c1', api: 'cloud', status: 'queued', rawStatus: 'pending', followUps: [{ prompt: 'again' }] },
      },
      9,
    );
    assert.deepEqual(linked, {
      id: 'c1',
      api: 'cloud',
      status: 'queued',
      rawStatus: 'pending',
      repoUrl: 'https://github.com/o/r.git',
      followUps: [{ prompt: 'again' }],
    });
  });
});
