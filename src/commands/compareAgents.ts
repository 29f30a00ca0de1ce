import * as vscode from 'vscode';
import { CompareAgentsPanels, type CompareAgentsPanelHandle } from '../adapters/view/compareAgentsPanel';
import { pickOne, showInformation, showWarning } from '../adapters/userMessages';
import { agentTasksOf, findAgentTask, laneOf, type AgentLane, type AgentTask } from '../core/tasks/agentTask';
import { agentsDescription, isMultiAgent, laneSummary, laneTitle } from '../core/tasks/agentLanes';
import { GitOperationError } from '../core/git/gitFailure';
import type { PageAction, PageMessage } from '../core/view/compareAgentsHtml';
import { fetchAndCompareTips, type ReviewedFile } from './reviewChanges';
import type { CommandContext } from './support/commandContext';
import { actionArguments, requireConnection, stringArgument } from './support/requireConnection';
import { taskIdOf } from './support/resolveTask';
import { checkTaskBranch, taskRepository, type BranchCommandStop } from './support/taskRepository';
import { showGitFailure } from './support/gitFailure';

export interface CompareBranchesResult {
  readonly outcome: 'shown' | 'noChanges' | 'failed' | 'sameAgent' | 'tooFewBranches' | BranchCommandStop;
  readonly left?: string;
  readonly right?: string;
  readonly files?: readonly ReviewedFile[];
  readonly message?: string;
}

export interface CompareAgentsResult {
  readonly outcome: 'shown' | 'compared' | 'singleAgent' | 'cancelled';
  /** The page, when it was opened (tests read its HTML). */
  readonly panel?: CompareAgentsPanelHandle;
  readonly compare?: CompareBranchesResult;
  readonly message?: string;
}

/** The command each of the page's per-agent buttons runs, with the agent as its argument. */
const PAGE_COMMANDS: Readonly<Record<PageAction, string>> = {
  showLogs: 'blackboxTasks.showLogs',
  reviewChanges: 'blackboxTasks.reviewChanges',
  checkoutBranch: 'blackboxTasks.checkoutBranch',
  openPullRequest: 'blackboxTasks.openPullRequest',
  applyChanges: 'blackboxTasks.applyChanges',
};

/**
 * Compare Agents: a multi-agent task's agents side by side on one page (the task row's menu,
 * the "agents finished" notification, or the palette, which lists multi-agent tasks only).
 * Each agent's buttons run the usual command on that agent; Compare Branches opens VS Code's
 * multi-file diff between two agents' branches. Non-interactive use (tests):
 * `{ taskId, compare: [leftLaneKey, rightLaneKey], repository? }` compares two branches without
 * the page; `compare: true` asks for the two agents.
 */
export function compareAgentsCommand(context: CommandContext) {
  const panels = new CompareAgentsPanels({
    session: context.session,
    store: context.store,
    logger: context.logger,
    onMessage: (taskKey, message) => void runPageMessage(context, taskKey, message),
  });
  context.extension.subscriptions.push(panels);

  return async (argument?: unknown): Promise<CompareAgentsResult> => {
    if (!(await requireConnection(context))) return { outcome: 'cancelled' };
    const agentTask = await resolveMultiAgentTask(argument, context);
    if (!agentTask) return { outcome: 'cancelled' };
    if (!isMultiAgent(agentTask)) {
      const message = vscode.l10n.t('This task has one agent: there is nothing to compare.');
      void showInformation(message);
      return { outcome: 'singleAgent', message };
    }
    const compare = actionArguments(argument)['compare'];
    if (compare !== undefined)
      return { outcome: 'compared', compare: await compareBranches(context, agentTask, compare, argument) };
    return { outcome: 'shown', panel: panels.open(agentTask) };
  };
}

/** The argument's task when it names one (task row, agent row, id), else one picked among multi-agent tasks. */
async function resolveMultiAgentTask(argument: unknown, context: CommandContext): Promise<AgentTask | undefined> {
  const agentTasks = agentTasksOf(context.store.tasks());
  const id = taskIdOf(argument);
  if (id) {
    const found = findAgentTask(agentTasks, id);
    if (!found) void showWarning(vscode.l10n.t('That task is no longer in the list. Refresh the view and try again.'));
    return found;
  }
  const candidates = agentTasks.filter(isMultiAgent).sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
  if (candidates.length === 0) {
    void showInformation(vscode.l10n.t('There is no multi-agent task to compare. Create a task with several agents.'));
    return undefined;
  }
  const picked = await pickOne(
    candidates.map((agentTask) => {
      const running = agentTask.lanes.filter((lane) => lane.status === 'running' || lane.status === 'queued').length;
      const line = (agentTask.prompt ?? agentTask.key).trim().split(/\r?\n/, 1)[0] ?? agentTask.key;
      return {
        label: line.length > 80 ? `${line.slice(0, 79)}…` : line,
        description: vscode.l10n.t('{0} agents: {1}', agentTask.lanes.length, agentsDescription(agentTask)),
        ...(running > 0 ? { detail: vscode.l10n.t('{0} still working', running) } : {}),
        agentTask,
      };
    }),
    { placeHolder: vscode.l10n.t('Compare the agents of which task?'), matchOnDescription: true },
  );
  return picked?.agentTask;
}

