import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as l10n from '@vscode/l10n';
import { useBundle } from '../../src/core/util/l10n';

const repoRoot = resolve(__dirname, '..', '..', '..');

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(join(repoRoot, path), 'utf8'));
}

/** Every `%key%` string anywhere in the manifest, with where it stands. */
function placeholders(value: unknown, path = 'package.json'): { readonly path: string; readonly key: string }[] {
  if (typeof value === 'string') {
    const key = /^%([^%\s]+)%$/.exec(value)?.[1];
    return key === undefined ? [] : [{ path, key }];
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => placeholders(item, `${path}[${index}]`));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([key, item]) => placeholders(item, `${path}.${key}`));
  return [];
}

describe('localization', () => {
  const manifest = readJson('package.json') as { contributes: Record<string, unknown> } & Record<string, unknown>;
  const nls = readJson('package.nls.json') as Record<string, unknown>;

  it('resolves every %key% of the manifest in package.nls.json, and package.nls.json holds no unused key', () => {
    const used = placeholders(manifest);
    assert.ok(used.length > 40, `expected the manifest's texts behind placeholders, found ${used.length}`);
    assert.deepEqual(
      used.filter(({ key }) => typeof nls[key] !== 'string').map(({ path, key }) => `${path}: %${key}%`),
      [],
    );
    const usedKeys = new Set(used.map(({ key }) => key));
    assert.deepEqual(
      Object.keys(nls).filter((key) => !usedKeys.has(key)),
      [],
    );
  });

  it('keeps no user-facing manifest text outside package.nls.json', () => {
    const contributes = manifest.contributes as {
      commands: { title: string; category?: string }[];
      viewsWelcome: { contents: string }[];
      configuration: {
        title: string;
        properties: Record<string, { description?: string; enumDescriptions?: string[] }>;
      };
    };
    const literal = (text: string | undefined) => text !== undefined && !/^%[^%\s]+%$/.test(text);
    const texts = [
      manifest.displayName as string,
      manifest.description as string,
      contributes.configuration.title,
      ...contributes.commands.flatMap((command) => [command.title, command.category]),
      ...contributes.viewsWelcome.map((welcome) => welcome.contents),
      ...Object.values(contributes.configuration.properties).flatMap((property) => [
        property.description,
        ...(property.enumDescriptions ?? []),
      ]),
    ];
    assert.deepEqual(texts.filter(literal), []);
  });

  it('has every vscode.l10n.t / l10n.t string of src/ in l10n/bundle.l10n.json, and nothing stale', function () {
    this.timeout(60_000);
    const outDir = mkdtempSync(join(tmpdir(), 'blackbox-l10n-'));
    try {
      const extract = spawnSync(
        process.execPath,
        [join(repoRoot, 'node_modules', '@vscode', 'l10n-dev', 'dist', 'cli.js'), 'export', '--outDir', outDir, 'src'],
        { cwd: repoRoot, encoding: 'utf8' },
      );
      assert.equal(extract.status, 0, extract.stderr);
      const extracted = JSON.parse(readFileSync(join(outDir, 'bundle.l10n.json'), 'utf8')) as Record<string, unknown>;
      const committed = readJson('l10n/bundle.l10n.json') as Record<string, unknown>;
      assert.ok(Object.keys(extracted).length > 100, 'expected the runtime strings to go through l10n.t');
      assert.ok('Cancelled task {0}.' in extracted, "expected the core's l10n.t strings to be extracted too");
      assert.deepEqual(
        Object.keys(extracted).filter((key) => !(key in committed)),
        [],
        'strings missing from l10n/bundle.l10n.json: run `npm run l10n`',
      );
      assert.deepEqual(
        Object.keys(committed).filter((key) => !(key in extracted)),
        [],
        'stale strings in l10n/bundle.l10n.json: run `npm run l10n`',
      );
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });

  it("formats the core's strings in English, and takes them from VS Code's bundle once it is handed over", () => {
    assert.equal(l10n.t('{0} of {1} agents', 2, 3), '2 of 3 agents');
    try {
      useBundle({ 'Task {0} failed': 'Aufgabe {0} fehlgeschlagen' });
      assert.equal(l10n.t('Task {0} failed', 'x'), 'Aufgabe x fehlgeschlagen');
      assert.equal(l10n.t('Not translated {0}', 'y'), 'Not translated y');
    } finally {
      useBundle(undefined);
    }
    assert.equal(l10n.t('Task {0} failed', 'x'), 'Task x failed');
  });
});
