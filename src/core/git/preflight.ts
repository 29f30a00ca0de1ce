import * as l10n from '@vscode/l10n';

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

const cancelOption = (): PreflightOption => ({ choice: 'cancel', label: l10n.t('Cancel') });
const pickBranchOption = (): PreflightOption => ({ choice: 'pickBranch', label: l10n.t('Pick Another Branch…') });

/**
 * The issues to raise, most fundamental first, leaving out kinds the user already accepted.
 * A detached HEAD hides the rest: without a branch there is nothing else to compare.
 */
export function preflightIssues(state: PreflightState, accepted: Iterable<PreflightIssueKind> = []): PreflightIssue[] {
  const skip = new Set(accepted);
  const issues: PreflightIssue[] = [];
  const branch = state.branch;
  const CANCEL = cancelOption();
  const PICK_BRANCH = pickBranchOption();
  if (branch === undefined) {
    if (skip.has('detachedHead')) return issues;
    issues.push({
      kind: 'detachedHead',
      message: state.headCommit
        ? l10n.t('HEAD is detached at {0}, so there is no branch to base the task on.', state.headCommit)
        : l10n.t('HEAD is detached, so there is no branch to base the task on.'),
      detail: l10n.t(
        'The agent starts from a branch on {0}. Pick one, or check out a branch and create the task again.',
        state.remote,
      ),
      options: [PICK_BRANCH, CANCEL],
    });
    return issues;
  }
  const remoteBranch = `${state.remote}/${branch}`;
  if (!state.onRemote) {
    if (!skip.has('notOnRemote')) {
      issues.push({
        kind: 'notOnRemote',
        message: l10n.t('Branch "{0}" is not on {1}, so the agent cannot start from it.', branch, state.remote),
        detail: l10n.t(
          'The agent clones the repository from GitHub. Push "{0}" first, or base the task on a branch that is already there.',
          branch,
        ),
        options: [{ choice: 'push', label: l10n.t('Push "{0}" to {1}', branch, state.remote) }, PICK_BRANCH, CANCEL],
      });
    }
  } else if (state.ahead > 0 && !skip.has('unpushedCommits')) {
    issues.push({
      kind: 'unpushedCommits',
      message:
        state.ahead === 1
          ? l10n.t('Branch "{0}" has 1 commit not pushed to {1}.', branch, state.remote)
          : l10n.t('Branch "{0}" has {1} commits not pushed to {2}.', branch, state.ahead, state.remote),
      detail:
        state.ahead === 1
          ? l10n.t('The agent starts from {0} and will not see it.', remoteBranch)
          : l10n.t('The agent starts from {0} and will not see them.', remoteBranch),
      options: [
        { choice: 'push', label: l10n.t('Push Now') },
        { choice: 'useRemote', label: l10n.t('Use {0} as It Is', remoteBranch) },
        PICK_BRANCH,
        CANCEL,
      ],
    });
  }
  if (state.uncommitted > 0 && !skip.has('uncommittedChanges')) {
    issues.push({
      kind: 'uncommittedChanges',
      message:
        state.uncommitted === 1
          ? l10n.t('You have 1 uncommitted change.')
          : l10n.t('You have {0} uncommitted changes.', state.uncommitted),
      detail:
        state.uncommitted === 1
          ? l10n.t(
              'The agent works from {0} on GitHub and will not see it. Commit and push first if the task needs it.',
              remoteBranch,
            )
          : l10n.t(
              'The agent works from {0} on GitHub and will not see them. Commit and push first if the task needs them.',
              remoteBranch,
            ),
      options: [{ choice: 'useRemote', label: l10n.t('Create Without Them') }, CANCEL],
    });
  }
  return issues;
}
