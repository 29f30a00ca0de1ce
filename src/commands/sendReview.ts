import * as vscode from 'vscode';
import { buildReviewPrompt } from '../core/review/reviewPrompt';
import type { ContinueTaskResult } from './continueTask';
import type { CommandContext } from './support/commandContext';
import { stringArgument } from './support/requireConnection';
import { taskIdOf } from './support/resolveTask';

export interface SendReviewResult {
  readonly outcome: 'sent' | 'noComments' | 'failed' | 'blocked' | 'cancelled';
  /** The follow-up run now followed. */
  readonly taskId?: string;
  /** Exactly the prompt handed to Continue. */
  readonly prompt?: string;
  readonly comments?: number;
  readonly message?: string;
}

/**
 * Send Review to Agent: every draft comment of a task in one follow-up prompt (file, line, the
 * code it points at, the comment), after an optional overall message, sent through Continue
 * Task so both APIs, the draft of the prompt and the linked new run work as for any follow-up.
 * The drafts are cleared only once the follow-up is accepted. Argument object (README, Command arguments):
 * `{ taskId, message? }` (a message, even empty, skips the question).
 */
export function sendReviewCommand(context: CommandContext) {
  return async (argument?: unknown): Promise<SendReviewResult> => {
    const reviews = context.reviews.get();
    let taskId = taskIdOf(argument);
    if (!taskId) {
      const waiting = reviews.tasksWithDrafts();
      if (waiting.length === 0) return noComments();
      const picked =
        waiting.length === 1
          ? waiting[0]
          : (
              await vscode.window.showQuickPick(
                waiting.map((entry) => ({
                  label: entry.target.branch,
                  description: vscode.l10n.t('{0} draft comment(s)', entry.count),
                  entry,
                })),
                { placeHolder: vscode.l10n.t('Send the review of which task?') },
              )
            )?.entry;
      if (!picked) return { outcome: 'cancelled' };
      taskId = picked.target.taskId;
    }
    const drafts = reviews.drafts(taskId);
    if (drafts.length === 0) return noComments();
    const target = reviews.target(taskId);

    let message = stringArgument(argument, 'message');
    if (message === undefined) {
      message = await vscode.window.showInputBox({
        title: vscode.l10n.t('Send {0} review comment(s) to the agent', drafts.length),
        prompt: vscode.l10n.t('An overall message for the agent (optional). Your comments follow it.'),
        placeHolder: vscode.l10n.t('e.g. Good start; please address these before I merge.'),
        ignoreFocusOut: true,
      });
      if (message === undefined) return { outcome: 'cancelled' };
    }
    const prompt = buildReviewPrompt({
      comments: drafts,
      ...(message ? { message } : {}),
      ...(target ? { branch: target.branch } : {}),
    });

    const continued = await vscode.commands.executeCommand<ContinueTaskResult | undefined>(
      'blackboxTasks.continueTask',
      { taskId, prompt },
    );
    if (continued?.outcome !== 'sent') {
      return {
        outcome:
          continued?.outcome === 'blocked' ? 'blocked' : continued?.outcome === 'cancelled' ? 'cancelled' : 'failed',
        prompt,
        comments: drafts.length,
        message: continued?.message ?? vscode.l10n.t('The review was not sent; your comments are kept as drafts.'),
      };
    }
    // Only the comments that went out: any written while it was being sent stay drafts.
    await reviews.clear(taskId, new Set(drafts.map((draft) => draft.id)));
    context.logger.info(`Review of ${taskId} sent as a follow-up with ${drafts.length} comment(s).`);
    return {
      outcome: 'sent',
      ...(continued.taskId ? { taskId: continued.taskId } : {}),
      prompt,
      comments: drafts.length,
    };
  };
}

function noComments(): SendReviewResult {
  const message = vscode.l10n.t(
    "There are no draft review comments. Open Review Changes and comment on the agent's side of a diff first.",
  );
  void vscode.window.showInformationMessage(message);
  return { outcome: 'noComments', message };
}
