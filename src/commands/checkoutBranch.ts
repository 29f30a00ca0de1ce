import * as vscode from 'vscode';
import { GitOperationError } from '../core/git/gitFailure';
import { showError, showInformation, showWarning } from '../adapters/userMessages';
import type { CommandContext } from './support/commandContext';
import { actionArguments } from './support/requireConnection';
import { taskRepository, type BranchCommandStop } from './support/taskRepository';

export interface CheckoutBranchResult {
  readonly outcome: 'checkedOut' | 'alreadyOn' | 'failed' | BranchCommandStop;
  readonly branch?: string;
  /** The repository's folder. */
  readonly repository?: string;
  /** A new local branch was created to track the remote one. */
  readonly created?: boolean;
  /** The user's changes were stashed first. */
  readonly stashed?: boolean;
  readonly message?: string;
}

type DirtyAnswer = 'stash' | 'cancel';
const STASH = 'Stash and Check Out';

/**
 * Check Out Task Branch: brings the agent's branch into the matching local clone. Fetches
 * it, then checks out the local branch or creates one tracking the remote branch. Changes
 * in the working tree are never overwritten: the user stashes them first or nothing happens.
 * Non-interactive use (tests): `{ taskId, repository?, dirty?: 'stash' | 'cancel' }`.
 */
export function checkoutBranchCommand(context: CommandContext) {
  return async (argument?: unknown): Promise<CheckoutBranchResult> => {
    const found = await taskRepository(context, argument, {
      action: 'Checking out a task branch',
      placeHolder: 'Check out the branch of which task?',
    });
    if (!found.ok) return { outcome: found.stop, ...(found.message ? { message: found.message } : {}) };
    const { repository, remote, branch } = found;
    const where = { branch, repository: repository.root.fsPath };

    try {
      await repository.refresh();
      const alreadyOn = repository.head().branch === branch;
      const changes = alreadyOn ? 0 : repository.trackedChangeCount();
      let stash = false;
      if (changes > 0) {
        const answer = dirtyAnswer(argument) ?? (await askAboutChanges(repository.label, branch, changes));
        if (answer !== 'stash')
          return { outcome: 'cancelled', ...where, message: 'Your changes were left as they are.' };
        stash = true;
      }

      const outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Checking out "${branch}"`, cancellable: true },
        async (progress, token): Promise<CheckoutBranchResult> => {
          progress.report({ message: `fetching from ${remote.remote}…` });
          try {
            await repository.fetch(remote.remote, branch, token);
          } catch (error) {
            if (token.isCancellationRequested) return { outcome: 'cancelled', ...where };
            throw error;
          }
          if (token.isCancellationRequested) return { outcome: 'cancelled', ...where };
          if (alreadyOn) return { outcome: 'alreadyOn', ...where };

          const local = await repository.localBranch(branch);
          if (!local && !(await repository.remoteBranch(remote.remote, branch))) {
            throw new GitOperationError(
              `"${branch}" is not on ${remote.remote}. The agent may not have pushed it yet.`,
            );
          }
          // Past this point the work is quick and must not stop half-way.
          if (stash) {
            progress.report({ message: 'stashing your changes…' });
            await repository.stash(`BLACKBOX: before checking out ${branch}`);
          }
          progress.report({ message: local ? 'switching…' : `creating it from ${remote.remote}/${branch}…` });
          if (local) await repository.checkout(branch);
          else await repository.checkoutTracking(remote.remote, branch);
          return { outcome: 'checkedOut', ...where, created: !local, stashed: stash };
        },
      );

      if (outcome.outcome === 'cancelled') return outcome;
      await repository.refresh();
      const message = successMessage(outcome, remote.remote, repository.label, repository.head().behind ?? 0);
      void showInformation(message);
      context.logger.info(message);
      return { ...outcome, message };
    } catch (error) {
      if (!GitOperationError.is(error)) throw error;
      void showError(error.message, 'Show Output').then((choice) => {
        if (choice) context.logger.show();
      });
      return { outcome: 'failed', ...where, message: error.message };
    }
  };
}

function dirtyAnswer(argument: unknown): DirtyAnswer | undefined {
  const value = actionArguments(argument)['dirty'];
  return value === 'stash' || value === 'cancel' ? value : undefined;
}

async function askAboutChanges(label: string, branch: string, changes: number): Promise<DirtyAnswer> {
  const picked = await showWarning(
    `${label} has ${changes} uncommitted change${changes === 1 ? '' : 's'}.`,
    {
      modal: true,
      detail: `Checking out "${branch}" must not overwrite them. Stash them first (they stay in the stash until you pop them), or cancel and commit them yourself.`,
    },
    STASH,
  );
  return picked === STASH ? 'stash' : 'cancel';
}

function successMessage(result: CheckoutBranchResult, remote: string, label: string, behind: number): string {
  const branch = `"${result.branch ?? ''}"`;
  const parts =
    result.outcome === 'alreadyOn'
      ? [`${label} is already on ${branch}.`]
      : [
          result.created
            ? `Checked out ${branch} in ${label}, tracking ${remote}/${result.branch ?? ''}.`
            : `Checked out ${branch} in ${label}.`,
        ];
  if (behind > 0)
    parts.push(
      `It is ${behind} commit${behind === 1 ? '' : 's'} behind ${remote}: pull to get the agent's latest work.`,
    );
  if (result.stashed) parts.push('Your changes are in the stash; bring them back with "Git: Pop Stash".');
  return parts.join(' ');
}
