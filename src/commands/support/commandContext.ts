import type * as vscode from 'vscode';
import type { TaskStore } from '../../core/tasks/taskStore';
import type { ApiSession } from '../../adapters/api/apiSession';
import type { Logger } from '../../adapters/logger';
import type { LogChannels } from '../../adapters/logs/logChannels';
import type { GitAccess } from '../../adapters/git/git';
import type { TasksView } from '../../adapters/view/tasksView';
import type { ReviewCommentsHolder } from '../../adapters/review/reviewComments';

/** What every command factory receives: the composed parts of the extension, nothing global. */
export interface CommandContext {
  readonly extension: vscode.ExtensionContext;
  readonly session: ApiSession;
  readonly store: TaskStore;
  readonly view: TasksView;
  readonly logs: LogChannels;
  readonly git: GitAccess;
  readonly logger: Logger;
  /** Draft review comments on agents' diffs (made on first use). */
  readonly reviews: ReviewCommentsHolder;
}

export type CommandHandler = (...args: unknown[]) => unknown;
export type CommandFactory = (context: CommandContext) => CommandHandler;
