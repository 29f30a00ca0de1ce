import * as vscode from 'vscode';
import type { CommandContext } from '../../commands/support/commandContext';
import type { CreateTaskResult } from '../../commands/createTask';
import { loadOnDemand } from '../../commands/onDemandLoader';

export type UriOutcome =
  | { readonly outcome: 'shown'; readonly taskId: string }
  | { readonly outcome: 'create'; readonly result: CreateTaskResult | undefined }
  | { readonly outcome: 'refused'; readonly message: string };

/** Opens BLACKBOX links (`/task?id=…`, `/create?prompt=…`); resolves with what it did (VS Code ignores the value; tests read it). */
export interface TaskUriHandler {
  handleUri(uri: vscode.Uri): Promise<UriOutcome>;
}

/** Registers the link handler; what a link does is loaded with the first link. */
export function registerTaskUriHandler(context: CommandContext): TaskUriHandler {
  let body: TaskUriHandler | undefined;
  const handler: TaskUriHandler = {
    handleUri: (uri) => (body ??= new (loadOnDemand().TaskUriHandlerBody)(context)).handleUri(uri),
  };
  context.extension.subscriptions.push(
    vscode.window.registerUriHandler({ handleUri: (uri) => handler.handleUri(uri).then(() => undefined) }),
  );
  return handler;
}
