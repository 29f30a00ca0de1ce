import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { commandTitles } from '../../src/commands/index';
import { extension, testApi } from './harness';

interface MenuItem {
  readonly command?: string;
  readonly alt?: string;
  readonly when?: string;
}

interface Manifest {
  readonly contributes: {
    readonly commands: readonly { readonly command: string; readonly enablement?: string }[];
    readonly menus?: Readonly<Record<string, readonly MenuItem[]>>;
    readonly keybindings?: readonly { readonly command: string; readonly when?: string }[];
    readonly viewsWelcome?: readonly { readonly view: string; readonly contents: string; readonly when?: string }[];
    readonly views?: Readonly<Record<string, readonly { readonly id: string; readonly when?: string }[]>>;
    readonly configuration?: { readonly properties: Readonly<Record<string, unknown>> };
  };
}

/** Context keys VS Code itself sets that our `when` clauses may use. */
const BUILT_IN_CONTEXT_KEYS = new Set([
  'view',
  'viewItem',
  'isWorkspaceTrusted',
  'workspaceFolderCount',
  'gitOpenRepositoryCount',
  'resourceScheme',
  'focusedView',
  'isWeb',
  'remoteName',
  'virtualWorkspace',
  'editorHasSelection',
  // Set by VS Code on comment threads and comments, for the comments/* menus.
  'commentController',
  'commentThreadIsEmpty',
  'comment',
]);

interface WhenTerm {
  readonly key: string;
  readonly operator?: string;
  readonly value?: string;
}

/** Splits a `when` clause into its terms (key, operator, right-hand side). */
function whenTerms(clause: string): WhenTerm[] {
  const terms: WhenTerm[] = [];
  for (const raw of clause.split(/&&|\|\|/)) {
    const term = raw.replace(/[()]/g, ' ').trim().replace(/^!\s*/, '');
    const match = /^([\w.:-]+)\s*(?:(==|!=|=~|>=|<=|>|<|not in|in)\s*(.+))?$/.exec(term);
    if (!match) throw new Error(`cannot read when clause term "${raw}" in "${clause}"`);
    const [, key, operator, value] = match;
    if (key === 'true' || key === 'false') continue;
    terms.push({ key, operator, value: value?.trim() });
  }
  return terms;
}

function sourceFilesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...sourceFilesUnder(path));
    else if (name.endsWith('.ts')) found.push(path);
  }
  return found;
}

/** The extension's source without comments, where context keys and contextValue tokens are set. */
function sourceText(): string {
  return sourceFilesUnder(join(extension().extensionPath, 'src'))
    .map((file) =>
      readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, ''),
    )
    .join('\n');
}

function quoted(text: string): RegExp {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`['"\`][^'"\`\\n]*\\b${escaped}\\b[^'"\`\\n]*['"\`]`);
}

