import * as vscode from 'vscode';
import { showError } from '../../adapters/userMessages';
import type { CommandContext } from './commandContext';

/** Says a git operation failed and offers the Output channel, where git's own words are logged. */
export function showGitFailure(context: Pick<CommandContext, 'logger'>, message: string): void {
  void showError(message, vscode.l10n.t('Show Output')).then((choice) => {
    if (choice) context.logger.show();
  });
}
