import * as vscode from 'vscode';
import { handoverLabel } from '../../core/handover/handoverPrompt';
import { commentSyntaxFor, findTodoComment, type TextLines } from '../../core/handover/todoComments';
import type { HandOverArguments } from '../../commands/handOver';
import { HANDOVER_QUICK_FIX, HANDOVER_REFACTOR } from './codeActions';

/** Lines of a multi-line range looked at for a TODO (a cursor is one line). */
const MAX_TODO_LINES = 20;
/** Problems offered at one spot: beyond a few the menu is noise. */
const MAX_DIAGNOSTICS = 3;

/**
 * "BLACKBOX: Hand … to an agent" in the Quick Fix menu: on a TODO/FIXME/HACK/XXX comment, on
 * an error or warning, and on a selection. VS Code calls this only when it wants actions
 * (the light bulb at the cursor, Ctrl+.), and it reads only the lines of the range; the
 * prompt itself is built when an action is picked (blackboxTasks.handOver).
 */
export class HandoverCodeActionProvider implements vscode.CodeActionProvider {
  provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
    request: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const { only } = request;
    const wants = (kind: vscode.CodeActionKind): boolean => !only || only.contains(kind);
    const actions: vscode.CodeAction[] = [];
    const spot = (kind: HandOverArguments['kind'], at: vscode.Range): HandOverArguments => ({
      uri: document.uri.toString(),
      kind,
      startLine: at.start.line,
      startCharacter: at.start.character,
      endLine: at.end.line,
      endCharacter: at.end.character,
    });

    if (wants(HANDOVER_QUICK_FIX)) {
      const todo = this.todoIn(document, range);
      if (todo) {
        actions.push(
          action(
            vscode.l10n.t('BLACKBOX: Hand this {0} to an agent…', todo.marker),
            HANDOVER_QUICK_FIX,
            spot('todo', new vscode.Range(todo.startLine, 0, todo.startLine, 0)),
          ),
        );
      }
      const problems = request.diagnostics
        .filter(
          (diagnostic) =>
            diagnostic.severity === vscode.DiagnosticSeverity.Error ||
            diagnostic.severity === vscode.DiagnosticSeverity.Warning,
        )
        .slice(0, MAX_DIAGNOSTICS);
      for (const diagnostic of problems) {
        const fix = action(
          vscode.l10n.t('BLACKBOX: Ask an agent to fix “{0}”…', handoverLabel(diagnostic.message)),
          HANDOVER_QUICK_FIX,
          {
            ...spot('diagnostic', diagnostic.range),
            message: diagnostic.message,
            severity: diagnostic.severity === vscode.DiagnosticSeverity.Error ? 'error' : 'warning',
            ...(diagnostic.source ? { source: diagnostic.source } : {}),
            ...(diagnosticCode(diagnostic) ? { code: diagnosticCode(diagnostic) } : {}),
          },
        );
        fix.diagnostics = [diagnostic];
        actions.push(fix);
      }
    }

    if (wants(HANDOVER_REFACTOR) && !range.isEmpty) {
      actions.push(
        action(vscode.l10n.t('BLACKBOX: Hand the selection to an agent…'), HANDOVER_REFACTOR, spot('selection', range)),
      );
    }
    return actions;
  }

  private todoIn(document: vscode.TextDocument, range: vscode.Range): ReturnType<typeof findTodoComment> {
    const syntax = commentSyntaxFor(document.languageId);
    if (!syntax) return undefined;
    const lines: TextLines = { lineCount: document.lineCount, lineAt: (line) => document.lineAt(line).text };
    const last = Math.min(range.end.line, range.start.line + MAX_TODO_LINES - 1);
    for (let line = range.start.line; line <= last; line++) {
      const todo = findTodoComment(lines, line, syntax);
      if (todo) return todo;
    }
    return undefined;
  }
}

function action(title: string, kind: vscode.CodeActionKind, args: HandOverArguments): vscode.CodeAction {
  const created = new vscode.CodeAction(title, kind);
  created.command = { command: 'blackboxTasks.handOver', title, arguments: [args] };
  return created;
}

function diagnosticCode(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (code === undefined) return undefined;
  return String(typeof code === 'object' ? code.value : code);
}
