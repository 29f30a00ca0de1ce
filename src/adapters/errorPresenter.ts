import * as vscode from 'vscode';
import { describeError, type ErrorRemedy } from '../core/view/errorDescription';
import type { Logger } from './logger';
import { showError } from './userMessages';

function remedyLabels(): Record<ErrorRemedy, string> {
  return {
    setApiKey: vscode.l10n.t('Set API Key…'),
    retry: vscode.l10n.t('Retry'),
    showOutput: vscode.l10n.t('Show Output'),
  };
}

/**
 * Shows a failure once, with buttons for what can be done about it. `retry` is offered only
 * when the caller can retry. Resolves to true when the user chose Retry.
 */
export async function presentError(
  error: unknown,
  doing: string,
  deps: { readonly logger: Logger; readonly redact: (text: string) => string; readonly canRetry?: boolean },
): Promise<boolean> {
  const description = describeError(error, doing);
  if (description.silent) return false;
  const message = deps.redact(description.message);
  deps.logger.error(`${message}${error instanceof Error && error.stack ? `\n${error.stack}` : ''}`);
  const remedies = description.remedies.filter((remedy) => remedy !== 'retry' || deps.canRetry);
  const REMEDY_LABELS = remedyLabels();
  const choice = await showError(message, ...remedies.map((remedy) => REMEDY_LABELS[remedy]));
  if (choice === REMEDY_LABELS.setApiKey) await vscode.commands.executeCommand('blackboxTasks.setApiKey');
  if (choice === REMEDY_LABELS.showOutput) deps.logger.show();
  return choice === REMEDY_LABELS.retry;
}
