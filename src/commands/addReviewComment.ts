import * as vscode from 'vscode';
import type { DraftComment } from '../adapters/review/reviewComments';
import type { CommandContext } from './support/commandContext';
import { actionArguments, stringArgument } from './support/requireConnection';

export interface AddReviewCommentResult {
  readonly outcome: 'added' | 'refused' | 'cancelled';
  readonly comment?: DraftComment;
  readonly message?: string;
}

/**
 * Add Review Comment: saves what the user typed in a comment box on the agent's side of a
 * Review Changes diff as a draft for Send Review to Agent. VS Code passes a `CommentReply`;
 * argument object (README, Command arguments): `{ uri, line (0-based), endLine?, body }`.
 */
export function addReviewCommentCommand(context: CommandContext) {
  return async (argument?: unknown): Promise<AddReviewCommentResult> => {
    const reviews = context.reviews.get();
    const reply = commentReply(argument);
    const uriText = stringArgument(argument, 'uri');
    const args = actionArguments(argument);
    const uri = reply?.thread.uri ?? (uriText ? vscode.Uri.parse(uriText) : undefined);
    const body = (reply?.text ?? stringArgument(argument, 'body') ?? '').trim();
    const line = reply?.thread.range?.start.line ?? (typeof args['line'] === 'number' ? args['line'] : undefined);
    const endLine =
      reply?.thread.range?.end.line ?? (typeof args['endLine'] === 'number' ? args['endLine'] : undefined);
    if (!uri || line === undefined || body === '') return { outcome: 'cancelled' };
    const comment = await reviews.add(uri, line, body, endLine ?? line, reply?.thread);
    if (!comment) {
      // A thread VS Code made for a document that is not an agent's side: take it away again.
      reply?.thread.dispose();
      const message = vscode.l10n.t("Review comments go on the agent's side of a Review Changes diff.");
      void vscode.window.showInformationMessage(message);
      return { outcome: 'refused', message };
    }
    return { outcome: 'added', comment };
  };
}

function commentReply(argument: unknown): vscode.CommentReply | undefined {
  if (!argument || typeof argument !== 'object') return undefined;
  const candidate = argument as Partial<vscode.CommentReply>;
  return candidate.thread && typeof candidate.text === 'string' ? (candidate as vscode.CommentReply) : undefined;
}
