import * as assert from 'node:assert/strict';
import type { Task } from '../../src/core/tasks/model';
import { renamedRuns, titleProblem, TITLE_MAX_CHARS } from '../../src/core/tasks/rename';

function run(id: string, overrides: Partial<Task> = {}): Task {
  return { id, api: 'agent', status: 'completed', rawStatus: 'completed', ...overrides };
}

describe('rename', () => {
  it('accepts 1 to 200 characters on one line, after trimming', () => {
    assert.equal(titleProblem('  Rate limiting  '), undefined);
    assert.equal(titleProblem('x'.repeat(TITLE_MAX_CHARS)), undefined);
    assert.equal(titleProblem('   '), 'Write a title.');
    assert.equal(titleProblem('x'.repeat(201)), 'A title has at most 200 characters (201 now).');
    assert.equal(titleProblem('two\nlines'), 'A title is one line of text.');
  });

  it('gives every known run of the chat the title, and only those', () => {
    const second = run('b', { threadId: 'chat' });
    const known = [run('a', { threadId: 'chat' }), second, run('c', { threadId: 'other' })];
    assert.deepEqual(
      renamedRuns(second, known, 'New').map((task) => [task.id, task.title]),
      [
        ['a', 'New'],
        ['b', 'New'],
      ],
    );
    assert.deepEqual(
      renamedRuns(run('lone'), known, 'Solo').map((task) => [task.id, task.title]),
      [['lone', 'Solo']],
    );
  });
});