describe('contributions', () => {
  let manifest: Manifest;
  let contributed: Set<string>;
  let registered: Set<string>;
  let source: string;

  before(async () => {
    await testApi();
    manifest = extension().packageJSON as Manifest;
    contributed = new Set(manifest.contributes.commands.map((entry) => entry.command));
    registered = new Set(await vscode.commands.getCommands(true));
    source = sourceText();
  });

  function everyWhenClause(): { readonly where: string; readonly clause: string }[] {
    const clauses: { where: string; clause: string }[] = [];
    for (const [menu, items] of Object.entries(manifest.contributes.menus ?? {})) {
      for (const item of items)
        if (item.when) clauses.push({ where: `menus.${menu} ${item.command ?? ''}`, clause: item.when });
    }
    for (const binding of manifest.contributes.keybindings ?? []) {
      if (binding.when) clauses.push({ where: `keybinding ${binding.command}`, clause: binding.when });
    }
    for (const welcome of manifest.contributes.viewsWelcome ?? []) {
      if (welcome.when) clauses.push({ where: `viewsWelcome ${welcome.view}`, clause: welcome.when });
    }
    for (const views of Object.values(manifest.contributes.views ?? {})) {
      for (const view of views) if (view.when) clauses.push({ where: `view ${view.id}`, clause: view.when });
    }
    for (const command of manifest.contributes.commands) {
      if (command.enablement) clauses.push({ where: `enablement ${command.command}`, clause: command.enablement });
    }
    return clauses;
  }

  it('registers every command package.json contributes', () => {
    const missing = [...contributed].filter((id) => !registered.has(id));
    assert.deepEqual(missing, []);
  });

  it('contributes every blackboxTasks command the extension registers', () => {
    // VS Code generates `<viewId>.focus`, `.open`, … for every contributed view.
    const viewIds = Object.values(manifest.contributes.views ?? {})
      .flat()
      .map((view) => `${view.id}.`);
    const undeclared = [...registered].filter(
      (id) =>
        id.startsWith('blackboxTasks.') && !contributed.has(id) && !viewIds.some((prefix) => id.startsWith(prefix)),
    );
    assert.deepEqual(undeclared, []);
  });

  it('points every menu entry and keybinding at a real command', () => {
    const broken: string[] = [];
    for (const [menu, items] of Object.entries(manifest.contributes.menus ?? {})) {
      for (const item of items) {
        for (const id of [item.command, item.alt]) {
          if (id && !registered.has(id)) broken.push(`menus.${menu}: ${id}`);
        }
      }
    }
    for (const binding of manifest.contributes.keybindings ?? []) {
      if (!registered.has(binding.command.replace(/^-/, ''))) broken.push(`keybinding: ${binding.command}`);
    }
    assert.deepEqual(broken, []);
  });

  it('links every welcome view button to a real command', () => {
    const links: string[] = [];
    const broken: string[] = [];
    for (const welcome of manifest.contributes.viewsWelcome ?? []) {
      for (const match of welcome.contents.matchAll(/\]\(command:([\w.-]+)/g)) {
        links.push(match[1]);
        if (!registered.has(match[1])) broken.push(`${welcome.view}: command:${match[1]}`);
      }
    }
    assert.ok(links.length > 0, 'expected command links in the welcome views');
    assert.deepEqual(broken, []);
  });

  it('uses only context keys in when clauses that the code sets or VS Code provides', () => {
    const settings = new Set(Object.keys(manifest.contributes.configuration?.properties ?? {}));
    const setsContext = /['"]setContext['"]/.test(source);
    const unknown: string[] = [];
    for (const { where, clause } of everyWhenClause()) {
      for (const { key } of whenTerms(clause)) {
        if (BUILT_IN_CONTEXT_KEYS.has(key)) continue;
        if (key.startsWith('config.')) {
          if (!settings.has(key.slice('config.'.length))) unknown.push(`${where}: ${key} (no such setting)`);
          continue;
        }
        if (!setsContext || !quoted(key).test(source)) unknown.push(`${where}: ${key}`);
      }
    }
    assert.deepEqual([...new Set(unknown)], []);
  });

  it('compares our context keys only with values the code can set', () => {
    const impossible: string[] = [];
    for (const { where, clause } of everyWhenClause()) {
      for (const { key, operator, value } of whenTerms(clause)) {
        if (!key.startsWith('blackboxTasks.') || (operator !== '==' && operator !== '!=') || !value) continue;
        const literal = value.replace(/^['"]|['"]$/g, '');
        if (!quoted(literal).test(source)) impossible.push(`${where}: ${key} ${operator} ${literal}`);
      }
    }
    assert.deepEqual([...new Set(impossible)], []);
  });

  it('matches only viewItem tokens that tree items carry', () => {
    const tokens = new Set<string>();
    for (const { clause } of everyWhenClause()) {
      for (const { key, operator, value } of whenTerms(clause)) {
        if (key !== 'viewItem' || !value) continue;
        if (operator === '=~') for (const match of value.matchAll(/\\b(\w+)\\b/g)) tokens.add(match[1]);
        else tokens.add(value.replace(/^['"]|['"]$/g, ''));
      }
    }
    assert.ok(tokens.size > 0, 'expected viewItem conditions in the menus');
    const unknown = [...tokens].filter((token) => !quoted(token).test(source));
    assert.deepEqual(unknown, []);
  });

  it('shows every manifest text resolved from package.nls.json, with no %key% placeholder left', () => {
    const placeholders: string[] = [];
    const visit = (value: unknown, path: string): void => {
      if (typeof value === 'string') {
        if (/^%[^%\s]+%$/.test(value)) placeholders.push(`${path}: ${value}`);
      } else if (Array.isArray(value)) value.forEach((item, index) => visit(item, `${path}[${index}]`));
      else if (typeof value === 'object' && value !== null)
        for (const [key, item] of Object.entries(value)) visit(item, `${path}.${key}`);
    };
    visit(extension().packageJSON, 'package.json');
    assert.deepEqual(placeholders, []);
    const titles = commandTitles(extension())();
    assert.equal(titles.get('blackboxTasks.createTask'), 'Create Task');
    assert.equal(titles.get('blackboxTasks.cancelTask'), 'Cancel Task');
  });
});
