/**
 * Pre-flight for Create Task: the agent clones the repository from GitHub and starts from
 * the remote branch, so anything that exists only in the local clone is invisible to it.
 * Given what the local repository looks like, this decides which of those gaps to explain
 * and which choices are real for each. Pure: the command reads the state and acts.
 */

export interface PreflightState {
  /** The checked-out branch; undefined when HEAD is detached. */
  readonly branch?: string;
  /** Short commit id of HEAD, for the detached-HEAD message. */
  readonly headCommit?: string;
  /** The remote the task's repository URL came from (e.g. `origin`). */
  readonly remote: string;
  /** Whether `<remote>/<branch>` exists, as far as the remote-tracking refs tell. */
  readonly onRemote: boolean;
  /** Commits on the local branch that `<remote>/<branch>` lacks. */
  readonly ahead: number;
  /** Staged, unstaged and untracked changes. */
  readonly uncommitted: number;
}

export type PreflightIssueKind = 'detachedHead' | 'notOnRemote' | 'unpushedCommits' | 'uncommittedChanges';

/**
 * - push: push the branch to the remote now, then check again;
 * - useRemote: go ahead with the remote branch as it is (the local-only work stays out);
 * - pickBranch: base the task on another branch that is on the remote;
 * - cancel: send nothing.
 */
export type PreflightChoice = 'push' | 'useRemote' | 'pickBranch' | 'cancel';

export interface PreflightOption {
  readonly choice: PreflightChoice;
  readonly label: string;
}

export interface PreflightIssue {
  readonly kind: PreflightIssueKind;
  /** One sentence naming the problem. */
  readonly message: string;
  /** Why it matters to the agent. */
  readonly detail: string;
  /** The real choices, in the order they should be offered; `cancel` is always last. */
  readonly options: readonly PreflightOption[];
}

const CANCEL: PreflightOption = { choice: 'cancel', label: 'Cancel' };
const PICK_BRANCH: PreflightOption = { choice: 'pickBranch', label: 'Pick Another Branch…' };

/**
 * The issues to raise, most fundamental first, leaving out kinds the user already accepted.
 * A detached HEAD hides the rest: without a branch there is nothing else to compare.
 */
export function preflightIssues(state: PreflightState, accepted: Iterable<PreflightIssueKind> = []): PreflightIssue[] {
  const skip = new Set(accepted);
  const issues: PreflightIssue[] = [];
  const branch = state.branch;
  if (branch === undefined) {
    if (skip.has('detachedHead')) return issues;
    issues.push({
      kind: 'detachedHead',
      message: `HEAD is detached${state.headCommit ? ` at ${state.headCommit}` : ''}, so there is no branch to base the task on.`,
      detail: `The agent starts from a branch on ${state.remote}. Pick one, or check out a branch and create the task again.`,
      options: [PICK_BRANCH, CANCEL],
    });
    return issues;
  }
  const remoteBranch = `${state.remote}/${branch}`;
  if (!state.onRemote) {
    if (!skip.has('notOnRemote')) {
      issues.push({
        kind: 'notOnRemote',
        message: `Branch "${branch}" is not on ${state.remote}, so the agent cannot start from it.`,
        detail: `The agent clones the repository from GitHub. Push "${branch}" first, or base the task on a branch that is already there.`,
        options: [{ choice: 'push', label: `Push "${branch}" to ${state.remote}` }, PICK_BRANCH, CANCEL],
      });
    }
  } else if (state.ahead > 0 && !skip.has('unpushedCommits')) {
    issues.push({
      kind: 'unpushedCommits',
      message: `Branch "${branch}" has ${plural(state.ahead, 'commit')} not pushed to ${state.remote}.`,
      detail: `The agent starts from ${remoteBranch} and will not see ${state.ahead === 1 ? 'it' : 'them'}.`,
      options: [
        { choice: 'push', label: 'Push Now' },
        { choice: 'useRemote', label: `Use ${remoteBranch} as It Is` },
        PICK_BRANCH,
        CANCEL,
      ],
    });
  }
  if (state.uncommitted > 0 && !skip.has('uncommittedChanges')) {
    issues.push({
      kind: 'uncommittedChanges',
      message: `You have ${plural(state.uncommitted, 'uncommitted change')}.`,
      detail: `The agent works from ${remoteBranch} on GitHub and will not see ${state.uncommitted === 1 ? 'it' : 'them'}. Commit and push first if the task needs ${state.uncommitted === 1 ? 'it' : 'them'}.`,
      options: [{ choice: 'useRemote', label: 'Create Without Them' }, CANCEL],
    });
  }
  return issues;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
