// Builds the extension bundle (dist/extension.js) and, with --tests, transpiles
// src/ and test/ file by file into out/ for mocha. Type checking is `npm run check-types`.
import * as esbuild from 'esbuild';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');
/** Prints what each source file weighs in each bundle (esbuild's own analysis of its metafile). */
const analyze = process.argv.includes('--analyze');

/** @param {string} dir @returns {string[]} */
function typescriptFilesUnder(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...typescriptFilesUnder(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) found.push(path);
  }
  return found;
}

/**
 * Prints build errors as `✘ [ERROR] message` then `    file:line:col:`, the form the problem
 * matcher in .vscode/tasks.json reads. In watch mode each rebuild is framed by
 * `[watch] build started` / `[watch] build finished`, so VS Code knows when a background
 * build is running (F5 waits for the first one).
 */
const reportProblems = {
  name: 'report-problems',
  setup(build) {
    if (watch) build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

/**
 * The commands in src/commands/onDemand.ts are a bundle of their own (dist/onDemand.js), loaded on
 * their first use: the activation bundle keeps the `require('./onDemand.js')` as written.
 */
const keepOnDemandSeparate = {
  name: 'keep-on-demand-separate',
  setup(build) {
    build.onResolve({ filter: /^\.\/onDemand\.js$/ }, (args) =>
      args.importer.endsWith(join('src', 'commands', 'onDemandLoader.ts'))
        ? { path: './onDemand.js', external: true }
        : undefined,
    );
  },
};

async function buildExtension() {
  const options = {
    entryPoints: { extension: 'src/extension.ts', onDemand: 'src/commands/onDemand.ts' },
    outdir: 'dist',
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['vscode'],
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [reportProblems, keepOnDemandSeparate],
    metafile: analyze,
  };
  if (watch) {
    const context = await esbuild.context(options);
    await context.watch();
    return;
  }
  const result = await esbuild.build(options);
  if (analyze) console.log(await esbuild.analyzeMetafile(result.metafile, { verbose: false }));
}

async function buildTests() {
  // out/ is not wiped: several test runs may share this tree; a clean clone starts empty anyway.
  await esbuild.build({
    entryPoints: [...typescriptFilesUnder('src'), ...typescriptFilesUnder('test')],
    bundle: false,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    outdir: 'out',
    outbase: '.',
    sourcemap: 'inline',
    logLevel: 'warning',
    plugins: [reportProblems],
  });
}

try {
  if (tests) {
    await buildExtension();
    await buildTests();
  } else {
    await buildExtension();
  }
} catch {
  process.exit(1);
}
