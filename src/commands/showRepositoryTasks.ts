import type { CommandContext } from './support/commandContext';

/** Show Only This Repository's Tasks: tasks whose repository is one of the workspace's git remotes. */
export function showRepositoryTasksCommand(context: CommandContext) {
  return (): void => {
    context.view.setFilter({ scope: 'repository' });
  };
}
