import type * as vscode from 'vscode';
import type { TaskStore } from '../core/taskStore';
import type { ApiSession } from './apiSession';
import type { Logger } from './logger';

// STUB (owned by the live-logs work): replace with the real implementation.
/** One Output channel per followed task, streaming its log. */
export interface LogChannels extends vscode.Disposable {
  /** Opens (or reuses) the task's channel, starts streaming if needed, and shows it. */
  show(taskId: string, options?: { readonly preserveFocus?: boolean }): void;
}

export interface LogChannelsDeps {
  readonly extension: vscode.ExtensionContext;
  readonly session: ApiSession;
  readonly store: TaskStore;
  readonly logger: Logger;
}

export function createLogChannels(_deps: LogChannelsDeps): LogChannels {
  return { show: () => undefined, dispose: () => undefined };
}
