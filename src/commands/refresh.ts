import type { CommandContext } from './support/commandContext';

/** Refresh Tasks: now, whatever the schedule. A failure shows in the view (with Retry there), not as a pop-up. */
export function refreshCommand(context: CommandContext) {
  return async (): Promise<void> => {
    await context.view.refresh();
  };
}
