import * as vscode from 'vscode';
import { createApplyHistory } from '../adapters/git/applyHistory';
import type { LocalRepository } from '../adapters/git/gitRepository';
import { decideApply, type AppliedFile, type ConflictReason } from '../core/git/applyPlan';
import { GitOperationError } from '../core/git/gitFailure';
import type { CommandContext } from './support/commandContext';
import { agentChange, type ChangedFile } from './support/agentChange';
import { actionArguments } from './support/requireConnection';
import type { BranchCommandStop } from './support/taskRepository';
import { showGitFailure } from './support/gitFailure';

export type DirtyChoice = 'markers' | 'skip' | 'cancel';

export interface ApplyConflict {
  readonly path: string;
  readonly reason: ConflictReason;
}

export interface ApplyChangesResult {
  readonly outcome: 'applied' | 'noChanges' | 'nothingApplied' | 'failed' | BranchCommandStop;
  readonly branch?: string;
  readonly repository?: string;
  /** Files written (or deleted) in the working tree. */
  readonly applied?: readonly string[];
  /** Files written with conflict markers, among `applied`. */
  readonly withMarkers?: readonly string[];
  /** Files left as they were because the change does not apply cleanly. */
  readonly conflicts?: readonly ApplyConflict[];
  /** Files with local edits the user chose to leave alone, and files deselected. */
  readonly skipped?: readonly string[];
  /** Files that already had the agent's version. */
  readonly already?: readonly string[];
  /** The id Undo Apply uses for this apply. */
  readonly applyId?: string;
  readonly message?: string;
}

/**
 * Apply Changes…: the agent's change (merge base → its branch, fetched as Review Changes does)
 * written into the working tree of the matching clone, on whatever branch is checked out.
 * HEAD does not move, the index is not touched, nothing is committed. Each file is decided on
 * its own (core/git/applyPlan): written whole, merged, or left alone and listed, never
 * half-changed. Files with local edits are named first. What was there before is kept for
 * Undo Apply. Argument object (README, Command arguments): `{ taskId, repository?, baseBranch?, files?: paths
 * or 'all', onDirty?: 'markers' | 'skip' | 'cancel' }`.
 */
