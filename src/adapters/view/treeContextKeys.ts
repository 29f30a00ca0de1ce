import * as vscode from 'vscode';
import type { StoreState } from '../../core/tasks/taskStore';

/** The context keys the Tasks view sets; package.json's welcome views and menus read these exact values. */
export interface TreeContextKeyValues {
  readonly 'blackboxTasks.state': StoreState;
  readonly 'blackboxTasks.filterActive': boolean;
  readonly 'blackboxTasks.scope': 'repository' | 'all';
}

export type TreeContextKeys = <K extends keyof TreeContextKeyValues>(key: K, value: TreeContextKeyValues[K]) => void;

/** A setter that only calls `setContext` when a value really changes. */
export function createTreeContextKeys(): TreeContextKeys {
  const current = new Map<string, unknown>();
  return (key, value) => {
    if (current.has(key) && current.get(key) === value) return;
    current.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  };
}
