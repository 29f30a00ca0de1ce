import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { HandOverResult } from '../../src/commands/handOver';
import type { Emulator, RecordedRequest } from '../emulator/emulator';
import { git, useGitFixture } from './gitFixtures';
import { clearKey, setKey, useEmulator, waitUntil } from './harness';

const REMOTE = 'https://github.com/blackbox-demo/handover-fixture.git';

const TODO_FILE = [
  'export function parse(text: string): string[] {',
  '  // TODO: cache the parsed config',
  '  // so it is read once per run',
  "  return text.split('\\n');",
  '}',
  '',
  'export const answer = 42; /* FIXME: not the real answer */',
  '',
].join('\n');

function creates(emulator: Emulator): RecordedRequest[] {
  return emulator.requests.filter((request) => request.method === 'POST' && request.path === '/api/v1/tasks');
}

async function blackboxActions(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  const all = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
    'vscode.executeCodeActionProvider',
    uri,
    range,
  );
  return (all ?? []).filter(
    (action): action is vscode.CodeAction => 'kind' in action && action.title.startsWith('BLACKBOX'),
  );
}

/** The untitled Markdown editor Create Task opened with the prefilled prompt. */
async function promptEditor(): Promise<vscode.TextDocument> {
  return await waitUntil(
    () =>
      vscode.workspace.textDocuments.find(
        (document) => document.isUntitled && document.languageId === 'markdown' && !document.isClosed,
      ),
    { what: 'the prompt editor to open prefilled' },
  );
}

async function closePromptEditor(document: vscode.TextDocument): Promise<void> {
  await vscode.window.showTextDocument(document);
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}

