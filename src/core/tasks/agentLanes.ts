import { isActive, type Task } from './model';
import type { AgentLane, AgentTask } from './agentTask';
import { shortModel, statusWord } from '../view/taskPresentation';
import { cleanText, clip } from '../util/untrustedText';
import * as l10n from '@vscode/l10n';

/**
 * What commands and pickers need to act on one agent of a task: the task-shaped view of a lane
 * that existing commands read, and the words that name an agent in a quick pick or a message.
 */

export function isMultiAgent(agentTask: AgentTask): boolean {
  return agentTask.multiAgent;
}

/**
 * The task a command acts on for this agent. v1: the agent's own run. Cloud: the parent task (the
 * only id the API knows) carrying this agent's branch, pull request, diff stats, agent and model,
 * never another agent's: a field the agent does not have is absent, not inherited from the task.
 */
export function laneTask(agentTask: AgentTask, lane: AgentLane): Task {
  if (!isMultiAgent(agentTask) || lane.run.api === 'agent') return lane.run;
  const {
    createdBranch: _branch,
    pullRequestUrl: _pullRequest,
    diffStats: _diffStats,
    agent: _agent,
    model: _model,
    error: _error,
    ...shared
  } = lane.run;
  return {
    ...shared,
    ...(lane.branch !== undefined ? { createdBranch: lane.branch } : {}),
    ...(lane.pullRequestUrl !== undefined ? { pullRequestUrl: lane.pullRequestUrl } : {}),
    ...(lane.diffStats !== undefined ? { diffStats: lane.diffStats } : {}),
    ...(lane.agent !== undefined ? { agent: lane.agent } : {}),
    ...(lane.model !== undefined ? { model: lane.model } : {}),
    ...(lane.error !== undefined ? { error: lane.error } : {}),
  };
}

/** `claude · claude-sonnet-4.6`: the agent and its model, as the tree and the page name it. */
export function laneTitle(lane: AgentLane, index?: number): string {
  const agent = lane.agent ? clip(cleanText(lane.agent), 40) : l10n.t('Agent {0}', (index ?? 0) + 1);
  return lane.model ? `${agent} · ${clip(cleanText(shortModel(lane.model)), 60)}` : agent;
}

/** `claude · claude-sonnet-4.6 · Running`: one agent in a quick pick. */
export function laneSummary(lane: AgentLane, index?: number): string {
  return `${laneTitle(lane, index)} · ${statusWord(lane.status)}`;
}

/** `claude, codex, gemini`: a multi-agent task's agents, for the task's line in a quick pick. */
export function agentsDescription(agentTask: AgentTask): string {
  return agentTask.lanes
    .map((lane, index) => (lane.agent ? clip(cleanText(lane.agent), 40) : l10n.t('Agent {0}', index + 1)))
    .join(', ');
}

/** The lanes still working, for Cancel all. */
export function activeLanes(agentTask: AgentTask): AgentLane[] {
  return agentTask.lanes.filter((lane) => isActive(lane.status));
}

/**
 * How long the agent worked: start to finish, or start to `now` while it runs. Undefined when a
 * time is not known (a Cloud execution carries no times of its own: the task's start stands in
 * while it runs, but the task's end is not this agent's).
 */
export function laneDurationMs(lane: AgentLane, now: number): number | undefined {
  const started = lane.startedAt ?? lane.run.startedAt;
  if (started === undefined) return undefined;
  const ended = lane.completedAt ?? (isActive(lane.status) ? now : undefined);
  if (ended === undefined) return undefined;
  return Math.max(0, ended - started);
}
