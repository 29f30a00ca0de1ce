import * as vscode from 'vscode';
import { countActive } from '../../core/view/taskGrouping';
import type { TaskStore } from '../../core/tasks/taskStore';

/** What the status bar item says for these counts; undefined hides it. */
export function statusBarText(counts: {
  readonly running: number;
  readonly queued: number;
}): { readonly text: string; readonly tooltip: string } | undefined {
  const { running, queued } = counts;
  if (running === 0 && queued === 0) return undefined;
  const parts: string[] = [];
  if (running) parts.push(vscode.l10n.t('{0} running', running));
  if (queued) parts.push(vscode.l10n.t('{0} queued', queued));
  return {
    text: running ? `$(sync~spin) ${parts.join(', ')}` : `$(clock) ${parts.join(', ')}`,
    tooltip: vscode.l10n.t('BLACKBOX tasks: {0}. Click to show them.', parts.join(', ')),
  };
}

/** `$(sync~spin) N running` while tasks are active, hidden otherwise; a click shows the Tasks view. */
export function createTaskStatusBar(store: TaskStore): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('blackboxTasks.active', vscode.StatusBarAlignment.Left, 10);
  item.name = 'BLACKBOX Tasks';
  item.command = 'blackboxTasks.tasks.focus';
  let shown: string | undefined;
  const update = (): void => {
    const next = statusBarText(countActive(store.tasks()));
    if (next?.text === shown) return;
    shown = next?.text;
    if (!next) {
      item.hide();
      return;
    }
    item.text = next.text;
    item.tooltip = next.tooltip;
    item.accessibilityInformation = { label: next.tooltip };
    item.show();
  };
  const subscription = store.onDidChange(update);
  update();
  return {
    dispose: () => {
      subscription.dispose();
      item.dispose();
    },
  };
}
