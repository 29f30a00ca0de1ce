import * as vscode from 'vscode';
import { buildHandoverPrompt, excerptAround, type HandoverSpot } from '../core/handover/handoverPrompt';
import { commentSyntaxFor, findTodoComment, type TextLines } from '../core/handover/todoComments';
import type { CommandContext } from './support/commandContext';
import type { CreateTaskResult } from './createTask';
import { actionArguments } from './support/requireConnection';

/** What a code action (or Create Task from Selection) hands over: plain data, so it survives any serialisation. */
export interface HandOverArguments {
  readonly uri: string;
  readonly kind: 'todo' | 'diagnostic' | 'selection';
  /** Zero-based positions of the spot. */
  readonly startLine: number;
  readonly startCharacter: number;
  readonly endLine: number;
  readonly endCharacter: number;
  /** For a diagnostic: what VS Code reported. */
  readonly message?: string;
  readonly severity?: 'error' | 'warning';
  readonly source?: string;
  readonly code?: string;
}

export type HandOverResult = CreateTaskResult | { readonly outcome: 'nothing'; readonly message: string };

/**
 * Hands a spot in the editor to an agent: builds the prompt (repository-relative path, lines,
 * what to do, a bounded excerpt) when the user picks the action, not while VS Code lists
 * actions, then opens Create Task with it prefilled. Create Task does the rest (pre-flight,
 * agents, drafts, sending once); nothing is sent until the user sends the prompt.
 */
export function handOverCommand(context: CommandContext) {
  return async (argument?: unknown): Promise<HandOverResult> => {
    const args = readHandOverArguments(argument);
    if (!args) return nothing(vscode.l10n.t('There is nothing to hand over here.'));
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri, true));
    const lines: TextLines = { lineCount: document.lineCount, lineAt: (line) => document.lineAt(line).text };

    let spot: HandoverSpot;
    let startLine = args.startLine;
    let endLine = args.endLine;
    if (args.kind === 'todo') {
      const syntax = commentSyntaxFor(document.languageId);
      const todo = syntax ? findTodoComment(lines, args.startLine, syntax) : undefined;
      if (!todo) return nothing(vscode.l10n.t('The TODO comment is no longer on line {0}.', args.startLine + 1));
      spot = { kind: 'todo', marker: todo.marker, comment: todo.text };
      startLine = todo.startLine;
      endLine = todo.endLine;
    } else if (args.kind === 'diagnostic') {
      spot = {
        kind: 'diagnostic',
        severity: args.severity ?? 'error',
        message: args.message ?? '',
        ...(args.source ? { source: args.source } : {}),
        ...(args.code ? { code: args.code } : {}),
      };
    } else {
      const range = document.validateRange(
        new vscode.Range(args.startLine, args.startCharacter, args.endLine, args.endCharacter),
      );
      const code = document.getText(range);
      if (code.trim() === '') return nothing(vscode.l10n.t('Select the code to hand over first.'));
      spot = { kind: 'selection', code };
      // A selection that ends at the start of a line does not take that line.
      endLine = range.end.character === 0 && range.end.line > range.start.line ? range.end.line - 1 : range.end.line;
      startLine = range.start.line;
    }

    const where = await locateInRepository(context, document.uri);
    const prompt = buildHandoverPrompt({
      path: where.path,
      languageId: document.languageId,
      startLine,
      endLine,
      spot,
      ...(spot.kind === 'selection' ? {} : { excerpt: excerptAround(lines, startLine, endLine) }),
    });
    return await vscode.commands.executeCommand<CreateTaskResult>('blackboxTasks.createTask', {
      initialPrompt: prompt,
      ...(where.repository ? { repository: where.repository } : {}),
    });
  };
}

function nothing(message: string): HandOverResult {
  void vscode.window.showInformationMessage(message);
  return { outcome: 'nothing', message };
}

/**
 * The file's path inside its git repository (the agent clones the repository, so that is the
 * path it knows), and the repository to create the task in when it has a GitHub remote.
 * Without git, the path inside the workspace folder.
 */
async function locateInRepository(
  context: CommandContext,
  file: vscode.Uri,
): Promise<{ readonly path: string; readonly repository?: string }> {
  const repositories = await context.git.repositories();
  const containing = repositories
    .filter((repository) => isInside(file, repository.root))
    .sort((a, b) => b.root.path.length - a.root.path.length)[0];
  if (!containing) return { path: vscode.workspace.asRelativePath(file, false) };
  const path = file.path.slice(containing.root.path.replace(/\/$/, '').length + 1);
  return containing.preferredGitHubRemote() ? { path, repository: containing.root.fsPath } : { path };
}

function isInside(file: vscode.Uri, root: vscode.Uri): boolean {
  if (file.scheme !== root.scheme || file.authority !== root.authority) return false;
  const prefix = root.path.endsWith('/') ? root.path : `${root.path}/`;
  return file.path.startsWith(prefix);
}

function readHandOverArguments(argument: unknown): HandOverArguments | undefined {
  const raw = actionArguments(argument);
  const kind = raw['kind'];
  const uri = raw['uri'];
  const numbers = ['startLine', 'startCharacter', 'endLine', 'endCharacter'].map((name) => raw[name]);
  if (kind !== 'todo' && kind !== 'diagnostic' && kind !== 'selection') return undefined;
  if (typeof uri !== 'string' || !numbers.every((value) => Number.isInteger(value) && (value as number) >= 0))
    return undefined;
  const [startLine, startCharacter, endLine, endCharacter] = numbers as (number | undefined)[];
  const text = (name: string): string | undefined => {
    const value = raw[name];
    return typeof value === 'string' ? value : undefined;
  };
  const severity = raw['severity'] === 'warning' ? 'warning' : raw['severity'] === 'error' ? 'error' : undefined;
  return {
    uri,
    kind,
    startLine: startLine ?? 0,
    startCharacter: startCharacter ?? 0,
    endLine: endLine ?? 0,
    endCharacter: endCharacter ?? 0,
    ...(text('message') !== undefined ? { message: text('message') } : {}),
    ...(severity ? { severity } : {}),
    ...(text('source') !== undefined ? { source: text('source') } : {}),
    ...(text('code') !== undefined ? { code: text('code') } : {}),
  };
}
