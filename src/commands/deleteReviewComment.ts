import type { CommandContext } from './support/commandContext';
import { stringArgument } from './support/requireConnection';

/** Delete Draft Comment: from a draft's title bar (VS Code passes the comment) or `{ draftId }`. */
export function deleteReviewCommentCommand(context: CommandContext) {
  return async (argument?: unknown): Promise<{ readonly outcome: 'deleted' | 'cancelled' }> => {
    const fromView =
      argument && typeof argument === 'object' && typeof (argument as { draftId?: unknown }).draftId === 'string'
        ? (argument as { draftId: string }).draftId
        : undefined;
    const id = fromView ?? stringArgument(argument, 'draftId');
    if (!id) return { outcome: 'cancelled' };
    await context.reviews.get().remove(id);
    return { outcome: 'deleted' };
  };
}
