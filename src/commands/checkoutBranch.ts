import * as vscode from 'vscode';
import { GitOperationError } from '../core/git/gitFailure';
import { showError, showInformation, showWarning } from '../adapters/userMessages';
import type { LocalRepository } from '../adapters/git/gitRepository';
import type { CommandContext } from './support/commandContext';
import { actionArguments } from './support/requireConnection';
import { taskRepository, type BranchCommandStop } from './support/taskRepository';
import { showGitFailure } from './support/gitFailure';

export interface CheckoutBranchResult {
  readonly outcome: 'checkedOut' | 'alreadyOn' | 'failed' | BranchCommandStop;
  readonly branch?: string;
  /** The repository's folder. */
  readonly repository?: string;
  /** A new local branch was created to track the remote one. */
  readonly created?: boolean;
  /** The user's changes were stashed first. */
  readonly stashed?: boolean;
  /** The stash entry's message, when the changes were stashed and the checkout then failed. */
  readonly stashMessage?: string;
  /** After such a failure, the stash was popped back onto the working tree. */
  readonly restored?: boolean;
  readonly message?: string;
}

type DirtyAnswer = 'stash' | 'cancel';

/**
 * Check Out Task Branch: brings the agent's branch into the matching local clone. Fetches
 * it, then checks out the local branch or creates one tracking the remote branch. Changes
 * in the working tree are never overwritten: the user stashes them first or nothing happens.
 * When the checkout fails after the stash, the message names the stash entry and offers to
 * restore it. Argument object (README, Command arguments): `{ taskId, repository?, dirty?: 'stash' | 'cancel',
 * restoreStash?: boolean }` (restoreStash answers that offer).
 */
export function checkoutBranchCommand(context: CommandContext) {
  return async (argument?: unknown): Promise<CheckoutBranchResult> => {
    const found = await taskRepository(context, argument, {
      action: vscode.l10n.t('Checking out a task branch'),
      placeHolder: vscode.l10n.t('Check out the branch of which task?'),
    });
    if (!found.ok) return { outcome: found.stop, ...(found.message ? { message: found.message } : {}) };
    const { repository, remote, branch } = found;
    const where = { branch, repository: repository.root.fsPath };
    let stashedAs: string | undefined;

    try {
      await repository.refresh();
      const alreadyOn = repository.head().branch === branch;
      const changes = alreadyOn ? 0 : repository.trackedChangeCount();
      let stash = false;
      if (changes > 0) {
        const answer = dirtyAnswer(argument) ?? (await askAboutChanges(repository.label, branch, changes));
        if (answer !== 'stash')
          return { outcome: 'cancelled', ...where, message: vscode.l10n.t('Your changes were left as they are.') };
        stash = true;
      }

      const outcome = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: vscode.l10n.t('Checking out "{0}"', branch),
          cancellable: true,
        },
        async (progress, token): Promise<CheckoutBranchResult> => {
          progress.report({ message: vscode.l10n.t('fetching from {0}…', remote.remote) });
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
              vscode.l10n.t('"{0}" is not on {1}. The agent may not have pushed it yet.', branch, remote.remote),
            );
          }
          // Past this point the work is quick and must not stop half-way.
          if (stash) {
            progress.report({ message: vscode.l10n.t('stashing your changes…') });
            const stashMessage = `BLACKBOX: before checking out ${branch}`;
            await repository.stash(stashMessage);
            stashedAs = stashMessage;
          }
          progress.report({
            message: local
              ? vscode.l10n.t('switching…')
              : vscode.l10n.t('creating it from {0}…', `${remote.remote}/${branch}`),
          });
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
      if (stashedAs !== undefined)
        return await offerRestore(context, repository, error.message, stashedAs, argument, where);
      showGitFailure(context, error.message);
      return { outcome: 'failed', ...where, message: error.message };
    }
  };
}

/**
 * The checkout failed after the changes were stashed: say where they are and offer to bring
 * them back. The newest stash entry is popped only while it is still the one made here.
 */
async function offerRestore(
  context: CommandContext,
  repository: LocalRepository,
  failure: string,
  stashMessage: string,
  argument: unknown,
  where: { readonly branch: string; readonly repository: string },
): Promise<CheckoutBranchResult> {
  const message = `${failure} ${vscode.l10n.t('Your changes are safe in the stash as “{0}”.', stashMessage)}`;
  context.logger.warn(message);
  const answer = actionArguments(argument)['restoreStash'];
  const restoreChoice = vscode.l10n.t('Restore My Changes');
  const restore =
    typeof answer === 'boolean'
      ? answer
      : (await showError(message, restoreChoice, vscode.l10n.t('Show Output'))) === restoreChoice;
  const failed = { outcome: 'failed', ...where, message, stashed: true, stashMessage } as const;
  if (!restore) return failed;
  try {
    if (!(await repository.newestStashIs(stashMessage))) {
      const moved = vscode.l10n.t(
        'The newest stash entry is no longer “{0}”, so nothing was restored. Run "Git: Pop Stash…" and pick it.',
        stashMessage,
      );
      void showWarning(moved);
      return { ...failed, message: `${message} ${moved}`, restored: false };
    }
    await repository.popNewestStash();
    await repository.refresh();
    const head = repository.head().branch;
    const restored =
      head === undefined
        ? vscode.l10n.t('Your changes are back in {0} (on a detached HEAD).', repository.label)
        : vscode.l10n.t('Your changes are back in {0} (on "{1}").', repository.label, head);
    void showInformation(restored);
    return { ...failed, message: `${message} ${restored}`, restored: true };
  } catch (error) {
    if (!GitOperationError.is(error)) throw error;
    const still = `${error.message} ${vscode.l10n.t('Your changes are still in the stash as “{0}”.', stashMessage)}`;
    void showError(still);
    return { ...failed, message: still, restored: false };
  }
}

function dirtyAnswer(argument: unknown): DirtyAnswer | undefined {
  const value = actionArguments(argument)['dirty'];
  return value === 'stash' || value === 'cancel' ? value : undefined;
}

async function askAboutChanges(label: string, branch: string, changes: number): Promise<DirtyAnswer> {
  const stash = vscode.l10n.t('Stash and Check Out');
  const picked = await showWarning(
    changes === 1
      ? vscode.l10n.t('{0} has 1 uncommitted change.', label)
      : vscode.l10n.t('{0} has {1} uncommitted changes.', label, changes),
    {
      modal: true,
      detail: vscode.l10n.t(
        'Checking out "{0}" must not overwrite them. Stash them first (they stay in the stash until you pop them), or cancel and commit them yourself.',
        branch,
      ),
    },
    stash,
  );
  return picked === stash ? 'stash' : 'cancel';
}

function successMessage(result: CheckoutBranchResult, remote: string, label: string, behind: number): string {
  const branch = result.branch ?? '';
  const parts =
    result.outcome === 'alreadyOn'
      ? [vscode.l10n.t('{0} is already on "{1}".', label, branch)]
      : [
          result.created
            ? vscode.l10n.t('Checked out "{0}" in {1}, tracking {2}.', branch, label, `${remote}/${branch}`)
            : vscode.l10n.t('Checked out "{0}" in {1}.', branch, label),
        ];
  if (behind > 0)
    parts.push(
      behind === 1
        ? vscode.l10n.t("It is 1 commit behind {0}: pull to get the agent's latest work.", remote)
        : vscode.l10n.t("It is {0} commits behind {1}: pull to get the agent's latest work.", behind, remote),
    );
  if (result.stashed)
    parts.push(vscode.l10n.t('Your changes are in the stash; bring them back with "Git: Pop Stash".'));
  return parts.join(' ');
}
