import * as assert from 'node:assert/strict';
import { describeGitFailure, GitOperationError, withoutCredentials } from '../../src/core/git/gitFailure';

const context = { doing: 'Checking out "blackbox/fix"', remote: 'origin', branch: 'blackbox/fix' };

describe('gitFailure', () => {
  const cases: readonly [string, { code?: string; stderr?: string; message?: string }, RegExp][] = [
    [
      'a missing remote branch',
      { stderr: "fatal: couldn't find remote ref blackbox/fix\n" },
      /"blackbox\/fix" is not on origin/,
    ],
    [
      'failed authentication',
      { code: 'AuthenticationFailed', stderr: 'remote: Invalid username or password.' },
      /could not sign in to origin/,
    ],
    [
      'an unreachable remote',
      { stderr: "fatal: unable to access 'https://github.com/a/b.git/': Could not resolve host: github.com" },
      /could not reach origin/,
    ],
    [
      'SSH key problems',
      { stderr: 'git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.' },
      /could not sign in/,
    ],
    [
      'local changes in the way',
      {
        code: 'DirtyWorkTree',
        stderr: 'error: Your local changes to the following files would be overwritten by checkout:\n\tsrc/a.ts',
      },
      /uncommitted changes would be overwritten.*Nothing was changed/,
    ],
    [
      'untracked files in the way',
      { stderr: 'error: The following untracked working tree files would be overwritten by checkout:\n\tnew.ts' },
      /untracked files/,
    ],
    [
      'an existing branch',
      { stderr: "fatal: a branch named 'blackbox/fix' already exists" },
      /local branch "blackbox\/fix" already exists/,
    ],
    [
      'a branch used by another worktree',
      { stderr: "fatal: 'blackbox/fix' is already checked out at '/src/other'" },
      /another worktree/,
    ],
    [
      'a rejected push',
      { code: 'PushRejected', stderr: ' ! [rejected]        main -> main (fetch first)' },
      /rejected the push/,
    ],
    [
      'a locked repository',
      { stderr: "fatal: Unable to create '/r/.git/index.lock': File exists." },
      /another git process/,
    ],
    ['an unsafe repository', { stderr: "fatal: detected dubious ownership in repository at '/r'" }, /safe\.directory/],
    ['a missing git', { code: 'GitNotFound' }, /git was not found/],
  ];
  for (const [what, facts, expected] of cases) {
    it(`explains ${what}`, () => {
      const message = describeGitFailure(facts, context);
      assert.match(message, /^Checking out "blackbox\/fix" failed: /);
      assert.match(message, expected);
    });
  }

  it("falls back to git's first meaningful line, without its prefix", () => {
    assert.equal(
      describeGitFailure({ stderr: '\nfatal: something unusual happened\nmore detail' }, context),
      'Checking out "blackbox/fix" failed: something unusual happened',
    );
    assert.equal(
      describeGitFailure({ message: 'Failed to execute git' }, context),
      'Checking out "blackbox/fix" failed.',
    );
  });

  it('never repeats credentials git printed', () => {
    const message = describeGitFailure(
      { stderr: "fatal: repository 'https://x-access-token:ghs_SECRET@example.com/a/b.git/' not found" },
      context,
    );
    assert.ok(!message.includes('ghs_SECRET'), message);
    assert.equal(withoutCredentials('ssh://git:pw@host/x and https://u@h/y'), 'ssh://host/x and https://h/y');
  });

  it('recognises its error class across module copies', () => {
    const error = new GitOperationError('Fetching failed.', { code: 'RemoteConnectionError' });
    assert.ok(GitOperationError.is(error));
    assert.ok(
      GitOperationError.is(
        Object.assign(Object.create(null) as object, { [Symbol.for('blackboxTasks.gitOperationError')]: true }),
      ),
    );
    assert.ok(!GitOperationError.is(new Error('x')));
    assert.equal(error.name, 'GitOperationError');
  });
});
