// Writes l10n/bundle.l10n.json from every `vscode.l10n.t` and core `l10n.t` call in src/.
// `@vscode/l10n-dev` only looks at files that import `l10n` from 'vscode' or '@vscode/l10n'; the
// core cannot import 'vscode', so each core file's import of its own facade is shown to the
// extractor as that import, which leaves the extraction itself to the real tool.
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { extname, join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getL10nJson } from '@vscode/l10n-dev';

const root = dirname(fileURLToPath(import.meta.url));
const FACADE_IMPORT = /^import \{ l10n \} from '(?:\.\.?\/)+(?:util\/)?l10n';$/m;

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return ['.ts', '.tsx', '.js', '.jsx'].includes(extname(entry.name)) ? [path] : [];
  });
}

/** The bundle for the sources under `srcDir`, keys sorted as the CLI writes them. */
export async function extractBundle(srcDir = join(root, 'src')) {
  const files = sourceFiles(srcDir).map((path) => ({
    extension: extname(path),
    contents: readFileSync(path, 'utf8').replace(FACADE_IMPORT, "import { l10n } from 'vscode';"),
  }));
  return getL10nJson(files);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = resolve(root, process.argv[2] ?? 'l10n');
  const bundle = await extractBundle();
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'bundle.l10n.json'), `${JSON.stringify(bundle, undefined, 2)}\n`);
  console.log(`Wrote ${Object.keys(bundle).length} strings to ${join(outDir, 'bundle.l10n.json')}`);
}
