import * as vscode from 'vscode';
import type { HandOverArguments, HandOverResult } from './handOver';

/**
 * Create Task from Selection… (editor context menu, palette): the selected code handed to an
 * agent through the same path as the code actions, so the prompt opens prefilled in Create Task.
 */
export function createTaskFromSelectionCommand() {
  return async (): Promise<HandOverResult | undefined> => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.selection.isEmpty) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Select the code to hand over first.'));
      return undefined;
    }
    const { start, end } = editor.selection;
    const args: HandOverArguments = {
      uri: editor.document.uri.toString(),
      kind: 'selection',
      startLine: start.line,
      startCharacter: start.character,
      endLine: end.line,
      endCharacter: end.character,
    };
    return await vscode.commands.executeCommand<HandOverResult>('blackboxTasks.handOver', args);
  };
}
