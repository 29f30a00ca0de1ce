import * as vscode from 'vscode';
import type { Task } from '../../core/tasks/model';
import {
  agentTasksOf,
  findAgentTask,
  isAgentLaneReference,
  laneHolds,
  laneOf,
  type AgentLane,
  type AgentTask,
} from '../../core/tasks/agentTask';
import { agentsDescription, isMultiAgent, laneSummary, laneTask } from '../../core/tasks/agentLanes';
import type { CommandContext } from './commandContext';
import { pickOne, showInformation, showWarning } from '../../adapters/userMessages';

/** Anything a command may be invoked with that names a task: a tree row, an id, or a task. */
export function taskIdOf(argument: unknown): string | undefined {
  if (typeof argument === 'string' && argument.length > 0) return argument;
  if (argument && typeof argument === 'object') {
    const candidate = argument as { taskId?: unknown; id?: unknown; api?: unknown };
    if (typeof candidate.taskId === 'string') return candidate.taskId;
    if (typeof candidate.id === 'string' && typeof candidate.api === 'string') return candidate.id;
  }
  return undefined;
}

/** What a command resolved: the task as the user sees it, the agent within it, and the run to act on. */
export interface ResolvedLane {
  readonly agentTask: AgentTask;
  readonly lane: AgentLane;
  /** The task-shaped view of the agent the command acts on (see core/tasks/agentLanes laneTask). */
  readonly task: Task;
  /** The command was invoked on one agent (its row or the Compare Agents page), not picked. */
  readonly named: boolean;
}

export interface ResolveOptions {
  readonly placeHolder: string;
  /** Whether the command applies to this agent's task (its laneTask). */
  readonly qualifies?: (task: Task) => boolean;
  readonly noneMessage?: string;
  /** `qualifies` reads fields only the task's details carry (created branch, pull request). */
  readonly qualifiesFromDetails?: boolean;
  /** Asked when a multi-agent task is named or picked: which agent. */
  readonly lanePlaceHolder?: string;
}

/**
 * The task a command acts on: the row it was invoked on, or — from the palette — one the
 * user picks among the tasks that qualify. Undefined when the user dismisses the pick.
 */
export async function resolveTask(
  argument: unknown,
  context: CommandContext,
  options: ResolveOptions,
): Promise<Task | undefined> {
  return (await resolveAgentLane(argument, context, options))?.task;
}

/**
 * The agent a command acts on. An agent row or the Compare Agents page names it; a task row of
 * a multi-agent task, or a run id of one of its agents, asks which agent among those that
 * qualify (a run id names its own agent); from the palette the user picks the task (a
 * multi-agent task is listed once, its agents in the description) and then the agent. A run
 * that is not part of a multi-agent task resolves to exactly that run, as it always has.
 */
