import * as l10n from '@vscode/l10n';

/**
 * The core's user-facing strings are `l10n.t(…)` calls on `@vscode/l10n` (import it as
 * `import * as l10n from '@vscode/l10n'`): the same shape as `vscode.l10n.t`, usable where
 * `vscode` cannot be imported, and extracted into `l10n/bundle.l10n.json` with the adapters'
 * strings. Until a bundle is handed over (English, and in plain-Node tests) the message is
 * formatted as written.
 */
export function useBundle(bundle: Readonly<Record<string, string>> | undefined): void {
  l10n.config({ contents: bundle ? { ...bundle } : {} });
}
