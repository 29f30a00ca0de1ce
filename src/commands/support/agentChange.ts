import * as vscode from 'vscode';
import { GIT_STATUS } from '../../adapters/git/gitConstants';
import { checkRepositoryPath, relativeToRoot } from '../../core/git/repositoryPath';
import { fetchAndCompare, type ChangeKind } from '../reviewChanges';
import type { CommandContext } from './commandContext';
import { baseBranchOf, taskRepository, type BranchCommandStop, type TaskRepository } from './taskRepository';

/** One file of an agent's change, with checked paths relative to the repository root. */
export interface ChangedFile {
  readonly path: string;
  /** For a rename, where the file was. */
  readonly originalPath?: string;
  readonly kind: ChangeKind;
}

export type AgentChange =
  | (Extract<TaskRepository, { ok: true }> & {
      readonly base: string;
      /** Where the agent's branch left the base, and its tip. */
      readonly leftCommit: string;
      readonly rightCommit: string;
      readonly files: readonly ChangedFile[];
    })
  | { readonly ok: false; readonly stop: BranchCommandStop | 'failed'; readonly message?: string };

/**
 * The agent's change for a task, as Review Changes computes it: both branches fetched, from
 * the merge base to the branch's tip. Branch names and every file path are checked before
 * anything is read or written; one unsafe path refuses the whole change.
 */
export async function agentChange(
  context: CommandContext,
  argument: unknown,
  command: { readonly action: string; readonly placeHolder: string },
): Promise<AgentChange> {
  const found = await taskRepository(context, argument, command);
  if (!found.ok) return found;
  const { task, repository, remote, branch } = found;

  const chosenBase = await baseBranchOf(found, argument);
  if (!chosenBase.ok) return chosenBase;
  const baseBranch = chosenBase.branch;

  const compared = await fetchAndCompare(repository, remote.remote, baseBranch, branch);
  if (!compared) return { ok: false, stop: 'cancelled' };

  const files: ChangedFile[] = [];
  const root = repository.root.path;
  for (const change of compared.changes) {
    const path = checkedPath(root, change.uri);
    const renamed = change.status === GIT_STATUS.indexRenamed;
    const original = renamed ? checkedPath(root, change.originalUri) : undefined;
    const bad = !path.ok ? path : original && !original.ok ? original : undefined;
    if (bad) {
      const message = vscode.l10n.t(
        "The agent's change names a file this extension will not write ({0}: {1}). Nothing was changed.",
        bad.shown,
        bad.reason,
      );
      void vscode.window.showErrorMessage(message);
      return { ok: false, stop: 'refused', message };
    }
    if (!path.ok) continue;
    const kind = compared.files.find((file) => file.path === path.path)?.kind ?? 'modified';
    files.push({ path: path.path, kind, ...(original?.ok ? { originalPath: original.path } : {}) });
  }
  return {
    ok: true,
    task,
    repository,
    remote,
    branch,
    base: baseBranch,
    leftCommit: compared.leftCommit,
    rightCommit: compared.rightCommit,
    files,
  };
}

function checkedPath(
  root: string,
  uri: vscode.Uri,
):
  | { readonly ok: true; readonly path: string }
  | { readonly ok: false; readonly shown: string; readonly reason: string } {
  const relative = relativeToRoot(root, uri.path);
  if (relative === undefined)
    return { ok: false, shown: JSON.stringify(uri.path), reason: vscode.l10n.t('it is outside the repository') };
  const check = checkRepositoryPath(relative);
  return check.ok ? check : { ok: false, shown: JSON.stringify(relative), reason: check.reason };
}
