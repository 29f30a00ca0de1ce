import * as assert from 'node:assert/strict';
import { DetailsCache, type DetailsOutcome } from '../../src/core/tasks/detailsCache';
import { NetworkError, NotFoundError } from '../../src/core/http/errors';
import type { Task, TaskDetails } from '../../src/core/tasks/model';
import { settle } from './support/fakeTasksApi';

function task(id: string, overrides: Partial<Task> = {}): Task {
  return { id, api: 'agent', status: 'completed', rawStatus: 'completed', ...overrides };
}

interface Pending {
  readonly id: string;
  resolve(details: TaskDetails): void;
  reject(error: unknown): void;
}

function harness(options: { concurrency?: number } = {}) {
  const pending: Pending[] = [];
  const fetched: string[] = [];
  const outcomes: [string, DetailsOutcome['kind']][] = [];
  let now = 0;
  const cache = new DetailsCache({
    fetch: (id) => {
      fetched.push(id);
      return new Promise<TaskDetails>((resolve, reject) => pending.push({ id, resolve, reject }));
    },
    onOutcome: (id, outcome) => outcomes.push([id, outcome.kind]),
    now: () => now,
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
  });
  const answer = (id: string, fields: Partial<TaskDetails> = {}) => {
    const index = pending.findIndex((p) => p.id === id);
    const [p] = pending.splice(index, 1);
    p?.resolve({ ...task(id), messages: [], ...fields });
  };
  const fail = (id: string, error: unknown) => {
    const index = pending.findIndex((p) => p.id === id);
    const [p] = pending.splice(index, 1);
    p?.reject(error);
  };
  return { cache, pending, fetched, outcomes, answer, fail, setNow: (value: number) => (now = value) };
}

describe('detailsCache', () => {
  it('runs at most three fetches at a time and starts the next as one finishes', async () => {
    const h = harness();
    void h.cache.request(['a', 'b', 'c', 'd', 'e'].map((id) => task(id)));
    await settle();
    assert.deepEqual(h.fetched, ['a', 'b', 'c']);
    h.answer('b', { prompt: 'B' });
    await settle();
    assert.deepEqual(h.fetched, ['a', 'b', 'c', 'd']);
    assert.equal(h.pending.length, 3, 'three fetches under way, never more');
  });

  it('never fetches the same task twice at once', async () => {
    const h = harness();
    const first = h.cache.request([task('a')]);
    const second = h.cache.request([task('a')]);
    await settle();
    assert.deepEqual(h.fetched, ['a']);
    h.answer('a', { prompt: 'A' });
    await Promise.all([first, second]);
    assert.equal(h.cache.get('a')?.fields.prompt, 'A');
  });

  it('never refetches details fetched once the task was terminal', async () => {
    const h = harness();
    void h.cache.request([task('a')]);
    await settle();
    h.answer('a', { prompt: 'A', createdBranch: 'b1' });
    await settle();
    assert.equal(h.cache.get('a')?.final, true);
    assert.equal(h.cache.needs(task('a')), false);
    void h.cache.request([task('a')]);
    await settle();
    assert.deepEqual(h.fetched, ['a']);
  });

  it('fetches a run seen active once more when it is terminal, for its final branch and error', async () => {
    const h = harness();
    const running = task('a', { status: 'running', rawStatus: 'running' });
    void h.cache.request([running]);
    await settle();
    h.answer('a', { prompt: 'A', status: 'running', rawStatus: 'running' });
    await settle();
    assert.equal(h.cache.needs(running), false, 'a running task with a prompt needs nothing more for now');
    assert.equal(h.cache.needs(task('a')), true);
  });

  it('knows nothing is needed for Cloud tasks or tasks created here with their prompt', () => {
    const h = harness();
    assert.equal(h.cache.needs(task('c', { api: 'cloud' })), false);
    h.cache.remember('mine', { prompt: 'Mine' }, false);
    assert.equal(h.cache.needs(task('mine', { status: 'queued', rawStatus: 'queued', prompt: 'Mine' })), false);
  });

  it('reports a missing task and waits before retrying a failed one', async () => {
    const h = harness();
    void h.cache.request([task('gone'), task('flaky')]);
    await settle();
    h.fail('gone', new NotFoundError());
    h.fail('flaky', new NetworkError());
    await settle();
    assert.deepEqual(h.outcomes, [
      ['gone', 'missing'],
      ['flaky', 'failed'],
    ]);
    assert.equal(h.cache.needs(task('flaky')), false);
    h.setNow(61_000);
    assert.equal(h.cache.needs(task('flaky')), true);
  });

  it('puts urgent requests first in line', async () => {
    const h = harness({ concurrency: 1 });
    void h.cache.request([task('a'), task('b'), task('c')]);
    await settle();
    void h.cache.request([task('c')], { urgent: true });
    h.answer('a');
    await settle();
    assert.deepEqual(h.fetched, ['a', 'c']);
  });

  it('starts nothing while paused and resumes later', async () => {
    const h = harness();
    h.cache.pause();
    void h.cache.request([task('a')]);
    await settle();
    assert.deepEqual(h.fetched, []);
    h.cache.resume();
    await settle();
    assert.deepEqual(h.fetched, ['a']);
  });

  it('drops answers that arrive after a reset (the connection changed)', async () => {
    const h = harness();
    const waiting = h.cache.request([task('a')]);
    await settle();
    h.cache.reset();
    await waiting;
    h.answer('a', { prompt: 'old account' });
    await settle();
    assert.equal(h.cache.get('a'), undefined);
    assert.deepEqual(h.outcomes, []);
  });
});
