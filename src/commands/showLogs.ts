import * as vscode from 'vscode';
import { isMultiAgent, laneTitle } from '../core/tasks/agentLanes';
import type { CommandContext } from './support/commandContext';
import { resolveAgentLane } from './support/resolveTask';

/**
 * Show Task Logs: the task's live log in its own Output channel (also what clicking a task
 * row does). Focus stays where it was, so the tree keeps working with the keyboard. Each agent
 * of a multi-agent task has its own channel, named with the agent: on the Agent API its own
 * run's log, on the Cloud API the task's log lines that agent wrote.
 */
export function showLogsCommand(context: CommandContext) {
  return async (argument?: unknown): Promise<void> => {
    const resolved = await resolveAgentLane(argument, context, {
      placeHolder: vscode.l10n.t('Show the log of which task?'),
      lanePlaceHolder: vscode.l10n.t('Show the log of which agent?'),
      noneMessage: vscode.l10n.t('There are no tasks yet. Create one first.'),
    });
    if (!resolved) return;
    const { task, agentTask, lane } = resolved;
    context.view.markSeen(task.id);
    if (!isMultiAgent(agentTask)) {
      await context.logs.show(task.id, { preserveFocus: true, task });
      return;
    }
    const cloud = task.api === 'cloud';
    await context.logs.show(task.id, {
      preserveFocus: true,
      task,
      agent: {
        key: cloud ? lane.key : task.id,
        name: laneTitle(lane, agentTask.lanes.indexOf(lane)),
        ...(cloud && lane.agent !== undefined ? { onlyAgent: lane.agent } : {}),
      },
    });
  };
}
