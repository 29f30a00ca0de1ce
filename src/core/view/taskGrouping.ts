import { ALL_STATUSES, isActive, type Task, type TaskStatus } from '../tasks/model';
import { groupLabel } from './taskPresentation';
import { taskMatcher, type TaskFilter } from './taskFilter';

/**
 * The tree's shape as plain data: status groups in lifecycle order, each holding rows
 * newest first. A v1 chat with several runs is one row: its latest run (the one that
 * matters now) with the earlier runs as children, so a follow-up is never a loose
 * stranger in the list. Pure, so the benchmark and unit tests call it directly.
 */

export interface TaskRowModel {
  /** Stable tree id: `task:<id>`. */
  readonly id: string;
  readonly taskId: string;
  readonly task: Task;
  /** Earlier runs of the same v1 chat, oldest first; shown as children. */
  readonly earlierRuns: readonly Task[];
}

export interface GroupModel {
  /** Stable tree id: `group:<status>`. */
  readonly id: string;
  readonly status: TaskStatus;
  readonly label: string;
  /** Rows in the group (a chat counts once). */
  readonly count: number;
  readonly rows: readonly TaskRowModel[];
}

export interface TreeModel {
  /** Non-empty groups only, in lifecycle order. */
  readonly groups: readonly GroupModel[];
  /** Tasks known, before filtering. */
  readonly total: number;
  /** Tasks the filter let through (runs, not rows). */
  readonly shown: number;
}

export interface TreeModelOptions {
  readonly filter?: TaskFilter;
  /** Normalised remote URLs of the workspace, for the repository scope. */
  readonly repositories?: ReadonlySet<string>;
  /** Position in the server's list (lower = listed first), to order tasks without a creation time. */
  readonly rank?: ReadonlyMap<string, number>;
}

export const ACTIVE_GROUP_STATUSES: ReadonlySet<TaskStatus> = new Set<TaskStatus>(['running', 'queued']);

export function taskNodeId(taskId: string): string {
  return `task:${taskId}`;
}

export function groupNodeId(status: TaskStatus): string {
  return `group:${status}`;
}

/** Active groups start expanded, terminal ones collapsed. */
export function groupExpandedByDefault(status: TaskStatus): boolean {
  return isActive(status);
}

export function buildTreeModel(tasks: readonly Task[], options: TreeModelOptions = {}): TreeModel {
  const matches = options.filter ? taskMatcher(options.filter, options.repositories ?? new Set()) : undefined;
  const rank = options.rank;
  const shown = matches ? tasks.filter(matches) : tasks;
  const newestFirst = (a: Task, b: Task): number => {
    const byTime = (b.createdAt ?? -Infinity) - (a.createdAt ?? -Infinity);
    if (byTime !== 0 && !Number.isNaN(byTime)) return byTime;
    return (rank?.get(a.id) ?? Number.MAX_SAFE_INTEGER) - (rank?.get(b.id) ?? Number.MAX_SAFE_INTEGER);
  };

  const threads = new Map<string, Task[]>();
  const rows: TaskRowModel[] = [];
  for (const task of shown) {
    if (task.api === 'agent' && task.threadId) {
      const runs = threads.get(task.threadId);
      if (runs) runs.push(task);
      else threads.set(task.threadId, [task]);
    } else {
      rows.push({ id: taskNodeId(task.id), taskId: task.id, task, earlierRuns: [] });
    }
  }
  for (const runs of threads.values()) {
    if (runs.length === 1) {
      const only = runs[0];
      rows.push({ id: taskNodeId(only.id), taskId: only.id, task: only, earlierRuns: [] });
      continue;
    }
    runs.sort(newestFirst);
    const [latest, ...earlier] = runs as [Task, ...Task[]];
    rows.push({ id: taskNodeId(latest.id), taskId: latest.id, task: latest, earlierRuns: earlier.reverse() });
  }

  const byStatus = new Map<TaskStatus, TaskRowModel[]>();
  for (const row of rows) {
    const bucket = byStatus.get(row.task.status);
    if (bucket) bucket.push(row);
    else byStatus.set(row.task.status, [row]);
  }
  const groups: GroupModel[] = [];
  for (const status of ALL_STATUSES) {
    const bucket = byStatus.get(status);
    if (!bucket?.length) continue;
    bucket.sort((a, b) => newestFirst(a.task, b.task));
    groups.push({ id: groupNodeId(status), status, label: groupLabel(status), count: bucket.length, rows: bucket });
  }
  return { groups, total: tasks.length, shown: shown.length };
}

/** Tasks queued or running, counted per run (what the status bar shows). */
export function countActive(tasks: readonly Task[]): { readonly running: number; readonly queued: number } {
  let running = 0;
  let queued = 0;
  for (const task of tasks) {
    if (task.status === 'running') running++;
    else if (task.status === 'queued') queued++;
  }
  return { running, queued };
}
