import * as vscode from 'vscode';
import { ALL_STATUSES } from '../core/tasks/model';
import { parseFilter, type TaskFilter } from '../core/view/taskFilter';
import { statusWord } from '../core/view/taskPresentation';
import type { CommandContext } from './support/commandContext';

type FilterChoice = vscode.QuickPickItem & { readonly action: 'text' | 'status' | 'scope' | 'clear' };

/**
 * Filter Tasks…: text, statuses, or the repository scope, from one quick pick. Called with
 * a filter object (`{ text?, statuses?, scope? }`) it applies that directly, without asking.
 */
export function filterTasksCommand(context: CommandContext) {
  return async (argument?: unknown): Promise<TaskFilter> => {
    const { view } = context;
    if (argument && typeof argument === 'object') {
      view.setFilter(parseFilter({ ...view.filter(), ...argument }));
      return view.filter();
    }
    const current = view.filter();
    const choices: FilterChoice[] = [
      {
        action: 'text',
        label: `$(search) ${vscode.l10n.t('Filter by Text…')}`,
        description: current.text ? vscode.l10n.t('now “{0}”', current.text) : vscode.l10n.t('prompt, id, branch'),
      },
      {
        action: 'status',
        label: `$(list-filter) ${vscode.l10n.t('Filter by Status…')}`,
        description: current.statuses.length
          ? vscode.l10n.t('now {0}', current.statuses.join(', '))
          : vscode.l10n.t('every status'),
      },
      current.scope === 'repository'
        ? {
            action: 'scope',
            label: `$(list-flat) ${vscode.l10n.t('Show All Tasks')}`,
            description: vscode.l10n.t('now only this repository’s tasks'),
          }
        : {
            action: 'scope',
            label: `$(repo) ${vscode.l10n.t('Show Only This Repository’s Tasks')}`,
            description: vscode.l10n.t('tasks on a git remote of this workspace'),
          },
      { action: 'clear', label: `$(clear-all) ${vscode.l10n.t('Clear Filter')}` },
    ];
    const choice = await vscode.window.showQuickPick(choices, {
      placeHolder: vscode.l10n.t('Filter the BLACKBOX tasks'),
    });
    if (!choice) return current;
    if (choice.action === 'clear') view.clearFilter();
    else if (choice.action === 'scope')
      view.setFilter({ scope: current.scope === 'repository' ? 'all' : 'repository' });
    else if (choice.action === 'text') {
      const text = await vscode.window.showInputBox({
        prompt: vscode.l10n.t(
          'Show tasks whose prompt, id, branch, model or repository contains this text (empty: no text filter)',
        ),
        value: current.text,
        placeHolder: vscode.l10n.t('e.g. login'),
      });
      if (text !== undefined) view.setFilter({ text: text.trim() });
    } else {
      const picked = await vscode.window.showQuickPick(
        ALL_STATUSES.map((status) => ({
          label: statusWord(status),
          status,
          picked: current.statuses.includes(status),
        })),
        { canPickMany: true, placeHolder: vscode.l10n.t('Show tasks with these statuses (none picked: every status)') },
      );
      if (picked) view.setFilter({ statuses: picked.map((item) => item.status) });
    }
    return view.filter();
  };
}
