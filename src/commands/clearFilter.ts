import type { CommandContext } from './support/commandContext';

/** Clear Task Filter: all tasks again, no text, every status. */
export function clearFilterCommand(context: CommandContext) {
  return (): void => {
    context.view.clearFilter();
  };
}
