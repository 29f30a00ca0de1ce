import type * as vscode from 'vscode';
import type { TaskStore } from '../core/taskStore';
import type { ApiSession } from '../adapters/apiSession';
import type { Logger } from '../adapters/logger';
import type { LogChannels } from '../adapters/logChannels';
import type { GitAccess } from '../adapters/git';
import type { TasksView } from '../adapters/tasksView';

/** What every command factory receives: the composed parts of the extension, nothing global. */
export interface CommandContext {
  readonly extension: vscode.ExtensionContext;
  readonly session: ApiSession;
  readonly store: TaskStore;
  readonly view: TasksView;
  readonly logs: LogChannels;
  readonly git: GitAccess;
  readonly logger: Logger;
}

export type CommandHandler = (...args: unknown[]) => unknown;
export type CommandFactory = (context: CommandContext) => CommandHandler;
