import type { ApiKind, DiffStats, Task, TaskStatus } from './model';

/**
 * A task as the user thinks of it: one prompt given to one or more agents.
 *
 * Both APIs can hand one prompt to 2–5 agents at once. The v1 API answers with one run per
 * agent (siblings: created together, sharing the task and chat); the Cloud API keeps one task
 * with one `agentExecutions` entry per agent. Follow-ups are not siblings: on v1 they are later
 * runs that continue one agent's run (`previousRunId`). This model holds what both shapes mean,
 * so the tree, the Compare Agents page, notifications and commands read one thing.
 *
 * How runs are recognised as siblings or follow-ups, where the API leaves it open, is written
 * down in docs/multi-agent.md.
 */

/** One agent's part of a task. */
export interface AgentLane {
  /** Stable within its task: v1 the runId of the agent's first run; Cloud `<taskId>#<index>`. */
  readonly key: string;
  /** The agent's name as the API gives it (e.g. `claude`, `codex`); absent when the API did not say. */
  readonly agent?: string;
  readonly model?: string;
  readonly status: TaskStatus;
  readonly rawStatus: string;
  /** The branch this agent pushed. */
  readonly branch?: string;
  readonly pullRequestUrl?: string;
  readonly diffStats?: DiffStats;
  readonly error?: string;
  readonly startedAt?: number;
  readonly completedAt?: number;
  /**
   * The run to act on for this agent. v1: the agent's latest run (its own runId, logs, cancel,
   * continue). Cloud: the parent task (the API has no per-agent ids; logs are filtered by agent).
   */
  readonly run: Task;
  /** v1: earlier runs of this agent's line (it was continued), oldest first. Cloud: empty. */
  readonly earlierRuns: readonly Task[];
}

/** A task with every agent that works on it. A single-agent task has one lane. */
export interface AgentTask {
  /** Stable tree key: v1 the task id (the first run's id when unknown); Cloud the task id. */
  readonly key: string;
  readonly api: ApiKind;
  /** The task's prompt or title, for labels; absent until known. */
  readonly prompt?: string;
  readonly repoUrl?: string;
  readonly baseBranch?: string;
  readonly createdAt?: number;
  /** The status group the task belongs in (see docs/multi-agent.md). */
  readonly status: TaskStatus;
  readonly lanes: readonly AgentLane[];
}

/**
 * Anything a command may be invoked with that names one agent of a task: the tree's agent row,
 * or the Compare Agents page's message. `taskId` is the task (or v1 run) the row belongs to and
 * `laneKey` the agent within it.
 */
export interface AgentLaneReference {
  readonly taskId: string;
  readonly laneKey: string;
}

export function isAgentLaneReference(argument: unknown): argument is AgentLaneReference {
  if (!argument || typeof argument !== 'object') return false;
  const candidate = argument as { taskId?: unknown; laneKey?: unknown };
  return typeof candidate.taskId === 'string' && typeof candidate.laneKey === 'string';
}

/** The tasks as the user sees them, one per prompt, each with its agents. */
export function agentTasksOf(tasks: readonly Task[]): AgentTask[] {
  return tasks.map(agentTaskOfOne);
}

/** The task that holds this task id or v1 run id. */
export function findAgentTask(agentTasks: readonly AgentTask[], id: string): AgentTask | undefined {
  return agentTasks.find(
    (candidate) =>
      candidate.key === id ||
      candidate.lanes.some((lane) => lane.run.id === id || lane.earlierRuns.some((run) => run.id === id)),
  );
}

export function laneOf(agentTask: AgentTask, laneKey: string): AgentLane | undefined {
  return agentTask.lanes.find((lane) => lane.key === laneKey);
}

function agentTaskOfOne(task: Task): AgentTask {
  const executions = task.agentRuns ?? [];
  const lanes: AgentLane[] =
    executions.length > 1
      ? executions.map((execution, index) => ({
          key: `${task.id}#${index}`,
          agent: execution.agent,
          ...(execution.model !== undefined ? { model: execution.model } : {}),
          status: execution.status,
          rawStatus: execution.rawStatus,
          ...(execution.branch !== undefined ? { branch: execution.branch } : {}),
          ...(execution.error !== undefined ? { error: execution.error } : {}),
          run: task,
          earlierRuns: [],
        }))
      : [laneOfRun(task)];
  return {
    key: task.id,
    api: task.api,
    ...(task.prompt !== undefined || task.title !== undefined ? { prompt: task.title ?? task.prompt } : {}),
    ...(task.repoUrl !== undefined ? { repoUrl: task.repoUrl } : {}),
    ...(task.baseBranch !== undefined ? { baseBranch: task.baseBranch } : {}),
    ...(task.createdAt !== undefined ? { createdAt: task.createdAt } : {}),
    status: task.status,
    lanes,
  };
}

function laneOfRun(run: Task): AgentLane {
  return {
    key: run.id,
    ...(run.agent !== undefined ? { agent: run.agent } : {}),
    ...(run.model !== undefined ? { model: run.model } : {}),
    status: run.status,
    rawStatus: run.rawStatus,
    ...(run.createdBranch !== undefined ? { branch: run.createdBranch } : {}),
    ...(run.pullRequestUrl !== undefined ? { pullRequestUrl: run.pullRequestUrl } : {}),
    ...(run.diffStats !== undefined ? { diffStats: run.diffStats } : {}),
    ...(run.error !== undefined ? { error: run.error } : {}),
    ...(run.startedAt !== undefined ? { startedAt: run.startedAt } : {}),
    ...(run.completedAt !== undefined ? { completedAt: run.completedAt } : {}),
    run,
    earlierRuns: [],
  };
}
