import * as vscode from 'vscode';
import { neutraliseLinks } from '../core/util/untrustedText';

/**
 * Every notification, modal message and quick pick the extension shows goes through here.
 * Their text often carries what the server or the agent wrote (task errors, refusals,
 * prompts), and VS Code turns `[label](command:…)` in a message into a live link, so the
 * whole text is neutralised on its way out. Button titles are the extension's own.
 */

type MessageArguments<T extends string> = [vscode.MessageOptions, ...T[]] | T[];
type Show = <T extends string>(message: string, ...rest: (vscode.MessageOptions | T)[]) => Thenable<T | undefined>;

function show<T extends string>(
  severity: 'info' | 'warning' | 'error',
  message: string,
  rest: MessageArguments<T>,
): Thenable<T | undefined> {
  const window = vscode.window;
  const raw: Show =
    severity === 'error'
      ? window.showErrorMessage.bind(window)
      : severity === 'warning'
        ? window.showWarningMessage.bind(window)
        : window.showInformationMessage.bind(window);
  const [first, ...items] = rest;
  if (first !== undefined && typeof first === 'object') {
    const options = first.detail === undefined ? first : { ...first, detail: neutraliseLinks(first.detail) };
    return raw<T>(neutraliseLinks(message), options, ...items);
  }
  return raw<T>(neutraliseLinks(message), ...(rest as T[]));
}

export function showInformation<T extends string>(message: string, ...rest: MessageArguments<T>) {
  return show('info', message, rest);
}

export function showWarning<T extends string>(message: string, ...rest: MessageArguments<T>) {
  return show('warning', message, rest);
}

export function showError<T extends string>(message: string, ...rest: MessageArguments<T>) {
  return show('error', message, rest);
}

export function showNotice<T extends string>(
  severity: 'info' | 'warning' | 'error',
  message: string,
  ...rest: MessageArguments<T>
) {
  return show(severity, message, rest);
}

/** A quick pick whose items' label, description and detail are neutralised; the chosen original item comes back. */
export async function pickOne<T extends vscode.QuickPickItem>(
  items: readonly T[],
  options: vscode.QuickPickOptions,
): Promise<T | undefined> {
  const shown = items.map((item) => ({
    ...item,
    label: neutraliseLinks(item.label),
    ...(item.description !== undefined ? { description: neutraliseLinks(item.description) } : {}),
    ...(item.detail !== undefined ? { detail: neutraliseLinks(item.detail) } : {}),
  }));
  const picked = await vscode.window.showQuickPick(shown, { ...options, canPickMany: false });
  return picked ? items[shown.indexOf(picked)] : undefined;
}
