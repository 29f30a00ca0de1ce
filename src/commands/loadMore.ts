import type { CommandContext } from './support/commandContext';

/** Load More Tasks: appends the next page (the tree's "Load more…" row). */
export function loadMoreCommand(context: CommandContext) {
  return async (): Promise<void> => {
    await context.view.loadMore();
  };
}
