import type { CommandContext } from './commandContext';

// STUB: replaced by the engineer who owns this command.
export function showAllTasksCommand(_context: CommandContext) {
  return async (): Promise<void> => {
    throw new Error('This command is not available yet.');
  };
}
