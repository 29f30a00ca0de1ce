import type { CommandContext } from './commandContext';

export function showOutputCommand(context: CommandContext) {
  return (): void => context.logger.show();
}