export function applyChangesCommand(context: CommandContext) {
  const history = createApplyHistory(context.extension.workspaceState);

  return async (argument?: unknown): Promise<ApplyChangesResult> => {
    let change;
    try {
      change = await agentChange(context, argument, {
        action: vscode.l10n.t("Applying an agent's changes"),
        placeHolder: vscode.l10n.t('Apply the changes of which task?'),
      });
    } catch (error) {
      return failed(context, error);
    }
    if (!change.ok) return { outcome: change.stop, ...(change.message ? { message: change.message } : {}) };
    const { task, repository, branch, leftCommit, rightCommit } = change;
    const where = { branch, repository: repository.root.fsPath };
    if (change.files.length === 0) {
      const message = vscode.l10n.t('"{0}" has no changes compared with "{1}".', branch, change.base);
      void vscode.window.showInformationMessage(message);
      return { outcome: 'noChanges', ...where, message };
    }

    const args = actionArguments(argument);
    const selected = await chooseFiles(change.files, args['files'], branch);
    if (!selected) return { outcome: 'cancelled', ...where };
    const deselected = change.files.filter((file) => !selected.includes(file)).map((file) => file.path);

    try {
      await repository.refresh();
      const edited = repository.localChangePaths();
      const dirty = selected.filter(
        (file) => edited.has(file.path) || (file.originalPath !== undefined && edited.has(file.originalPath)),
      );
      let choice: DirtyChoice | undefined;
      if (dirty.length > 0) {
        choice = dirtyChoice(args['onDirty']) ?? (await askAboutLocalEdits(dirty.map((file) => file.path)));
        if (choice === 'cancel')
          return { outcome: 'cancelled', ...where, message: vscode.l10n.t('Your changes were left as they are.') };
      }
      const dirtyPaths = new Set(dirty.map((file) => file.path));
      const toApply = choice === 'skip' ? selected.filter((file) => !dirtyPaths.has(file.path)) : selected;
      const skipped = [...deselected, ...(choice === 'skip' ? [...dirtyPaths] : [])];

      const labels = { yours: vscode.l10n.t('yours (working tree)'), theirs: vscode.l10n.t('agent ({0})', branch) };
      const applied: AppliedFile[] = [];
      const withMarkers: string[] = [];
      const conflicts: ApplyConflict[] = [];
      const already: string[] = [];
      for (const file of toApply) {
        // A rename is the old path deleted and the new one added; both must apply, or neither is written.
        const sides = sidesOf(file);
        const decided = [];
        for (const side of sides) {
          const [base, agent, current] = await Promise.all([
            side.inBase ? repository.fileAt(leftCommit, side.basePath) : undefined,
            side.inAgent ? repository.fileAt(rightCommit, side.path) : undefined,
            readWorkingFile(repository, side.path),
          ]);
          decided.push({
            side,
            current,
            decision: decideApply({ base, agent, current, allowMarkers: choice === 'markers', labels }),
          });
        }
        const blocked = decided.find((entry) => entry.decision.kind === 'conflict');
        if (blocked?.decision.kind === 'conflict') {
          conflicts.push({ path: file.path, reason: blocked.decision.reason });
          continue;
        }
        if (decided.every((entry) => entry.decision.kind === 'already')) {
          already.push(file.path);
          continue;
        }
        for (const { side, current, decision } of decided) {
          if (decision.kind === 'write' || decision.kind === 'merged') {
            await writeWorkingFile(repository, side.path, decision.content);
            applied.push({ path: side.path, before: current, after: decision.content });
            if (decision.kind === 'merged' && decision.conflicts > 0) withMarkers.push(side.path);
          }
        }
      }

      let applyId: string | undefined;
      if (applied.length > 0) {
        applyId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
        await history.push({
          id: applyId,
          taskId: task.id,
          branch,
          repository: repository.root.toString(),
          appliedAt: Date.now(),
          files: applied,
        });
        await repository.refresh();
      }
      const result: ApplyChangesResult = {
        outcome: applied.length > 0 ? 'applied' : 'nothingApplied',
        ...where,
        applied: applied.map((file) => file.path),
        withMarkers,
        conflicts,
        skipped,
        already,
        ...(applyId ? { applyId } : {}),
      };
      const message = summary(result, branch);
      context.logger.info(`Apply Changes from ${task.id} (${branch}) into ${repository.root.fsPath}: ${message}`);
      if (applied.length > 0) void vscode.commands.executeCommand('workbench.view.scm');
      void report(repository, result, message, rightCommit);
      return { ...result, message };
    } catch (error) {
      return failed(context, error, where);
    }
  };
}

interface Side {
  /** Where the file is in the working tree and on the agent's side. */
  readonly path: string;
  /** Where it was at the merge base (differs for a rename's old path only in name). */
  readonly basePath: string;
  readonly inBase: boolean;
  readonly inAgent: boolean;
}

function sidesOf(file: ChangedFile): Side[] {
  if (file.kind === 'renamed' && file.originalPath)
    return [
      { path: file.originalPath, basePath: file.originalPath, inBase: true, inAgent: false },
      { path: file.path, basePath: file.path, inBase: false, inAgent: true },
    ];
  return [{ path: file.path, basePath: file.path, inBase: file.kind !== 'added', inAgent: file.kind !== 'deleted' }];
}

async function readWorkingFile(repository: LocalRepository, path: string): Promise<Uint8Array | undefined> {
  try {
    return await vscode.workspace.fs.readFile(repository.fileUri(path));
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return undefined;
    throw error;
  }
}

/** Writes (parents created as needed) or, for undefined, deletes the working tree's file. */
export async function writeWorkingFile(
  repository: LocalRepository,
  path: string,
  content: Uint8Array | undefined,
): Promise<void> {
  const uri = repository.fileUri(path);
  if (content) await vscode.workspace.fs.writeFile(uri, content);
  else {
    try {
      await vscode.workspace.fs.delete(uri, { useTrash: false });
    } catch (error) {
      if (!(error instanceof vscode.FileSystemError && error.code === 'FileNotFound')) throw error;
    }
  }
}

export { readWorkingFile };

function dirtyChoice(value: unknown): DirtyChoice | undefined {
  return value === 'markers' || value === 'skip' || value === 'cancel' ? value : undefined;
}

