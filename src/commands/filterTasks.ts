import * as vscode from 'vscode';
import { ALL_STATUSES } from '../core/model';
import { parseFilter, type TaskFilter } from '../core/taskFilter';
import { statusWord } from '../core/taskPresentation';
import type { CommandContext } from './commandContext';

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
        label: '$(search) Filter by Text…',
        description: current.text ? `now “${current.text}”` : 'prompt, id, branch',
      },
      {
        action: 'status',
        label: '$(list-filter) Filter by Status…',
        description: current.statuses.length ? `now ${current.statuses.join(', ')}` : 'every status',
      },
      current.scope === 'repository'
        ? { action: 'scope', label: '$(list-flat) Show All Tasks', description: 'now only this repository’s tasks' }
        : {
            action: 'scope',
            label: '$(repo) Show Only This Repository’s Tasks',
            description: 'tasks on a git remote of this workspace',
          },
      { action: 'clear', label: '$(clear-all) Clear Filter' },
    ];
    const choice = await vscode.window.showQuickPick(choices, { placeHolder: 'Filter the BLACKBOX tasks' });
    if (!choice) return current;
    if (choice.action === 'clear') view.clearFilter();
    else if (choice.action === 'scope')
      view.setFilter({ scope: current.scope === 'repository' ? 'all' : 'repository' });
    else if (choice.action === 'text') {
      const text = await vscode.window.showInputBox({
        prompt: 'Show tasks whose prompt, id, branch, model or repository contains this text (empty: no text filter)',
        value: current.text,
        placeHolder: 'e.g. login',
      });
      if (text !== undefined) view.setFilter({ text: text.trim() });
    } else {
      const picked = await vscode.window.showQuickPick(
        ALL_STATUSES.map((status) => ({
          label: statusWord(status),
          status,
          picked: current.statuses.includes(status),
        })),
        { canPickMany: true, placeHolder: 'Show tasks with these statuses (none picked: every status)' },
      );
      if (picked) view.setFilter({ statuses: picked.map((item) => item.status) });
    }
    return view.filter();
  };
}