/** What the page asked for, checked against the task as it is now. */
async function runPageMessage(context: CommandContext, taskKey: string, message: PageMessage): Promise<void> {
  const agentTask = findAgentTask(agentTasksOf(context.store.tasks()), taskKey);
  if (!agentTask) return;
  try {
    if (message.type === 'compareBranches') {
      await compareBranches(context, agentTask, [message.left, message.right], undefined);
      return;
    }
    const lane = laneOf(agentTask, message.laneKey);
    if (!lane) return;
    await vscode.commands.executeCommand(PAGE_COMMANDS[message.action], laneReference(lane));
  } catch (error) {
    context.logger.warn(
      `Compare Agents: ${message.type} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** What names one agent to a command: v1 the agent's run, Cloud the task; the lane key picks the agent. */
function laneReference(lane: AgentLane): { readonly taskId: string; readonly laneKey: string } {
  return { taskId: lane.run.id, laneKey: lane.key };
}

/**
 * Compare Branches: VS Code's multi-file diff from one agent's branch tip to another's, both
 * fetched first, in the clone that matches the task's repository. `chosen` is the two lane
 * keys, or anything else to ask for them (two quick picks).
 */
async function compareBranches(
  context: CommandContext,
  agentTask: AgentTask,
  chosen: unknown,
  argument: unknown,
): Promise<CompareBranchesResult> {
  const withBranch = agentTask.lanes.filter((lane) => lane.branch !== undefined);
  if (withBranch.length < 2) {
    const message = vscode.l10n.t('Compare Branches needs two agents that have pushed a branch.');
    void showInformation(message);
    return { outcome: 'tooFewBranches', message };
  }
  const pair = await chooseTwo(agentTask, withBranch, chosen);
  if (!pair) return { outcome: 'cancelled' };
  const [left, right] = pair;
  if (left.key === right.key) {
    const message = vscode.l10n.t('Choose two different agents to compare.');
    void showInformation(message);
    return { outcome: 'sameAgent', message };
  }

  const repositoryRoot = stringArgument(argument, 'repository');
  const found = await taskRepository(
    context,
    { ...laneReference(left), ...(repositoryRoot ? { repository: repositoryRoot } : {}) },
    {
      action: vscode.l10n.t("Comparing agents' branches"),
      placeHolder: vscode.l10n.t('Compare the branches of which task?'),
    },
  );
  if (!found.ok) return { outcome: found.stop, ...(found.message ? { message: found.message } : {}) };
  const { repository, remote, branch: leftBranch } = found;
  const checked = checkTaskBranch(right.branch ?? '', vscode.l10n.t("agent's branch"));
  if (!checked.ok) return { outcome: 'refused', message: checked.message };
  const rightBranch = checked.branch;

  try {
    const compared = await fetchAndCompareTips(repository, remote.remote, leftBranch, rightBranch);
    if (!compared) return { outcome: 'cancelled' };
    const summary = { left: leftBranch, right: rightBranch, files: compared.files };
    if (compared.files.length === 0) {
      const message = vscode.l10n.t('"{0}" and "{1}" have the same content.', leftBranch, rightBranch);
      void showInformation(message);
      return { outcome: 'noChanges', ...summary, message };
    }
    const index = (lane: AgentLane): number => agentTask.lanes.indexOf(lane);
    const title = vscode.l10n.t(
      '{0} ↔ {1} (BLACKBOX agents)',
      laneTitle(left, index(left)),
      laneTitle(right, index(right)),
    );
    const resources = compared.files.map(
      (file) =>
        [
          vscode.Uri.joinPath(repository.root, file.path),
          file.left ? vscode.Uri.parse(file.left, true) : undefined,
          file.right ? vscode.Uri.parse(file.right, true) : undefined,
        ] as const,
    );
    await vscode.commands.executeCommand('vscode.changes', title, resources);
    return { outcome: 'shown', ...summary };
  } catch (error) {
    if (!GitOperationError.is(error)) throw error;
    showGitFailure(context, error.message);
    return { outcome: 'failed', left: leftBranch, right: rightBranch, message: error.message };
  }
}

async function chooseTwo(
  agentTask: AgentTask,
  withBranch: readonly AgentLane[],
  chosen: unknown,
): Promise<readonly [AgentLane, AgentLane] | undefined> {
  if (Array.isArray(chosen) && chosen.length === 2 && chosen.every((key) => typeof key === 'string')) {
    const [left, right] = chosen.map((key) => withBranch.find((lane) => lane.key === key));
    return left && right ? [left, right] : undefined;
  }
  const item = (lane: AgentLane) => ({
    label: laneSummary(lane, agentTask.lanes.indexOf(lane)),
    description: lane.branch,
    lane,
  });
  const first = await pickOne(withBranch.map(item), {
    placeHolder: vscode.l10n.t("Compare which agent's branch (left side)…"),
  });
  if (!first) return undefined;
  const second = await pickOne(withBranch.filter((lane) => lane !== first.lane).map(item), {
    placeHolder: vscode.l10n.t("…with which agent's branch (right side)?"),
  });
  return second ? [first.lane, second.lane] : undefined;
}