async function chooseFiles(
  files: readonly ChangedFile[],
  given: unknown,
  branch: string,
): Promise<readonly ChangedFile[] | undefined> {
  if (given === 'all') return files;
  if (Array.isArray(given)) {
    const wanted = new Set(given.filter((item): item is string => typeof item === 'string'));
    return files.filter((file) => wanted.has(file.path));
  }
  const picked = await vscode.window.showQuickPick(
    files.map((file) => ({
      label: file.path,
      description: kindWord(file),
      picked: true,
      file,
    })),
    {
      canPickMany: true,
      title: vscode.l10n.t('Apply the changes of "{0}"', branch),
      placeHolder: vscode.l10n.t('The files to apply to your working tree (all are selected)'),
    },
  );
  if (!picked || picked.length === 0) return undefined;
  return picked.map((item) => item.file);
}

function kindWord(file: ChangedFile): string {
  switch (file.kind) {
    case 'added':
      return vscode.l10n.t('added');
    case 'deleted':
      return vscode.l10n.t('deleted');
    case 'renamed':
      return vscode.l10n.t('renamed from {0}', file.originalPath ?? '');
    case 'modified':
      return vscode.l10n.t('modified');
  }
}

async function askAboutLocalEdits(paths: readonly string[]): Promise<DirtyChoice> {
  const markers = vscode.l10n.t('Apply with Conflict Markers');
  const skip = vscode.l10n.t('Skip Those Files');
  const shown = paths.slice(0, 8).join('\n') + (paths.length > 8 ? `\n… (+${paths.length - 8})` : '');
  const picked = await vscode.window.showWarningMessage(
    vscode.l10n.t('{0} of the files this change touches have local edits.', paths.length),
    {
      modal: true,
      detail: vscode.l10n.t(
        "{0}\n\nThey are never overwritten silently. Merge the agent's change into them (overlapping edits get conflict markers), skip them, or cancel.",
        shown,
      ),
    },
    markers,
    skip,
  );
  return picked === markers ? 'markers' : picked === skip ? 'skip' : 'cancel';
}

function summary(result: ApplyChangesResult, branch: string): string {
  const parts: string[] = [];
  const applied = result.applied?.length ?? 0;
  parts.push(
    applied > 0
      ? vscode.l10n.t('Applied {0} file(s) from "{1}" to your working tree (nothing committed).', applied, branch)
      : vscode.l10n.t('Nothing from "{0}" was applied.', branch),
  );
  if (result.withMarkers?.length)
    parts.push(vscode.l10n.t('{0} have conflict markers to resolve.', result.withMarkers.join(', ')));
  if (result.conflicts?.length)
    parts.push(
      vscode.l10n.t(
        'Not applied because they do not apply cleanly: {0}.',
        result.conflicts.map((conflict) => conflict.path).join(', '),
      ),
    );
  if (result.already?.length)
    parts.push(vscode.l10n.t('Already as the agent left them: {0}.', result.already.join(', ')));
  return parts.join(' ');
}

async function report(
  repository: LocalRepository,
  result: ApplyChangesResult,
  message: string,
  rightCommit: string,
): Promise<void> {
  const openDiff = vscode.l10n.t('Open Diff');
  const undo = vscode.l10n.t('Undo Apply');
  const actions = [...(result.conflicts?.length ? [openDiff] : []), ...(result.applyId ? [undo] : [])];
  const show = result.conflicts?.length ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const choice = await show(message, ...actions);
  if (choice === undo) await vscode.commands.executeCommand('blackboxTasks.undoApply', { applyId: result.applyId });
  if (choice === openDiff && result.conflicts) await openConflictDiffs(repository, result.conflicts, rightCommit);
}

/** The agent's version beside the user's, for each file the user merges by hand. */
async function openConflictDiffs(
  repository: LocalRepository,
  conflicts: readonly ApplyConflict[],
  rightCommit: string,
): Promise<void> {
  let chosen = conflicts;
  if (conflicts.length > 1) {
    const picked = await vscode.window.showQuickPick(
      conflicts.map((conflict) => ({ label: conflict.path, conflict })),
      { placeHolder: vscode.l10n.t("Compare which file with the agent's version?") },
    );
    if (!picked) return;
    chosen = [picked.conflict];
  }
  for (const conflict of chosen) {
    const file = repository.fileUri(conflict.path);
    await vscode.commands.executeCommand(
      'vscode.diff',
      repository.gitUri(file, rightCommit),
      file,
      vscode.l10n.t('{0} (agent) ↔ {0} (yours)', conflict.path),
    );
  }
}

function failed(context: CommandContext, error: unknown, where: object = {}): ApplyChangesResult {
  if (!GitOperationError.is(error)) throw error;
  showGitFailure(context, error.message);
  return { outcome: 'failed', ...where, message: error.message };
}
