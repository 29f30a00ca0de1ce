import * as vscode from 'vscode';
import { loadOnDemand } from '../../commands/onDemandLoader';

/** The kinds our actions carry, under VS Code's quick fix and refactor kinds. */
export const HANDOVER_QUICK_FIX = vscode.CodeActionKind.QuickFix.append('blackbox');
export const HANDOVER_REFACTOR = vscode.CodeActionKind.Refactor.append('blackbox');

/**
 * Registers the provider for files on disk (the agent works on the repository, so a file
 * outside one, or an untitled prompt, has nothing to hand over). Actions are offered once a
 * key is set: without one, every Quick Fix menu would carry an action that cannot work yet.
 */
export function registerHandoverCodeActions(extension: vscode.ExtensionContext, enabled: () => boolean): void {
  extension.subscriptions.push(
    vscode.languages.registerCodeActionsProvider(
      { scheme: 'file' },
      {
        // The provider's body (TODO scanning, labels) is loaded when it first has a key to offer actions with.
        provideCodeActions: (document, range, request) =>
          enabled()
            ? new (loadOnDemand().HandoverCodeActionProvider)().provideCodeActions(document, range, request)
            : [],
      },
      { providedCodeActionKinds: [HANDOVER_QUICK_FIX, HANDOVER_REFACTOR] },
    ),
  );
}
