import * as vscode from 'vscode';
import { showInformation, showWarning } from '../userMessages';

export interface PromptInputOptions {
  /** Shown as the input's title and in the editor's notification. */
  readonly title: string;
  readonly placeHolder: string;
  /** A draft to start from. A multi-line draft opens straight in the editor. */
  readonly initialValue?: string;
  /** Called with the text as it is typed, so a draft survives whatever happens next. */
  readonly onDraft?: (text: string) => void;
}

/**
 * Asks for a prompt: a one-line input box for quick follow-ups, with a button that moves
 * the text into a Markdown editor for long, multi-line prompts (an input box cannot hold
 * line breaks). Resolves to the text, or undefined when the user backs out.
 */
export async function askForPrompt(options: PromptInputOptions): Promise<string | undefined> {
  const initial = options.initialValue ?? '';
  if (initial.includes('\n')) return promptInEditor(options, initial);
  const choice = await inputBox(options, initial);
  if (choice.kind === 'editor') return promptInEditor(options, choice.text);
  return choice.kind === 'accepted' ? choice.text : undefined;
}

type InputBoxChoice = { readonly kind: 'accepted' | 'editor'; readonly text: string } | { readonly kind: 'dismissed' };

function inputBox(options: PromptInputOptions, initial: string): Promise<InputBoxChoice> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    box.title = options.title;
    box.placeholder = options.placeHolder;
    box.prompt = vscode.l10n.t('Enter sends it. For a long or multi-line prompt, use the editor button.');
    box.value = initial;
    box.ignoreFocusOut = true;
    box.buttons = [
      {
        iconPath: new vscode.ThemeIcon('go-to-file'),
        tooltip: vscode.l10n.t('Write in an editor (for long or multi-line prompts)'),
      },
    ];
    let settled = false;
    const finish = (choice: InputBoxChoice): void => {
      if (settled) return;
      settled = true;
      resolve(choice);
      box.hide();
    };
    const subscriptions = [
      box.onDidChangeValue((text) => {
        box.validationMessage = undefined;
        options.onDraft?.(text);
      }),
      box.onDidAccept(() => {
        if (box.value.trim() === '') {
          box.validationMessage = vscode.l10n.t('Write the prompt first.');
          return;
        }
        finish({ kind: 'accepted', text: box.value.trim() });
      }),
      box.onDidTriggerButton(() => finish({ kind: 'editor', text: box.value })),
      box.onDidHide(() => {
        finish({ kind: 'dismissed' });
        for (const subscription of subscriptions) subscription.dispose();
        box.dispose();
      }),
    ];
    box.show();
  });
}

/**
 * The prompt is written in an untitled Markdown editor; a notification offers Send. Closing
 * the editor or choosing Cancel backs out (the draft is kept by the caller's onDraft).
 */
async function promptInEditor(options: PromptInputOptions, initial: string): Promise<string | undefined> {
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: initial });
  await vscode.window.showTextDocument(document, { preview: false });
  const subscriptions: vscode.Disposable[] = [];
  try {
    subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document === document) options.onDraft?.(document.getText());
      }),
    );
    const closed = new Promise<'closed'>((resolve) => {
      subscriptions.push(
        vscode.workspace.onDidCloseTextDocument((closedDocument) => {
          if (closedDocument === document) resolve('closed');
        }),
      );
    });
    const send = vscode.l10n.t('Send');
    for (;;) {
      const choice = await Promise.race([
        showInformation(
          vscode.l10n.t('{0}: write the prompt in the editor, then choose {1}.', options.title, send),
          send,
          vscode.l10n.t('Cancel'),
        ),
        closed,
      ]);
      if (choice !== send) return undefined;
      const text = document.getText().trim();
      if (text !== '') {
        await closeWithoutSaving(document);
        return text;
      }
      void showWarning(vscode.l10n.t('The prompt is empty. Write it in the editor first.'));
    }
  } finally {
    for (const subscription of subscriptions) subscription.dispose();
  }
}

/** Closes the untitled prompt editor without the "save changes?" question (the text was taken). */
async function closeWithoutSaving(document: vscode.TextDocument): Promise<void> {
  if (document.isClosed) return;
  await vscode.window.showTextDocument(document, { preview: false });
  if (vscode.window.activeTextEditor?.document === document) {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
}
