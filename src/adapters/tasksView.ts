import type * as vscode from 'vscode';
import { Emitter } from '../core/emitter';
import type { TaskStore, TaskStoreChange } from '../core/taskStore';
import type { Task } from '../core/model';
import type { ApiSession } from './apiSession';
import type { Logger } from './logger';

// STUB (owned by the tasks-tree work): replace with the real tree view, its store and controller.
/** The Tasks tree view as other parts of the extension drive it. */
export interface TasksView extends vscode.Disposable {
  /** Selects and shows a task's row (expanding its group). */
  reveal(taskId: string): Promise<void>;
}

export interface TasksViewDeps {
  readonly extension: vscode.ExtensionContext;
  readonly session: ApiSession;
  readonly logger: Logger;
}

export function createTasksView(_deps: TasksViewDeps): { readonly view: TasksView; readonly store: TaskStore } {
  const tasks = new Map<string, Task>();
  const changed = new Emitter<TaskStoreChange>();
  const store: TaskStore = {
    onDidChange: changed.event,
    tasks: () => [...tasks.values()],
    get: (id) => tasks.get(id),
    upsert: (task) => {
      tasks.set(task.id, task);
      changed.fire({ ids: [task.id] });
    },
    applyStatus: () => undefined,
    setPendingCancel: () => undefined,
    isPendingCancel: () => false,
    remove: (id) => {
      tasks.delete(id);
      changed.fire({ ids: [id] });
    },
    refresh: async () => undefined,
  };
  return { view: { reveal: async () => undefined, dispose: () => changed.dispose() }, store };
}
