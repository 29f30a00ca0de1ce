import * as assert from 'node:assert/strict';
import { DetailsCache } from '../../src/core/tasks/detailsCache';
import type { Task, TaskDetails } from '../../src/core/tasks/model';
import { foldAnswer, holdStatus } from '../../src/core/tasks/taskMerge';
import { settle } from './support/fakeTasksApi';

function run(overrides: Partial<Task> = {}): Task {
  return { id: 'r1', api: 'agent', status: 'failed', rawStatus: 'failed', ...overrides };
}

describe('task merge: the newest answer is the truth for what it speaks about', () => {
  it('a v1 list row keeps what only details carry (prompt, repository, error) and clears what it sends as null', () => {
    const known = run({ prompt: 'Fix it', repoUrl: 'https://github.com/a/b.git', error: 'boom', model: 'm1' });
    const next = foldAnswer(known, { id: 'r1', api: 'agent', status: 'failed', rawStatus: 'failed' }, 'agentList');
    assert.equal(next.prompt, 'Fix it');
    assert.equal(next.repoUrl, 'https://github.com/a/b.git');
    assert.equal(next.error, 'boom');
    assert.equal(next.model, undefined, 'the list documents model (null allowed): null clears it');
  });

  it('an undocumented field (title) is taken when present and kept when absent', () => {
    const known = run({ title: 'Old title' });
    assert.equal(foldAnswer(known, { ...run() }, 'agentList').title, 'Old title');
    assert.equal(foldAnswer(known, { ...run(), title: 'New' }, 'agentList').title, 'New');
  });

  it('v1 details clear a branch and an error they no longer report', () => {
    const known = run({ status: 'completed', rawStatus: 'completed', createdBranch: 'old', error: 'x', model: 'm' });
    const next = foldAnswer(known, { ...run({ status: 'completed', rawStatus: 'completed' }) }, 'agentDetails');
    assert.equal(next.createdBranch, undefined);
    assert.equal(next.error, undefined);
    assert.equal(next.model, 'm', 'details do not carry the model');
  });

  it('a Cloud task object speaks about every documented field', () => {
    const known: Task = {
      id: 'c1',
      api: 'cloud',
      status: 'failed',
      rawStatus: 'error',
      prompt: 'Ship',
      error: 'npm ci failed',
      pullRequestUrl: 'https://github.com/a/b/pull/1',
      completedAt: 5,
    };
    const next = foldAnswer(
      known,
      { id: 'c1', api: 'cloud', status: 'completed', rawStatus: 'completed', prompt: 'Ship' },
      'cloudTask',
    );
    assert.equal(next.error, undefined);
    assert.equal(next.pullRequestUrl, undefined);
    assert.equal(next.completedAt, undefined);
    assert.equal(next.prompt, 'Ship');
  });

  it('a stream status keeps everything else, but a task active again has no final error or completion time', () => {
    const known = run({ api: 'cloud', error: 'npm ci failed', completedAt: 5, createdBranch: 'b' });
    const next = foldAnswer(known, { status: 'running', rawStatus: 'processing' }, 'stream');
    assert.equal(next.error, undefined);
    assert.equal(next.completedAt, undefined);
    assert.equal(next.createdBranch, 'b');
    const failed = foldAnswer(known, { status: 'failed', rawStatus: 'error' }, 'stream');
    assert.equal(failed.error, 'npm ci failed', 'a terminal status alone says nothing about the error');
  });

  it('a held-back status keeps its error and completion time with it', () => {
    const known = run({ error: 'boom', completedAt: 5 });
    const next = holdStatus(foldAnswer(known, run({ status: 'running', rawStatus: 'running' }), 'agentList'), known);
    assert.equal(next.status, 'failed');
    assert.equal(next.error, 'boom');
    assert.equal(next.completedAt, 5);
  });

  it('the details cache forgets an error or branch a newer details answer no longer has', async () => {
    let answer: Partial<TaskDetails> = { error: 'boom', createdBranch: 'b', prompt: 'Fix it' };
    const cache = new DetailsCache({
      fetch: (id) =>
        Promise.resolve({ ...run({ id, status: 'running', rawStatus: 'running' }), messages: [], ...answer }),
      onOutcome: () => undefined,
      now: () => 0,
    });
    await cache.request([run({ status: 'running', rawStatus: 'running' })]);
    assert.equal(cache.get('r1')?.fields.error, 'boom');
    answer = {};
    await cache.request([run()]);
    await settle();
    assert.equal(cache.get('r1')?.fields.error, undefined);
    assert.equal(cache.get('r1')?.fields.createdBranch, undefined);
    assert.equal(cache.get('r1')?.fields.prompt, 'Fix it', 'details without a user message leave the prompt as it was');
  });
});
