import { ALL_STATUSES, isActive, type Task, type TaskStatus } from '../tasks/model';
import { agentTasksOf, type AgentTask } from '../tasks/agentTask';
import { groupLabel } from './taskPresentation';
import { taskMatcher, type TaskFilter } from './taskFilter';

/**
 * The tree's shape as plain data: status groups in lifecycle order, each holding rows
 * newest first. A task given to several agents is one row with a row per agent, in the group
 * of its most active agent (see `placementOf`). A single-agent v1 chat with several runs is one
 * row: its latest run (the one that matters now) with the earlier runs as children, so a
 * follow-up is never a loose stranger in the list. Pure, so the benchmark and unit tests call
 * it directly.
 */

export interface TaskRowModel {
  /** Stable tree id: `task:<latest run id>` for a single agent, `task:<task key>` for several. */
  readonly id: string;
  /** What the row's commands receive: the latest run's id, or the task key of a multi-agent task. */
  readonly taskId: string;
  /** The run the row shows: the latest run of a single-agent task, the first agent's run of several. */
  readonly task: Task;
  /** Earlier runs of the same v1 chat, oldest first; shown as children (single-agent tasks only). */
  readonly earlierRuns: readonly Task[];
  /** The task with its agents; a row per agent beneath it when `agentTask.multiAgent`. */
  readonly agentTask: AgentTask;
  /** The group the row is in. */
  readonly status: TaskStatus;
}

export interface GroupModel {
  /** Stable tree id: `group:<status>`. */
  readonly id: string;
  readonly status: TaskStatus;
  readonly label: string;
  /** Rows in the group: tasks, not runs (a chat or a multi-agent task counts once). */
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

/** Stable tree id of one agent's row: `agent:<task key>/<lane key>`. */
export function agentNodeId(taskKey: string, laneKey: string): string {
  return `agent:${taskKey}/${laneKey}`;
}

function rowOf(agentTask: AgentTask): TaskRowModel {
  if (agentTask.multiAgent) {
    const shown = agentTask.lanes[0]?.run;
    return {
      id: taskNodeId(agentTask.key),
      taskId: agentTask.key,
      task: shown,
      earlierRuns: [],
      agentTask,
      status: agentTask.status,
    };
  }
  const lane = agentTask.lanes[0];
  const latest = lane?.run;
  return {
    id: taskNodeId(latest.id),
    taskId: latest.id,
    task: latest,
    earlierRuns: lane?.earlierRuns ?? [],
    agentTask,
    status: agentTask.status,
  };
}

/** When a row's task was created: the first run of a multi-agent task, the shown run otherwise. */
function rowTime(row: TaskRowModel): number | undefined {
  return row.agentTask.multiAgent ? row.agentTask.createdAt : row.task.createdAt;
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
  const newestFirst = (a: TaskRowModel, b: TaskRowModel): number => {
    const byTime = (rowTime(b) ?? -Infinity) - (rowTime(a) ?? -Infinity);
    if (byTime !== 0 && !Number.isNaN(byTime)) return byTime;
    return (rank?.get(a.task.id) ?? Number.MAX_SAFE_INTEGER) - (rank?.get(b.task.id) ?? Number.MAX_SAFE_INTEGER);
  };

  const rows = agentTasksOf(shown).map(rowOf);
  const byStatus = new Map<TaskStatus, TaskRowModel[]>();
  for (const row of rows) {
    const bucket = byStatus.get(row.status);
    if (bucket) bucket.push(row);
    else byStatus.set(row.status, [row]);
  }
  const groups: GroupModel[] = [];
  for (const status of ALL_STATUSES) {
    const bucket = byStatus.get(status);
    if (!bucket?.length) continue;
    bucket.sort(newestFirst);
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
