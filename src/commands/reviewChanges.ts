import * as vscode from 'vscode';
import type { LocalRepository } from '../adapters/git/gitRepository';
import { GIT_STATUS } from '../adapters/git/gitConstants';
import type { GitChange } from '../adapters/git/gitExtensionApi';
import { GitOperationError } from '../core/git/gitFailure';
import { tipDifferences, type SideChange } from '../core/git/branchComparison';
import type { CommandContext } from './support/commandContext';
import { baseBranchOf, taskRepository, type BranchCommandStop } from './support/taskRepository';
import { showInformation } from '../adapters/userMessages';
import { showGitFailure } from './support/gitFailure';

export type ChangeKind = 'added' | 'modified' | 'deleted' | 'renamed';

export interface ReviewedFile {
  /** Relative to the repository root, with `/`. */
  readonly path: string;
  readonly kind: ChangeKind;
  /** git: URIs of the two sides (absent for an added or deleted file's missing side). */
  readonly left?: string;
  readonly right?: string;
}

export interface ReviewChangesResult {
  readonly outcome: 'shown' | 'noChanges' | 'failed' | BranchCommandStop;
  readonly base?: string;
  readonly head?: string;
  /** The commits the two sides show: where the branch left the base, and its tip. */
  readonly leftCommit?: string;
  readonly rightCommit?: string;
  readonly files?: readonly ReviewedFile[];
  readonly message?: string;
}

/**
 * Review Changes: the agent's branch against its base, in VS Code's multi-file diff editor,
 * without checking anything out. Both branches are fetched first; the left side is where
 * the agent's branch left the base (so later work on the base does not show up as the
 * agent's), the right side the branch's tip. Argument object (README, Command arguments):
 * `{ taskId, repository?, baseBranch? }`.
 */
export function reviewChangesCommand(context: CommandContext) {
  return async (argument?: unknown): Promise<ReviewChangesResult> => {
    const found = await taskRepository(context, argument, {
      action: vscode.l10n.t('Reviewing a task branch'),
      placeHolder: vscode.l10n.t('Review the changes of which task?'),
    });
    if (!found.ok) return { outcome: found.stop, ...(found.message ? { message: found.message } : {}) };
    const { task, repository, remote, branch } = found;
    const chosenBase = await baseBranchOf(found, argument);
    if (!chosenBase.ok)
      return { outcome: chosenBase.stop, ...(chosenBase.message ? { message: chosenBase.message } : {}) };
    const baseBranch = chosenBase.branch;

    try {
      const compared = await fetchAndCompare(repository, remote.remote, baseBranch, branch);
      if (!compared) return { outcome: 'cancelled' };
      const { files, changes, leftCommit, rightCommit } = compared;
      const summary = { base: baseBranch, head: branch, leftCommit, rightCommit, files };
      if (changes.length === 0) {
        const message = vscode.l10n.t('"{0}" has no changes compared with "{1}".', branch, baseBranch);
        void showInformation(message);
        return { outcome: 'noChanges', ...summary, message };
      }
      const title = vscode.l10n.t('{0} ↔ {1} (BLACKBOX task)', branch, baseBranch);
      const resources = changes.map(
        (change) =>
          [
            change.uri,
            sideUri(repository, change, 'left', leftCommit),
            sideUri(repository, change, 'right', rightCommit),
          ] as const,
      );
      // The agent's side takes review comments (drafts for Send Review to Agent).
      await context.reviews
        .get()
        .track({ taskId: task.id, branch, repository: repository.root.toString(), commit: rightCommit });
      await vscode.commands.executeCommand('vscode.changes', title, resources);
      return { outcome: 'shown', ...summary };
    } catch (error) {
      if (!GitOperationError.is(error)) throw error;
      showGitFailure(context, error.message);
      return { outcome: 'failed', base: baseBranch, head: branch, message: error.message };
    }
  };
}

async function compare(repository: LocalRepository, remote: string, base: string, head: string) {
  const [baseRef, headRef] = [await repository.remoteBranch(remote, base), await repository.remoteBranch(remote, head)];
  if (!headRef?.commit)
    throw new GitOperationError(
      vscode.l10n.t('"{0}" is not on {1}. The agent may not have pushed it yet.', head, remote),
    );
  if (!baseRef?.commit)
    throw new GitOperationError(vscode.l10n.t('The base branch "{0}" is not on {1}.', base, remote));
  const rightCommit = headRef.commit;
  // The commit where the agent's branch left the base: the left side of every diff.
  const leftCommit = (await repository.mergeBase(baseRef.commit, rightCommit)) || baseRef.commit;
  const changes = await repository.changesBetween(baseRef.commit, rightCommit);
  const files: ReviewedFile[] = changes.map((change) => {
    const left = sideUri(repository, change, 'left', leftCommit);
    const right = sideUri(repository, change, 'right', rightCommit);
    return {
      path: relativePath(repository, change.uri),
      kind: kindOf(change),
      ...(left ? { left: left.toString() } : {}),
      ...(right ? { right: right.toString() } : {}),
    };
  });
  return { files, changes, leftCommit, rightCommit };
}

