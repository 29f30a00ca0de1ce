import * as assert from 'node:assert/strict';
import { preflightIssues, type PreflightIssue, type PreflightState } from '../../src/core/git/preflight';

function state(overrides: Partial<PreflightState> = {}): PreflightState {
  return { branch: 'feature/login', remote: 'origin', onRemote: true, ahead: 0, uncommitted: 0, ...overrides };
}

function kinds(issues: readonly PreflightIssue[]): string[] {
  return issues.map((issue) => issue.kind);
}

function choices(issue: PreflightIssue | undefined): string[] {
  return (issue?.options ?? []).map((option) => option.choice);
}

describe('preflight', () => {
  it('raises nothing for a clean branch that matches the remote', () => {
    assert.deepEqual(preflightIssues(state()), []);
  });

  it('explains a detached HEAD, offers another branch or cancel, and checks nothing else', () => {
    const issues = preflightIssues(
      state({ branch: undefined, headCommit: 'a1b2c3d', onRemote: false, ahead: 3, uncommitted: 2 }),
    );
    assert.deepEqual(kinds(issues), ['detachedHead']);
    assert.match(issues[0]?.message ?? '', /detached at a1b2c3d/);
    assert.deepEqual(choices(issues[0]), ['pickBranch', 'cancel']);
  });

  it('explains a branch missing from the remote and offers to push it', () => {
    const issues = preflightIssues(state({ onRemote: false, ahead: 4 }));
    assert.deepEqual(kinds(issues), ['notOnRemote']);
    assert.match(issues[0]?.message ?? '', /"feature\/login" is not on origin/);
    assert.deepEqual(choices(issues[0]), ['push', 'pickBranch', 'cancel']);
    assert.match(issues[0]?.options[0]?.label ?? '', /Push "feature\/login" to origin/);
  });

  it('counts unpushed commits and offers push, the remote branch as it is, another branch, cancel', () => {
    const [one] = preflightIssues(state({ ahead: 1 }));
    assert.equal(one?.kind, 'unpushedCommits');
    assert.match(one?.message ?? '', /1 commit not pushed to origin/);
    assert.match(one?.detail ?? '', /starts from origin\/feature\/login and will not see it/);
    assert.deepEqual(choices(one), ['push', 'useRemote', 'pickBranch', 'cancel']);
    assert.match(one?.options[1]?.label ?? '', /Use origin\/feature\/login as It Is/);

    const [several] = preflightIssues(state({ ahead: 3, remote: 'upstream' }));
    assert.match(several?.message ?? '', /3 commits not pushed to upstream/);
    assert.match(several?.detail ?? '', /will not see them/);
  });

  it('warns about uncommitted changes, which the agent never sees', () => {
    const issues = preflightIssues(state({ uncommitted: 2 }));
    assert.deepEqual(kinds(issues), ['uncommittedChanges']);
    assert.match(issues[0]?.message ?? '', /2 uncommitted changes/);
    assert.deepEqual(choices(issues[0]), ['useRemote', 'cancel']);
  });

  it('orders several issues from the most fundamental', () => {
    assert.deepEqual(kinds(preflightIssues(state({ onRemote: false, uncommitted: 1 }))), [
      'notOnRemote',
      'uncommittedChanges',
    ]);
    assert.deepEqual(kinds(preflightIssues(state({ ahead: 2, uncommitted: 1 }))), [
      'unpushedCommits',
      'uncommittedChanges',
    ]);
  });

  it('does not report commits as unpushed when the branch is not on the remote at all', () => {
    assert.deepEqual(kinds(preflightIssues(state({ onRemote: false, ahead: 5 }))), ['notOnRemote']);
  });

  it('leaves out what the user already accepted', () => {
    const accepted = preflightIssues(state({ ahead: 2, uncommitted: 1 }), ['unpushedCommits']);
    assert.deepEqual(kinds(accepted), ['uncommittedChanges']);
    assert.deepEqual(
      preflightIssues(state({ ahead: 2, uncommitted: 1 }), ['unpushedCommits', 'uncommittedChanges']),
      [],
    );
    assert.deepEqual(preflightIssues(state({ branch: undefined }), ['detachedHead']), []);
  });

  it('always offers cancel, last', () => {
    const every = [
      ...preflightIssues(state({ branch: undefined })),
      ...preflightIssues(state({ onRemote: false, uncommitted: 1 })),
      ...preflightIssues(state({ ahead: 1 })),
    ];
    assert.equal(every.length, 4);
    for (const issue of every) assert.equal(issue.options.at(-1)?.choice, 'cancel', issue.kind);
  });
});