describe('hand-over: code actions, Create Task from Selection (emulator, git fixture)', function () {
  this.timeout(60_000);
  const suite = useEmulator();
  const repo = useGitFixture(suite, 'handover-fixture', REMOTE);
  let diagnostics: vscode.DiagnosticCollection;

  before(() => {
    diagnostics = vscode.languages.createDiagnosticCollection('handover-test');
  });
  after(() => diagnostics.dispose());
  beforeEach(async () => {
    await setKey(suite.emulator.keys.agent);
    repo().write('src/parse.ts', TODO_FILE);
    repo().commit('Add parse');
    // Pushed, so the pre-flight has nothing to ask about.
    git(repo().clone, 'push', '--quiet', 'origin', 'main');
  });
  afterEach(() => diagnostics.clear());

  function fileUri(): vscode.Uri {
    return vscode.Uri.file(join(repo().clone, 'src', 'parse.ts'));
  }

  it('offers "Hand this TODO to an agent…" on a TODO line comment and a FIXME block comment, not on plain code', async () => {
    await vscode.workspace.openTextDocument(fileUri());
    const onTodo = await blackboxActions(fileUri(), new vscode.Range(1, 5, 1, 5));
    assert.deepEqual(
      onTodo.map((action) => [action.title, action.kind?.value]),
      [['BLACKBOX: Hand this TODO to an agent…', 'quickfix.blackbox']],
    );
    const onFixme = await blackboxActions(fileUri(), new vscode.Range(6, 0, 6, 0));
    assert.deepEqual(
      onFixme.map((action) => action.title),
      ['BLACKBOX: Hand this FIXME to an agent…'],
    );
    assert.deepEqual(await blackboxActions(fileUri(), new vscode.Range(3, 2, 3, 2)), []);
  });

  it('offers nothing without a key', async () => {
    await clearKey();
    await vscode.workspace.openTextDocument(fileUri());
    assert.deepEqual(await blackboxActions(fileUri(), new vscode.Range(1, 5, 1, 5)), []);
  });

  it('prefills Create Task with the path, lines, comment and an excerpt; closing the box sends nothing', async () => {
    await vscode.workspace.openTextDocument(fileUri());
    const [action] = await blackboxActions(fileUri(), new vscode.Range(1, 5, 1, 5));
    assert.ok(action?.command, 'the TODO action runs a command');
    const pending = vscode.commands.executeCommand<HandOverResult>(
      action.command.command,
      ...((action.command.arguments ?? []) as unknown[]),
    );
    const editor = await promptEditor();
    assert.equal(
      editor.getText(),
      [
        'Resolve this TODO comment in src/parse.ts, lines 2–3:',
        '',
        '> TODO: cache the parsed config',
        '> so it is read once per run',
        '',
        'Excerpt (lines 1–8):',
        '',
        '```typescript',
        ...TODO_FILE.split('\n').slice(0, 8),
        '```',
        '',
      ].join('\n'),
    );
    assert.deepEqual(creates(suite.emulator), [], 'nothing is sent while the prompt is open');
    await closePromptEditor(editor);
    const result = await pending;
    assert.equal(result.outcome, 'cancelled');
    assert.deepEqual(creates(suite.emulator), []);
  });

  it('offers a fix on an error or warning, with the message, source and code in the prompt', async () => {
    await vscode.workspace.openTextDocument(fileUri());
    const problem = new vscode.Diagnostic(
      new vscode.Range(3, 9, 3, 13),
      "Property 'split' may be slow here.",
      vscode.DiagnosticSeverity.Warning,
    );
    problem.source = 'perf-lint';
    problem.code = { value: 'P102', target: vscode.Uri.parse('https://example.com/P102') };
    const hint = new vscode.Diagnostic(new vscode.Range(3, 9, 3, 13), 'Just a hint', vscode.DiagnosticSeverity.Hint);
    diagnostics.set(fileUri(), [problem, hint]);

    const actions = await waitUntil(
      async () => {
        const found = await blackboxActions(fileUri(), new vscode.Range(3, 10, 3, 10));
        return found.length > 0 ? found : undefined;
      },
      { what: 'the diagnostic to reach the code action provider' },
    );
    assert.deepEqual(
      actions.map((action) => [action.title, action.kind?.value]),
      [["BLACKBOX: Ask an agent to fix “Property 'split' may be slow here.”…", 'quickfix.blackbox']],
    );
    const action = actions[0];
    assert.ok(action?.command);
    const pending = vscode.commands.executeCommand<HandOverResult>(
      action.command.command,
      ...((action.command.arguments ?? []) as unknown[]),
    );
    const editor = await promptEditor();
    assert.match(
      editor.getText(),
      /^Fix this warning reported in src\/parse\.ts, line 4 \(perf-lint P102\):\n\n> Property 'split' may be slow here\.\n\nExcerpt \(lines 1–8\):\n/,
    );
    await closePromptEditor(editor);
    assert.equal((await pending).outcome, 'cancelled');
  });

  it('offers a refactor on a selection; Create Task from Selection prefills the selected code, and sending it creates the task once', async () => {
    const document = await vscode.workspace.openTextDocument(fileUri());
    const selection = new vscode.Selection(0, 0, 4, 1);
    const actions = await blackboxActions(fileUri(), selection);
    // The selection also covers the TODO on line 2, which keeps its own action.
    assert.deepEqual(
      actions.map((action) => [action.title, action.kind?.value]),
      [
        ['BLACKBOX: Hand this TODO to an agent…', 'quickfix.blackbox'],
        ['BLACKBOX: Hand the selection to an agent…', 'refactor.blackbox'],
      ],
    );

    const editor = await vscode.window.showTextDocument(document);
    editor.selection = selection;
    const pending = vscode.commands.executeCommand<HandOverResult>('blackboxTasks.createTaskFromSelection');
    const prompt = await promptEditor();
    const expected = [
      'Change this code in src/parse.ts, lines 1–5:',
      '',
      '```typescript',
      ...TODO_FILE.split('\n').slice(0, 5),
      '```',
      '',
    ].join('\n');
    assert.equal(prompt.getText(), expected);

    // Send as is: the notification's primary action, then Enter on the agent pick (the default agent).
    await vscode.window.showTextDocument(prompt);
    let settled: HandOverResult | undefined;
    void pending.then((result) => (settled = result));
    await waitUntil(
      async () => {
        await vscode.commands.executeCommand('notification.acceptPrimaryAction');
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        return settled;
      },
      { what: 'the prompt to be sent', intervalMs: 300, timeoutMs: 20_000 },
    );
    assert.equal(settled?.outcome, 'created', JSON.stringify(settled));
    const sent = creates(suite.emulator);
    assert.equal(sent.length, 1);
    assert.deepEqual(
      { ...(sent[0]?.body as Record<string, unknown>), agent: undefined, model: undefined },
      { prompt: expected.trim(), repoUrl: REMOTE, selectedBranch: 'main', agent: undefined, model: undefined },
    );
  });

  it('Create Task from Selection with nothing selected says so and opens nothing', async () => {
    const document = await vscode.workspace.openTextDocument(fileUri());
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(1, 2, 1, 2);
    const result = await vscode.commands.executeCommand<HandOverResult | undefined>(
      'blackboxTasks.createTaskFromSelection',
    );
    assert.equal(result, undefined);
    assert.deepEqual(creates(suite.emulator), []);
  });
});