function kindOf(change: GitChange): ChangeKind {
  switch (change.status) {
    case GIT_STATUS.indexAdded:
    case GIT_STATUS.untracked:
      return 'added';
    case GIT_STATUS.deleted:
    case GIT_STATUS.indexDeleted:
      return 'deleted';
    case GIT_STATUS.indexRenamed:
      return 'renamed';
    default:
      return 'modified';
  }
}

function sideUri(
  repository: LocalRepository,
  change: GitChange,
  side: 'left' | 'right',
  commit: string,
): vscode.Uri | undefined {
  const kind = kindOf(change);
  if (side === 'left') return kind === 'added' ? undefined : repository.gitUri(change.originalUri, commit);
  return kind === 'deleted' ? undefined : repository.gitUri(change.uri, commit);
}

function relativePath(repository: LocalRepository, file: vscode.Uri): string {
  const root = repository.root.path.replace(/\/+$/, '');
  return file.path.startsWith(`${root}/`) ? file.path.slice(root.length + 1) : file.path;
}

/**
 * Fetches the agent's branch and its base from `remote` (with progress, cancellable), then
 * compares them from their merge base. Undefined when the user cancelled.
 */
export async function fetchAndCompare(repository: LocalRepository, remote: string, baseBranch: string, branch: string) {
  return afterFetching(repository, remote, baseBranch, branch, () => compare(repository, remote, baseBranch, branch));
}

/**
 * Fetches two agents' branches, then compares them tip to tip: every file that differs, with
 * git: URIs of each tip's version. Undefined when the user cancelled.
 */
export async function fetchAndCompareTips(
  repository: LocalRepository,
  remote: string,
  left: string,
  right: string,
): Promise<{ readonly files: ReviewedFile[]; readonly leftCommit: string; readonly rightCommit: string } | undefined> {
  return afterFetching(repository, remote, left, right, async () => {
    const [leftRef, rightRef] = [
      await repository.remoteBranch(remote, left),
      await repository.remoteBranch(remote, right),
    ];
    for (const [name, ref] of [
      [left, leftRef],
      [right, rightRef],
    ] as const)
      if (!ref?.commit)
        throw new GitOperationError(
          vscode.l10n.t('"{0}" is not on {1}. The agent may not have pushed it yet.', name, remote),
        );
    const leftCommit = leftRef?.commit ?? '';
    const rightCommit = rightRef?.commit ?? '';
    // git's API diffs from where two refs diverged: ask each way and combine.
    const sides = async (from: string, to: string): Promise<SideChange[]> =>
      (await repository.changesBetween(from, to)).flatMap((change) => {
        const path = relativePath(repository, change.uri);
        const kind = kindOf(change);
        if (kind !== 'renamed') return [{ path, kind }];
        return [
          { path: relativePath(repository, change.originalUri), kind: 'deleted' as const },
          { path, kind: 'added' as const },
        ];
      });
    const differences = tipDifferences(await sides(rightCommit, leftCommit), await sides(leftCommit, rightCommit));
    const files: ReviewedFile[] = differences.map((difference) => {
      const uri = vscode.Uri.joinPath(repository.root, difference.path);
      return {
        path: difference.path,
        kind: difference.kind,
        ...(difference.inLeft ? { left: repository.gitUri(uri, leftCommit).toString() } : {}),
        ...(difference.inRight ? { right: repository.gitUri(uri, rightCommit).toString() } : {}),
      };
    });
    return { files, leftCommit, rightCommit };
  });
}

/** Fetches both branches from `remote` (with progress, cancellable), then runs `then`. Undefined when cancelled. */
async function afterFetching<T>(
  repository: LocalRepository,
  remote: string,
  baseBranch: string,
  branch: string,
  then: () => Promise<T>,
): Promise<T | undefined> {
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Comparing "{0}" with "{1}"', branch, baseBranch),
      cancellable: true,
    },
    async (progress, token) => {
      for (const name of new Set([branch, baseBranch])) {
        progress.report({ message: vscode.l10n.t('fetching {0} from {1}…', name, remote) });
        try {
          await repository.fetch(remote, name, token);
        } catch (error) {
          if (token.isCancellationRequested) return undefined;
          throw error;
        }
      }
      if (token.isCancellationRequested) return undefined;
      return then();
    },
  );
}
