import * as vscode from 'vscode';
import type { LogChannels } from '../adapters/logChannels';

/**
 * Opens a task's live log without taking focus, when the user wants logs followed
 * (`blackboxTasks.followLogs`). Uses the log channels' `follow` when they offer one.
 */
export function followTaskLogs(logs: LogChannels, taskId: string): void {
  if (!vscode.workspace.getConfiguration('blackboxTasks').get<boolean>('followLogs', true)) return;
  const withFollow = logs as LogChannels & { readonly follow?: (taskId: string) => void };
  if (typeof withFollow.follow === 'function') withFollow.follow(taskId);
  else logs.show(taskId, { preserveFocus: true });
}
