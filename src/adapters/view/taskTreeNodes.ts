import * as vscode from 'vscode';
import type { AgentLane, AgentLaneReference, AgentTask } from '../../core/tasks/agentTask';
import type { FollowUp, Task, TaskStatus } from '../../core/tasks/model';
import {
  presentAgentLane,
  presentAgentTask,
  presentFollowUp,
  presentTask,
  type AgentPresentationContext,
  type PresentationContext,
  type TaskPresentation,
  type ThemeIconSpec,
} from '../../core/view/taskPresentation';

/** The Tasks tree's nodes, the TreeItem each is shown as, and the tree as plain data. */

export interface GroupNode {
  readonly kind: 'group';
  readonly id: string;
  readonly status: TaskStatus;
  label: string;
  count: number;
}

export interface TaskNode {
  readonly kind: 'task';
  readonly id: string;
  /** Commands resolve their argument through this (see commands/resolveTask.ts). */
  readonly taskId: string;
  task: Task;
  /** Earlier runs of the same v1 chat, oldest first. */
  earlierRuns: readonly Task[];
  parent: GroupNode | TaskNode;
  /** Place in its chat when this is an earlier run shown under the latest one. */
  runOfThread: { readonly index: number; readonly total: number } | undefined;
  /** Set when several agents work on the task: the row shows the task, its children the agents. */
  agentTask: AgentTask | undefined;
}

export interface FollowUpNode {
  readonly kind: 'followUp';
  readonly id: string;
  parent: TaskNode;
  followUp: FollowUp;
}

/**
 * One agent of a multi-agent task. As a command argument it names the agent (`laneKey` within
 * the task `taskId` belongs to) and, through `taskId`, the run to act on: the agent's latest v1
 * run, or the Cloud task. So commands that know only tasks act on the agent's own run.
 */
export interface AgentNode extends AgentLaneReference {
  readonly kind: 'agent';
  /** `agent:<task key>/<lane key>`. */
  readonly id: string;
  taskId: string;
  readonly laneKey: string;
  lane: AgentLane;
  parent: TaskNode;
}

export interface LoadMoreNode {
  readonly kind: 'loadMore';
  readonly id: 'loadMore';
}

export interface NoticeNode {
  readonly kind: 'notice';
  readonly id: string;
  label: string;
  description: string;
  commandId: string | undefined;
  icon: string;
}

export type TaskTreeNode = GroupNode | TaskNode | FollowUpNode | AgentNode | LoadMoreNode | NoticeNode;

/**
 * A hover built from task text: the markdown escapes that text, and the string itself is
 * never trusted, so no command link, HTML or theme icon in it can come alive.
 */
export function untrustedTooltip(markdown: string): vscode.MarkdownString {
  const tooltip = new vscode.MarkdownString(markdown);
  tooltip.isTrusted = false;
  tooltip.supportHtml = false;
  tooltip.supportThemeIcons = false;
  return tooltip;
}

export function groupTreeItem(element: GroupNode, expanded: boolean): vscode.TreeItem {
  const item = new vscode.TreeItem(
    element.label,
    expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
  );
  item.id = element.id;
  item.description = String(element.count);
  item.contextValue = `group ${element.status}`;
  item.accessibilityInformation = {
    label:
      element.count === 1
        ? vscode.l10n.t('{0}: 1 task', element.label)
        : vscode.l10n.t('{0}: {1} tasks', element.label, element.count),
  };
  return item;
}

export function taskTreeItem(
  element: TaskNode,
  context: PresentationContext,
  agentContext: AgentPresentationContext,
): vscode.TreeItem {
  const shown = element.agentTask
    ? presentAgentTask(element.agentTask, agentContext)
    : presentTask(element.task, context);
  const hasChildren =
    element.agentTask !== undefined || element.earlierRuns.length > 0 || (element.task.followUps?.length ?? 0) > 0;
  return statusRowItem(element, shown, hasChildren);
}

/**
 * A row that shows a task's or an agent's status: clicking it shows its log, and a screen
 * reader hears the status word the icon stands for.
 */
function statusRowItem(element: TaskNode | AgentNode, shown: TaskPresentation, hasChildren: boolean): vscode.TreeItem {
  const item = new vscode.TreeItem(
    shown.label,
    hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  item.id = element.id;
  item.description = shown.description;
  item.iconPath = themeIcon(shown.icon);
  item.contextValue = shown.contextValue;
  item.command = { command: 'blackboxTasks.showLogs', title: vscode.l10n.t('Show Task Logs'), arguments: [element] };
  item.accessibilityInformation = {
    label: [shown.label, shown.statusWord, shown.description].filter(Boolean).join(', '),
  };
  return item;
}

export function followUpTreeItem(element: FollowUpNode, now: number): vscode.TreeItem {
  const shown = presentFollowUp(element.followUp.prompt, element.followUp.status, element.followUp.createdAt, now);
  const item = new vscode.TreeItem(shown.label, vscode.TreeItemCollapsibleState.None);
  item.id = element.id;
  item.description = shown.description;
  item.iconPath = themeIcon(shown.icon);
  item.contextValue = 'followUp';
  item.command = {
    command: 'blackboxTasks.showLogs',
    title: vscode.l10n.t('Show Task Logs'),
    arguments: [element.parent.taskId],
  };
  return item;
}

export function agentTreeItem(element: AgentNode, context: AgentPresentationContext): vscode.TreeItem {
  return statusRowItem(element, presentAgentLane(element.lane, context), false);
}

export function loadMoreTreeItem(element: LoadMoreNode, loading: boolean): vscode.TreeItem {
  const item = new vscode.TreeItem(
    loading ? vscode.l10n.t('Loading more…') : vscode.l10n.t('Load more…'),
    vscode.TreeItemCollapsibleState.None,
  );
  item.id = element.id;
  item.iconPath = new vscode.ThemeIcon(loading ? 'loading~spin' : 'ellipsis');
  item.contextValue = 'loadMore';
  item.command = { command: 'blackboxTasks.loadMore', title: vscode.l10n.t('Load More Tasks') };
  return item;
}

export function noticeTreeItem(element: NoticeNode): vscode.TreeItem {
  const item = new vscode.TreeItem(element.label, vscode.TreeItemCollapsibleState.None);
  item.id = element.id;
  item.description = element.description;
  item.iconPath = new vscode.ThemeIcon(element.icon);
  item.contextValue = 'notice';
  if (element.commandId) item.command = { command: element.commandId, title: element.description };
  return item;
}

function themeIcon(spec: ThemeIconSpec): vscode.ThemeIcon {
  return new vscode.ThemeIcon(spec.id, spec.color ? new vscode.ThemeColor(spec.color) : undefined);
}
