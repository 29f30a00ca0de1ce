import * as vscode from 'vscode';
import type { KeySource } from '../adapters/api/apiSession';
import type { CommandContext } from './support/commandContext';
import { booleanArgument } from './support/requireConnection';
import { showInformation, showWarning } from '../adapters/userMessages';

export interface ClearApiKeyResult {
  readonly cleared: boolean;
  /** Where the key comes from afterwards: `env` when BLACKBOX_API_KEY is still used. */
  readonly keySource: KeySource;
  readonly message?: string;
}

/**
 * Clear API Key: removes the key stored in SecretStorage (after a modal confirmation, since
 * the user may not have the key elsewhere), and says so when BLACKBOX_API_KEY from the
 * environment will still be used. Argument object (README, Command arguments): `{ confirm: true }`.
 */
export function clearApiKeyCommand(context: CommandContext) {
  const { session, logger } = context;

  return async (argument?: unknown): Promise<ClearApiKeyResult> => {
    if (session.keySource !== 'secret') {
      const message =
        session.keySource === 'env'
          ? vscode.l10n.t(
              'No API key is stored in VS Code. The key in use comes from the BLACKBOX_API_KEY environment variable; unset it to disconnect.',
            )
          : vscode.l10n.t('No API key is stored in VS Code.');
      void showInformation(message);
      return { cleared: false, keySource: session.keySource, message };
    }
    const removeKey = vscode.l10n.t('Remove Key');
    const confirmed =
      booleanArgument(argument, 'confirm') ??
      (await showWarning(
        vscode.l10n.t('Remove the stored BLACKBOX API key?'),
        {
          modal: true,
          detail: vscode.l10n.t('VS Code forgets the key in every window. You need the key again to set it later.'),
        },
        removeKey,
      )) === removeKey;
    if (!confirmed) return { cleared: false, keySource: session.keySource };

    await session.clearKey();
    logger.info('The stored API key was removed.');
    const after = sourceOf(session);
    const message =
      after === 'env'
        ? vscode.l10n.t('Stored API key removed. BLACKBOX_API_KEY from the environment is still used.')
        : vscode.l10n.t('Stored API key removed. Set a key to see your tasks again.');
    void showInformation(message);
    return { cleared: true, keySource: after, message };
  };
}

/** Read afresh: clearing changed it (TypeScript would otherwise keep the narrowing from before). */
function sourceOf(session: { readonly keySource: KeySource }): KeySource {
  return session.keySource;
}
