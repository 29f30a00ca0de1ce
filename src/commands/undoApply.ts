import * as vscode from 'vscode';
import { createApplyHistory, type ApplyRecord } from '../adapters/git/applyHistory';
import { changedSinceApply } from '../core/git/applyPlan';
import type { CommandContext } from './support/commandContext';
import { actionArguments, stringArgument } from './support/requireConnection';
import { readWorkingFile, writeWorkingFile } from './applyChanges';

export interface UndoApplyResult {
  readonly outcome: 'undone' | 'nothingToUndo' | 'cancelled' | 'unavailable';
  readonly restored?: readonly string[];
  /** Files edited after the apply (an undo overwrites them only when the user says so). */
  readonly changedSince?: readonly string[];
  readonly message?: string;
}

/**
 * Undo Apply: puts back exactly what the latest Apply Changes replaced (of one repository when
 * given), file by file. Files edited since the apply are named first and overwritten only on
 * request. Argument object (README, Command arguments): `{ applyId?, repository?, onChanged?: 'overwrite' | 'cancel' }`.
 */
export function undoApplyCommand(context: CommandContext) {
  const history = createApplyHistory(context.extension.workspaceState);

  return async (argument?: unknown): Promise<UndoApplyResult> => {
    if (!vscode.workspace.isTrusted) {
      const message = vscode.l10n.t('Undo Apply writes files in this workspace, which is not trusted.');
      void vscode.window.showWarningMessage(message);
      return { outcome: 'unavailable', message };
    }
    const repositoryRoot = stringArgument(argument, 'repository');
    const record = history.latest(repositoryRoot ? vscode.Uri.file(repositoryRoot).toString() : undefined);
    const wantedId = stringArgument(argument, 'applyId');
    if (!record || (wantedId && record.id !== wantedId)) {
      const message = wantedId
        ? vscode.l10n.t('That apply is no longer the latest one, so it cannot be undone on its own.')
        : vscode.l10n.t('There is no applied change to undo.');
      void vscode.window.showInformationMessage(message);
      return { outcome: 'nothingToUndo', message };
    }
    const loaded = await context.git.load();
    const repository = loaded.ok
      ? (await context.git.repositories()).find((candidate) => candidate.root.toString() === record.repository)
      : undefined;
    if (!repository) {
      const message = vscode.l10n.t('The repository of the latest apply ({0}) is not open.', record.repository);
      void vscode.window.showWarningMessage(message);
      return { outcome: 'unavailable', message };
    }

    const current = new Map<string, Uint8Array | undefined>();
    for (const file of record.files) current.set(file.path, await readWorkingFile(repository, file.path));
    const changedSince = changedSinceApply(record.files, current);
    if (changedSince.length > 0) {
      const answer = actionArguments(argument)['onChanged'] ?? (await askAboutLaterEdits(record, changedSince));
      if (answer !== 'overwrite') {
        const message = vscode.l10n.t('Nothing was undone: {0} changed after the apply.', changedSince.join(', '));
        return { outcome: 'cancelled', changedSince, message };
      }
    }
    for (const file of record.files) await writeWorkingFile(repository, file.path, file.before);
    await history.remove(record.id);
    await repository.refresh();
    const restored = record.files.map((file) => file.path);
    const message = vscode.l10n.t(
      'Undid the apply from "{0}": {1} file(s) are as they were.',
      record.branch,
      restored.length,
    );
    context.logger.info(message);
    void vscode.window.showInformationMessage(message);
    return { outcome: 'undone', restored, changedSince, message };
  };
}

async function askAboutLaterEdits(record: ApplyRecord, paths: readonly string[]): Promise<'overwrite' | 'cancel'> {
  const overwrite = vscode.l10n.t('Undo Anyway');
  const picked = await vscode.window.showWarningMessage(
    vscode.l10n.t('{0} file(s) changed after the changes of "{1}" were applied.', paths.length, record.branch),
    {
      modal: true,
      detail: vscode.l10n.t(
        '{0}\n\nUndoing puts back what was there before the apply, and your later edits to these files are lost.',
        paths.join('\n'),
      ),
    },
    overwrite,
  );
  return picked === overwrite ? 'overwrite' : 'cancel';
}
