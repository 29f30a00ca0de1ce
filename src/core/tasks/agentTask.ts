import { isActive, isTerminal, type AgentRun, type ApiKind, type DiffStats, type Task, type TaskStatus } from './model';

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
  /** The status group the task belongs in (see docs/multi-agent.md and `placementOf`). */
  readonly status: TaskStatus;
  readonly lanes: readonly AgentLane[];
  /** v1: how many agents the create request started, when this client created it. */
  readonly agentCount?: number;
  /** More than one agent works on it (or was asked to): shown as one row with a row per agent. */
  readonly multiAgent: boolean;
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

/**
 * How much later than the first run of its task a run must be created to count as a follow-up
 * when nothing else tells: siblings are created by one request, within moments of each other;
 * a follow-up needs a human to read the result and write another prompt.
 */
export const FOLLOW_UP_AFTER_MS = 60_000;

/** The tasks as the user sees them, one per prompt, each with its agents. */
export function agentTasksOf(tasks: readonly Task[]): AgentTask[] {
  const result: AgentTask[] = [];
  const threads = new Map<string, Task[]>();
  for (const task of tasks) {
    const thread = threadKey(task);
    if (thread === undefined) {
      result.push(task.api === 'cloud' ? cloudAgentTask(task) : v1AgentTask([task]));
      continue;
    }
    const runs = threads.get(thread);
    if (runs) runs.push(task);
    else threads.set(thread, [task]);
  }
  for (const runs of threads.values()) result.push(v1AgentTask(runs));
  return result;
}

/** The task that holds this task id, v1 run id or lane key. */
export function findAgentTask(agentTasks: readonly AgentTask[], id: string): AgentTask | undefined {
  return agentTasks.find((candidate) => candidate.key === id || candidate.lanes.some((lane) => laneHolds(lane, id)));
}

/** Whether `id` names this agent: its lane key, its latest run or one of its earlier runs. */
export function laneHolds(lane: AgentLane, id: string): boolean {
  return lane.key === id || lane.run.id === id || lane.earlierRuns.some((run) => run.id === id);
}

export function laneOf(agentTask: AgentTask, laneKey: string): AgentLane | undefined {
  return agentTask.lanes.find((lane) => lane.key === laneKey);
}

/** How many of the task's agents are in each status. */
export function laneStatusCounts(agentTask: AgentTask): Map<TaskStatus, number> {
  const counts = new Map<TaskStatus, number>();
  for (const lane of agentTask.lanes) counts.set(lane.status, (counts.get(lane.status) ?? 0) + 1);
  return counts;
}

/**
 * The status group of a task from its agents' statuses: Running if any runs, else Queued if
 * any waits, else Unknown if any reports a status this version does not know (it may still be
 * working). Once all have finished: Completed if any completed; otherwise the most informative
 * outcome, Failed over Interrupted over Cancelled (a failure says something went wrong in the
 * work, an interruption that the service lost it, a cancellation only that someone stopped it).
 */
export function placementOf(statuses: readonly TaskStatus[]): TaskStatus {
  const has = (status: TaskStatus) => statuses.includes(status);
  for (const status of ['running', 'queued', 'unknown', 'completed', 'failed', 'interrupted', 'cancelled'] as const)
    if (has(status)) return status;
  return 'unknown';
}

/** v1 runs of one chat (or, without a chat, one taskId) belong together; Cloud tasks stand alone. */
function threadKey(task: Task): string | undefined {
  if (task.api !== 'agent') return undefined;
  if (task.threadId) return `chat:${task.threadId}`;
  if (task.taskKey && task.taskKey !== task.id) return `task:${task.taskKey}`;
  return undefined;
}

/** Oldest first; runs without a creation time keep their order after those with one. */
function byCreation(runs: readonly Task[]): Task[] {
  return runs
    .map((run, index) => ({ run, index }))
    .sort((a, b) => {
      const at = a.run.createdAt;
      const bt = b.run.createdAt;
      if (at !== undefined && bt !== undefined && at !== bt) return at - bt;
      if (at === undefined && bt !== undefined) return 1;
      if (bt === undefined && at !== undefined) return -1;
      return a.index - b.index;
    })
    .map((entry) => entry.run);
}

/**
 * A v1 chat's runs as one task (see docs/multi-agent.md). The first run of the chat and the runs
 * created with it are siblings, one agent each. A run is a follow-up when it names the run it
 * continues (`previousRunId`), when it was created more than a minute after the first run, or
 * when the siblings already number `agentCount`. A follow-up joins the lane of the run it
 * continues; when that is unknown, the lane whose agent and model it shares, else the lane that
 * finished last.
 */
