import type { CommandContext } from './commandContext';

// STUB: replaced by the engineer who owns this command.
export function refreshCommand(_context: CommandContext) {
  return async (): Promise<void> => {
    throw new Error('This command is not available yet.');
  };
}
