import * as vscode from 'vscode';
import type * as OnDemand from './onDemand';

let loaded: typeof OnDemand | undefined;

/**
 * The code of rare features (most commands, the log pipeline, the chat tools, links, the Quick
 * Fix body), loaded synchronously on the first use of any of them and kept.
 */
export function loadOnDemand(): typeof OnDemand {
  if (!loaded) {
    // dist/onDemand.js beside the bundle (esbuild keeps this require as written); out/…/onDemand.js in tests.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a synchronous load on first use, kept out of the activation bundle
    const module = require('./onDemand.js') as typeof OnDemand;
    // The file has its own copy of @vscode/l10n: hand it VS Code's bundle too.
    module.useBundle(vscode.l10n.bundle);
    loaded = module;
  }
  return loaded;
}