export async function resolveAgentLane(
  argument: unknown,
  context: CommandContext,
  options: ResolveOptions,
): Promise<ResolvedLane | undefined> {
  const qualifies = options.qualifies ?? (() => true);
  const agentTasks = agentTasksOf(context.store.tasks());

  if (isAgentLaneReference(argument)) {
    const agentTask = findAgentTask(agentTasks, argument.taskId);
    const lane = agentTask ? laneOf(agentTask, argument.laneKey) : undefined;
    if (!agentTask || !lane) return gone();
    return { agentTask, lane, task: laneTask(agentTask, lane), named: true };
  }

  const id = taskIdOf(argument);
  if (id) {
    const agentTask = findAgentTask(agentTasks, id);
    if (agentTask && isMultiAgent(agentTask)) {
      const own = namesWholeTask(argument, agentTask, id)
        ? undefined
        : agentTask.lanes.find((lane) => laneHolds(lane, id));
      if (own) {
        // A run id names one agent's run exactly (an earlier run of the agent stays that run).
        const run = context.store.get(id) ?? own.run;
        return { agentTask, lane: own, task: own.run.id === id ? laneTask(agentTask, own) : run, named: true };
      }
      return pickLane(agentTask, qualifies, options);
    }
    const known = context.store.get(id);
    if (known) return single(agentTask, known);
    if (argument && typeof argument === 'object' && typeof (argument as { api?: unknown }).api === 'string')
      return single(undefined, argument as Task);
    return gone();
  }

  if (options.qualifiesFromDetails) await loadRecentDetails(context);
  const candidates = agentTasksOf(context.store.tasks())
    .filter((agentTask) => agentTask.lanes.some((lane) => qualifies(laneTask(agentTask, lane))))
    .sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
  if (candidates.length === 0) {
    void showInformation(options.noneMessage ?? vscode.l10n.t('There is no task to choose from.'));
    return undefined;
  }
  const picked = await pickOne(
    candidates.map((agentTask) => {
      const only = isMultiAgent(agentTask) ? undefined : agentTask.lanes[0];
      const task = only ? laneTask(agentTask, only) : undefined;
      return {
        label: pickLabel(agentTask.prompt ?? task?.title ?? task?.prompt ?? agentTask.key),
        description: task
          ? task.status
          : vscode.l10n.t('{0} agents: {1}', agentTask.lanes.length, agentsDescription(agentTask)),
        detail:
          [agentTask.repoUrl?.replace(/^https:\/\/github\.com\//, '').replace(/\.git$/, ''), task?.createdBranch]
            .filter(Boolean)
            .join(' · ') || undefined,
        agentTask,
      };
    }),
    { placeHolder: options.placeHolder, matchOnDescription: true, matchOnDetail: true },
  );
  if (!picked) return undefined;
  return pickLane(picked.agentTask, qualifies, options);
}

function single(agentTask: AgentTask | undefined, task: Task): ResolvedLane {
  const owner = agentTask ?? agentTasksOf([task])[0];
  const lane = owner?.lanes[0];
  // agentTasksOf always gives a task at least one lane; the fallback keeps the types honest.
  return {
    agentTask: owner ?? { key: task.id, api: task.api, status: task.status, lanes: [] },
    lane: lane ?? { key: task.id, status: task.status, rawStatus: task.rawStatus, run: task, earlierRuns: [] },
    task,
    named: true,
  };
}

function gone(): undefined {
  void showWarning(vscode.l10n.t('That task is no longer in the list. Refresh the view and try again.'));
  return undefined;
}

/**
 * Whether the argument names a multi-agent task as a whole (so a command asks which agent, or acts
 * on all) rather than one agent's run: the task's row in the tree, or an id no single agent's run
 * has (a v1 task id, or a Cloud task, whose one id all its agents share). A v1 run id names
 * that run, even the first agent's, whose id the task may carry as its key.
 */
export function namesWholeTask(argument: unknown, agentTask: AgentTask, id: string): boolean {
  if (argument && typeof argument === 'object' && (argument as { kind?: unknown }).kind === 'task') return true;
  return agentTask.lanes.filter((lane) => laneHolds(lane, id)).length !== 1;
}

/** Which agent of a multi-agent task: only those the command applies to; one is taken without asking. */
async function pickLane(
  agentTask: AgentTask,
  qualifies: (task: Task) => boolean,
  options: ResolveOptions,
): Promise<ResolvedLane | undefined> {
  const lanes = agentTask.lanes
    .map((lane, index) => ({ lane, index, task: laneTask(agentTask, lane) }))
    .filter(({ task }) => qualifies(task));
  if (lanes.length === 0) {
    void showInformation(options.noneMessage ?? vscode.l10n.t('No agent of this task can do that now.'));
    return undefined;
  }
  const only = lanes.length === 1 ? lanes[0] : undefined;
  if (only) return { agentTask, lane: only.lane, task: only.task, named: false };
  const picked = await pickOne(
    lanes.map(({ lane, index, task }) => ({
      label: laneSummary(lane, index),
      description: task.createdBranch,
      detail: lane.error ? pickLabel(lane.error) : undefined,
      lane,
      task,
    })),
    { placeHolder: options.lanePlaceHolder ?? vscode.l10n.t('Which agent?'), matchOnDescription: true },
  );
  return picked ? { agentTask, lane: picked.lane, task: picked.task, named: false } : undefined;
}

/** How many of the newest tasks the palette's quick pick looks into, and how long it waits. */
const DETAILS_FOR_PICK = { count: 30, timeoutMs: 5_000 };

/**
 * The Agent API's list has no branch or pull request: rows in collapsed groups may not have had
 * their details fetched yet, so a pick filtered on those fields would silently miss them.
 */
async function loadRecentDetails(context: CommandContext): Promise<void> {
  const recent = [...context.store.tasks()]
    .sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0))
    .slice(0, DETAILS_FOR_PICK.count)
    .map((task) => task.id);
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Loading task details…') },
    () => context.store.ensureDetails(recent, DETAILS_FOR_PICK.timeoutMs),
  );
}

function pickLabel(text: string): string {
  const line = text.trim().split(/\r?\n/, 1)[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}