function v1AgentTask(unordered: readonly Task[]): AgentTask {
  const runs = byCreation(unordered);
  const first = runs.find((run) => run.previousRunId === undefined) ?? runs[0];
  const agentCount = runs.reduce<number | undefined>(
    (count, run) => (run.agentCount !== undefined ? Math.max(count ?? 0, run.agentCount) : count),
    undefined,
  );
  const lanes: Task[][] = [];
  const followUps: Task[] = [];
  for (const run of runs) {
    if (run === first) lanes.unshift([run]);
    else if (isFollowUp(run, first, lanes.length, agentCount)) followUps.push(run);
    else lanes.push([run]);
  }
  for (const run of followUps) laneForFollowUp(run, lanes).push(run);

  const agentLanes = lanes.map((laneRuns) => {
    const ordered = byCreation(laneRuns);
    const latest = ordered[ordered.length - 1];
    return { ...laneOfRun(latest, ordered[0].id), earlierRuns: ordered.slice(0, -1) };
  });
  const named = runs.find((run) => run.title !== undefined);
  const prompt = named?.title ?? first.prompt ?? runs.find((run) => run.prompt !== undefined)?.prompt;
  const repoUrl = first.repoUrl ?? runs.find((run) => run.repoUrl !== undefined)?.repoUrl;
  const baseBranch = first.baseBranch ?? runs.find((run) => run.baseBranch !== undefined)?.baseBranch;
  const key = first.taskKey !== undefined && first.taskKey !== first.id ? first.taskKey : first.id;
  return {
    key,
    api: 'agent',
    ...(prompt !== undefined ? { prompt } : {}),
    ...(repoUrl !== undefined ? { repoUrl } : {}),
    ...(baseBranch !== undefined ? { baseBranch } : {}),
    ...(first.createdAt !== undefined ? { createdAt: first.createdAt } : {}),
    status: placementOf(agentLanes.map((lane) => lane.status)),
    lanes: agentLanes,
    ...(agentCount !== undefined ? { agentCount } : {}),
    multiAgent: agentLanes.length > 1 || (agentCount ?? 0) > 1,
  };
}

function isFollowUp(run: Task, first: Task, siblings: number, agentCount: number | undefined): boolean {
  if (run.previousRunId !== undefined) return true;
  if (
    run.createdAt !== undefined &&
    first.createdAt !== undefined &&
    run.createdAt - first.createdAt >= FOLLOW_UP_AFTER_MS
  )
    return true;
  return agentCount !== undefined && siblings >= agentCount;
}

function laneForFollowUp(run: Task, lanes: Task[][]): Task[] {
  if (run.previousRunId !== undefined) {
    const continued = lanes.find((lane) => lane.some((other) => other.id === run.previousRunId));
    if (continued) return continued;
  }
  const latest = (lane: Task[]) => lane[lane.length - 1];
  const sameAgent =
    run.agent !== undefined || run.model !== undefined
      ? lanes.filter((lane) => latest(lane).agent === run.agent && latest(lane).model === run.model)
      : [];
  if (sameAgent.length === 1) return sameAgent[0];
  const candidates = sameAgent.length > 1 ? sameAgent : lanes;
  const finished = candidates.filter((lane) => isTerminal(latest(lane).status));
  const newest = (from: Task[][]) =>
    from.reduce((best, lane) =>
      (latest(lane).completedAt ?? latest(lane).createdAt ?? -Infinity) >
      (latest(best).completedAt ?? latest(best).createdAt ?? -Infinity)
        ? lane
        : best,
    );
  return newest(finished.length > 0 ? finished : candidates);
}

/** A Cloud task: one lane per `agentExecutions` entry when there are several, else the task itself. */
function cloudAgentTask(task: Task): AgentTask {
  const executions = task.agentRuns ?? [];
  const multiAgent = executions.length > 1;
  const lanes = multiAgent
    ? executions.map((execution, index) => laneOfExecution(task, execution, index))
    : [laneOfRun(task, task.id)];
  // The task itself may still be busy (saving its work) after every agent has finished.
  const statuses = lanes.map((lane) => lane.status);
  if (multiAgent && (task.status === 'running' || task.status === 'queued')) statuses.push(task.status);
  return {
    key: task.id,
    api: task.api,
    ...(task.prompt !== undefined || task.title !== undefined ? { prompt: task.title ?? task.prompt } : {}),
    ...(task.repoUrl !== undefined ? { repoUrl: task.repoUrl } : {}),
    ...(task.baseBranch !== undefined ? { baseBranch: task.baseBranch } : {}),
    ...(task.createdAt !== undefined ? { createdAt: task.createdAt } : {}),
    status: multiAgent ? placementOf(statuses) : task.status,
    lanes,
    multiAgent,
  };
}

function laneOfExecution(task: Task, execution: AgentRun, index: number): AgentLane {
  // A finished task has no agent at work: an execution still said to be active is older news
  // than the task's own status (a log stream reports the status alone, before the next list).
  const stale = isTerminal(task.status) && isActive(execution.status);
  const status = stale ? task.status : execution.status;
  const rawStatus = stale ? task.rawStatus : execution.rawStatus;
  const startedAt = execution.startedAt ?? task.startedAt;
  const completedAt = execution.completedAt ?? (isTerminal(status) ? task.completedAt : undefined);
  return {
    key: `${task.id}#${index}`,
    agent: execution.agent,
    ...(execution.model !== undefined ? { model: execution.model } : {}),
    status,
    rawStatus,
    ...(execution.branch !== undefined ? { branch: execution.branch } : {}),
    ...(execution.pullRequestUrl !== undefined ? { pullRequestUrl: execution.pullRequestUrl } : {}),
    ...(execution.diffStats !== undefined ? { diffStats: execution.diffStats } : {}),
    ...(execution.error !== undefined ? { error: execution.error } : {}),
    ...(startedAt !== undefined ? { startedAt } : {}),
    ...(completedAt !== undefined ? { completedAt } : {}),
    run: task,
    earlierRuns: [],
  };
}

function laneOfRun(run: Task, key: string): AgentLane {
  return {
    key,
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
