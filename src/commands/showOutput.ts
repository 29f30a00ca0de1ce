import type { CommandContext } from './support/commandContext';

export function showOutputCommand(context: CommandContext) {
  return (): void => context.logger.show();
}
