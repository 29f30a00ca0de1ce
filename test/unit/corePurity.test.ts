import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** The repository root: the nearest folder above this file with the project's package.json. */
function repositoryRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && /"name":\s*"blackbox-agent-tasks"/.test(readFileSync(manifest, 'utf8'))) return dir;
  }
  throw new Error('repository root not found');
}

function sourceFilesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFilesUnder(path);
    return /\.(ts|mts|cts|js)$/.test(name) ? [path] : [];
  });
}

/** Every module specifier a file imports, re-exports or requires. */
function importedModules(text: string): string[] {
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[1] ?? ''));
}

describe('core purity', () => {
  const root = repositoryRoot();
  const coreFiles = sourceFilesUnder(join(root, 'src', 'core'));

  it('finds the core sources', () => {
    assert.ok(coreFiles.length >= 10, `only ${coreFiles.length} files under src/core`);
    assert.ok(coreFiles.some((file) => file.endsWith('tasksApi.ts')));
  });

  it('no file under src/core imports vscode or code outside the core', () => {
    const offenders: string[] = [];
    for (const file of coreFiles) {
      for (const specifier of importedModules(readFileSync(file, 'utf8'))) {
        const leavesCore =
          specifier.startsWith('.') &&
          relative(join(root, 'src', 'core'), resolve(dirname(file), specifier)).startsWith('..');
        if (specifier === 'vscode' || specifier.startsWith('vscode/') || leavesCore) {
          offenders.push(`${relative(root, file)} imports '${specifier}'`);
        }
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('the import scanner itself catches every form of importing vscode', () => {
    const forms = [
      "import * as vscode from 'vscode';",
      "import type { Uri } from 'vscode';",
      'import {\n  window,\n} from "vscode";',
      "export { window } from 'vscode';",
      "import 'vscode';",
      "const v = require('vscode');",
      "const v = await import('vscode');",
    ];
    for (const form of forms) assert.deepEqual(importedModules(form), ['vscode'], form);
  });
});
