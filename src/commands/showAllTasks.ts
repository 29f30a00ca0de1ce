import type { CommandContext } from './support/commandContext';

/** Show All Tasks: leaves the repository scope (text and status filters stay). */
export function showAllTasksCommand(context: CommandContext) {
  return (): void => {
    context.view.setFilter({ scope: 'all' });
  };
}
