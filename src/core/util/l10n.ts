/**
 * Localizable text for the core. The core cannot import `vscode`, so its user-facing strings go
 * through this `l10n.t`, which has the same shape as `vscode.l10n.t`: `{0}`, `{1}`… (or `{name}`
 * with an object) stand for the arguments. `npm run l10n` (`l10n.mjs`) extracts `l10n.t('…')` calls
 * from the core with `@vscode/l10n-dev` as it does from the adapters, so they all land in
 * `l10n/bundle.l10n.json`; the import must read `import { l10n } from '…/l10n';` for that.
 *
 * The extension hands VS Code's translator over once at activation (`useTranslator`); until then,
 * and in plain-Node tests, the English text is formatted as written.
 */
export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

let translate: Translate = formatMessage;

export const l10n = {
  t: (message: string, ...args: Array<string | number | boolean>): string => translate(message, ...args),
};

/** Routes the core's strings through `translator` (VS Code's `vscode.l10n.t`). */
export function useTranslator(translator: Translate): void {
  translate = translator;
}

/** `{0}`-style placeholders replaced by the arguments; an unknown placeholder stays as written. */
export function formatMessage(message: string, ...args: Array<string | number | boolean>): string {
  return message.replace(/\{(\d+)\}/g, (whole, index: string) => {
    const value = args[Number(index)];
    return value === undefined ? whole : String(value);
  });
}
