import * as vscode from 'vscode';
import type { AgentRun, FollowUp, Task, TaskStatus } from '../core/model';
import type { PollingTaskStore } from '../core/pollingTaskStore';
import { buildTreeModel, groupExpandedByDefault, taskNodeId, type TreeModel } from '../core/taskGrouping';
import { isFilterActive, type TaskFilter } from '../core/taskFilter';
import { presentAgentRun, presentFollowUp, presentTask, taskTooltipMarkdown, type PresentationContext, type ThemeIconSpec } from '../core/taskPresentation';
import type { TaskStoreChange } from '../core/taskStore';

/**
 * The Tasks tree over the store: status groups, task rows (a v1 chat as its latest run
 * with the earlier runs beneath), Cloud follow-ups and agent runs as children, then
 * "Load more…". Node objects are kept per id, so a change fires only the rows (or the
 * groups) it touched and VS Code keeps selection, expansion and scroll.
 */

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
}

export interface FollowUpNode {
  readonly kind: 'followUp';
  readonly id: string;
  parent: TaskNode;
  followUp: FollowUp;
}

export interface AgentRunNode {
  readonly kind: 'agentRun';
  readonly id: string;
  parent: TaskNode;
  run: AgentRun;
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

export type TaskTreeNode = GroupNode | TaskNode | FollowUpNode | AgentRunNode | LoadMoreNode | NoticeNode;

export interface TaskTreeSource {
  readonly store: PollingTaskStore;
  filter(): TaskFilter;
  repositories(): ReadonlySet<string>;
  /** Why the repository scope has nothing to match, when known. */
  repositoriesProblem(): string | undefined;
  /** The user's expand/collapse choice for a group, undefined when never made. */
  groupExpanded(status: TaskStatus): boolean | undefined;
  now(): number;
}

/** The tree as plain data, what a test (or a screen reader) would see. */
export interface TreeRowSnapshot {
  readonly id: string;
  readonly taskId?: string;
  readonly label: string;
  readonly description: string;
  readonly contextValue: string;
  readonly icon?: string;
  readonly command?: string;
  readonly children: readonly TreeRowSnapshot[];
}

export interface TreeGroupSnapshot {
  readonly id: string;
  readonly label: string;
  readonly count: number;
  readonly expanded: boolean;
  readonly rows: readonly TreeRowSnapshot[];
}

export interface TreeSnapshot {
  readonly groups: readonly TreeGroupSnapshot[];
  /** Rows at the root that are not groups: notices and "Load more…". */
  readonly extraRows: readonly TreeRowSnapshot[];
}

const LOAD_MORE: LoadMoreNode = { kind: 'loadMore', id: 'loadMore' };

export class TaskTreeProvider implements vscode.TreeDataProvider<TaskTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TaskTreeNode | TaskTreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  private model: TreeModel | undefined;
  private readonly nodes = new Map<string, TaskTreeNode>();
  private roots: TaskTreeNode[] = [];
  /** Children of each container (group or chat head), for telling which containers changed. */
  private layout = new Map<string, string>();
  private rootSignature = '';
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private pendingIds = new Set<string>();
  private pendingAll = false;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly source: TaskTreeSource) {
    this.disposables.push(
      { dispose: source.store.onDidChange((change) => this.onStoreChange(change)).dispose },
      { dispose: source.store.onDidChangeStatus(() => this.onStatusChange()).dispose },
    );
  }

  // ---- TreeDataProvider ------------------------------------------------------------------

  getChildren(element?: TaskTreeNode): TaskTreeNode[] {
    this.ensureModel();
    if (!element) return this.roots;
    if (element.kind === 'group') {
      const rows = this.model?.groups.find((group) => group.status === element.status)?.rows ?? [];
      const children = rows.map((row) => this.nodes.get(row.id)).filter((node): node is TaskNode => node?.kind === 'task');
      this.requestDetailsFor(children.map((node) => node.task));
      return children;
    }
    if (element.kind === 'task') {
      const children = this.taskChildren(element);
      this.requestDetailsFor(element.earlierRuns);
      return children;
    }
    return [];
  }

  getParent(element: TaskTreeNode): TaskTreeNode | undefined {
    if (element.kind === 'task' || element.kind === 'followUp' || element.kind === 'agentRun') return element.parent;
    return undefined;
  }

  getTreeItem(element: TaskTreeNode): vscode.TreeItem {
    switch (element.kind) {
      case 'group': {
        const expanded = this.source.groupExpanded(element.status) ?? groupExpandedByDefault(element.status);
        const item = new vscode.TreeItem(element.label, expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        item.id = element.id;
        item.description = String(element.count);
        item.contextValue = `group ${element.status}`;
        item.accessibilityInformation = { label: `${element.label}: ${element.count} ${element.count === 1 ? 'task' : 'tasks'}` };
        return item;
      }
      case 'task': {
        const shown = presentTask(element.task, this.presentationContext(element));
        const hasChildren = element.earlierRuns.length > 0 || (element.task.followUps?.length ?? 0) > 0 || (element.task.agentRuns?.length ?? 0) > 1;
        const item = new vscode.TreeItem(shown.label, hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = element.id;
        item.description = shown.description;
        item.iconPath = themeIcon(shown.icon);
        item.contextValue = shown.contextValue;
        item.command = { command: 'blackboxTasks.showLogs', title: 'Show Task Logs', arguments: [element] };
        item.accessibilityInformation = { label: [shown.label, shown.statusWord, shown.description].filter(Boolean).join(', ') };
        return item;
      }
      case 'followUp': {
        const shown = presentFollowUp(element.followUp.prompt, element.followUp.status, element.followUp.createdAt, this.source.now());
        const item = new vscode.TreeItem(shown.label, vscode.TreeItemCollapsibleState.None);
        item.id = element.id;
        item.description = shown.description;
        item.iconPath = themeIcon(shown.icon);
        item.contextValue = 'followUp';
        item.command = { command: 'blackboxTasks.showLogs', title: 'Show Task Logs', arguments: [element.parent.taskId] };
        return item;
      }
      case 'agentRun': {
        const shown = presentAgentRun(element.run);
        const item = new vscode.TreeItem(shown.label, vscode.TreeItemCollapsibleState.None);
        item.id = element.id;
        item.description = shown.description;
        item.iconPath = themeIcon(shown.icon);
        item.contextValue = 'agentRun';
        return item;
      }
      case 'loadMore': {
        const loading = this.source.store.status().loadingMore;
        const item = new vscode.TreeItem(loading ? 'Loading more…' : 'Load more…', vscode.TreeItemCollapsibleState.None);
        item.id = element.id;
        item.iconPath = new vscode.ThemeIcon(loading ? 'loading~spin' : 'ellipsis');
        item.contextValue = 'loadMore';
        item.command = { command: 'blackboxTasks.loadMore', title: 'Load More Tasks' };
        return item;
      }
      case 'notice': {
        const item = new vscode.TreeItem(element.label, vscode.TreeItemCollapsibleState.None);
        item.id = element.id;
        item.description = element.description;
        item.iconPath = new vscode.ThemeIcon(element.icon);
        item.contextValue = 'notice';
        if (element.commandId) item.command = { command: element.commandId, title: element.description };
        return item;
      }
    }
  }

  /** The hover is built only when asked for: most rows are never hovered. */
  resolveTreeItem(item: vscode.TreeItem, element: TaskTreeNode): vscode.TreeItem {
    let markdown: string | undefined;
    if (element.kind === 'task') markdown = taskTooltipMarkdown(element.task, this.presentationContext(element));
    else if (element.kind === 'followUp') markdown = presentFollowUp(element.followUp.prompt, element.followUp.status, element.followUp.createdAt, this.source.now()).tooltip;
    else if (element.kind === 'agentRun') markdown = presentAgentRun(element.run).tooltip;
    if (markdown !== undefined) {
      const tooltip = new vscode.MarkdownString(markdown);
      tooltip.isTrusted = false;
      tooltip.supportHtml = false;
      tooltip.supportThemeIcons = false;
      item.tooltip = tooltip;
    }
    return item;
  }

  // ---- For the view ----------------------------------------------------------------------

  /** The row of a task (a chat head or an earlier run), to reveal it. */
  nodeOf(taskId: string): TaskNode | undefined {
    this.ensureModel();
    const node = this.nodes.get(taskNodeId(taskId));
    return node?.kind === 'task' ? node : undefined;
  }

  /** The filter or the workspace's remotes changed: everything may move. */
  refreshAll(): void {
    this.pendingAll = true;
    this.scheduleFlush(0);
  }

  /** Shown tasks after the filter, and all known ones. */
  counts(): { readonly shown: number; readonly total: number } {
    this.ensureModel();
    return { shown: this.model?.shown ?? 0, total: this.model?.total ?? 0 };
  }

  snapshot(): TreeSnapshot {
    this.flush();
    const groups: TreeGroupSnapshot[] = [];
    const extraRows: TreeRowSnapshot[] = [];
    for (const root of this.getChildren()) {
      if (root.kind === 'group') {
        const item = this.getTreeItem(root);
        groups.push({
          id: root.id,
          label: root.label,
          count: root.count,
          expanded: item.collapsibleState === vscode.TreeItemCollapsibleState.Expanded,
          rows: this.getChildren(root).map((node) => this.rowSnapshot(node)),
        });
      } else {
        extraRows.push(this.rowSnapshot(root));
      }
    }
    return { groups, extraRows };
  }

  dispose(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const disposable of this.disposables) disposable.dispose();
  }

  // ---- Change handling -------------------------------------------------------------------

  private onStoreChange(change: TaskStoreChange): void {
    if ('all' in change) this.pendingAll = true;
    else for (const id of change.ids) this.pendingIds.add(id);
    // Changes arrive in bursts (a refresh, three details answers): one tree update per burst.
    this.scheduleFlush(30);
  }

  private onStatusChange(): void {
    const hasLoadMore = this.roots.includes(LOAD_MORE);
    if (hasLoadMore !== this.source.store.status().hasMore) {
      this.pendingAll = true;
      this.scheduleFlush(0);
    } else if (hasLoadMore) {
      this.changed.fire(LOAD_MORE);
    }
  }

  private scheduleFlush(delayMs: number): void {
    if (this.flushTimer) {
      if (delayMs > 0) return;
      clearTimeout(this.flushTimer);
    }
    this.flushTimer = setTimeout(() => this.flush(), delayMs);
  }

  /** Applies pending store changes now instead of after the short burst delay. */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.pendingAll && this.pendingIds.size === 0) return;
    const all = this.pendingAll;
    const ids = this.pendingIds;
    this.pendingAll = false;
    this.pendingIds = new Set();

    const beforeLayout = this.layout;
    const beforeRoot = this.rootSignature;
    this.model = undefined;
    this.ensureModel();
    if (all || beforeRoot !== this.rootSignature) {
      this.changed.fire(undefined);
      return;
    }
    const fired = new Set<string>();
    const toFire: TaskTreeNode[] = [];
    for (const [containerId, signature] of this.layout) {
      if (beforeLayout.get(containerId) === signature) continue;
      const container = this.nodes.get(containerId);
      if (container) {
        fired.add(containerId);
        toFire.push(container);
      }
    }
    for (const id of ids) {
      const node = this.nodes.get(taskNodeId(id));
      if (!node || node.kind !== 'task' || !this.layout.has(node.parent.id)) continue;
      if (fired.has(node.parent.id) || fired.has(node.id)) continue;
      if (node.parent.kind === 'task' && fired.has(node.parent.parent.id)) continue;
      fired.add(node.id);
      toFire.push(node);
    }
    if (toFire.length) this.changed.fire(toFire);
  }

  // ---- Model -----------------------------------------------------------------------------

  private ensureModel(): void {
    if (this.model) return;
    const filter = this.source.filter();
    const repositories = this.source.repositories();
    const store = this.source.store;
    const tasks = store.tasks();
    const model = buildTreeModel(tasks, { filter, repositories, rank: store.rank() });
    this.model = model;
    // A filter on repository or text needs every v1 task's details (repository, prompt).
    if (filter.scope === 'repository' || filter.text.trim()) this.requestDetailsFor(tasks);

    const layout = new Map<string, string>();
    const roots: TaskTreeNode[] = [];
    for (const group of model.groups) {
      const groupNode = this.node<GroupNode>(group.id, () => ({ kind: 'group', id: group.id, status: group.status, label: group.label, count: group.count }));
      groupNode.label = group.label;
      groupNode.count = group.count;
      roots.push(groupNode);
      layout.set(group.id, `${group.count}|${group.rows.map((row) => row.id).join(',')}`);
      for (const row of group.rows) {
        const head = this.taskNode(row.task, groupNode, undefined);
        head.earlierRuns = row.earlierRuns;
        const total = row.earlierRuns.length + 1;
        row.earlierRuns.forEach((run, index) => {
          const earlier = this.taskNode(run, head, { index: index + 1, total });
          earlier.earlierRuns = [];
        });
        const childIds = this.taskChildren(head).map((child) => child.id);
        if (childIds.length) layout.set(head.id, childIds.join(','));
      }
    }
    for (const notice of this.notices(model)) roots.push(notice);
    if (store.status().hasMore) roots.push(LOAD_MORE);
    this.pruneNodesOutside(roots);
    this.roots = roots;
    this.layout = layout;
    this.rootSignature = roots.map((node) => (node.kind === 'notice' ? `${node.id}:${node.label}` : node.id)).join(',');
  }

  private notices(model: TreeModel): NoticeNode[] {
    const filter = this.source.filter();
    if (model.groups.length > 0 || model.total === 0 || !isFilterActive(filter)) return [];
    if (filter.scope === 'repository' && this.source.repositories().size === 0) {
      const notice = this.node<NoticeNode>('notice:noRepository', () => ({ kind: 'notice', id: 'notice:noRepository', label: '', description: '', commandId: undefined, icon: 'repo' }));
      notice.label = this.source.repositoriesProblem() ?? 'No GitHub remote found in this workspace';
      notice.description = 'Show all tasks';
      notice.commandId = 'blackboxTasks.showAllTasks';
      return [notice];
    }
    const notice = this.node<NoticeNode>('notice:noMatch', () => ({ kind: 'notice', id: 'notice:noMatch', label: '', description: '', commandId: undefined, icon: 'filter' }));
    notice.label = `No tasks match the filter (${model.total} hidden)`;
    notice.description = 'Clear filter';
    notice.commandId = 'blackboxTasks.clearFilter';
    return [notice];
  }

  /** Forgets nodes of tasks that left the tree (removed, or hidden by the filter). */
  private pruneNodesOutside(roots: readonly TaskTreeNode[]): void {
    const alive = new Set<string>();
    const visit = (node: TaskTreeNode): void => {
      alive.add(node.id);
      if (node.kind === 'group') for (const row of this.model?.groups.find((group) => group.id === node.id)?.rows ?? []) {
        const head = this.nodes.get(row.id);
        if (head) visit(head);
      }
      if (node.kind === 'task') for (const child of this.taskChildren(node)) visit(child);
    };
    for (const root of roots) visit(root);
    if (alive.size === this.nodes.size) return;
    for (const id of [...this.nodes.keys()]) if (!alive.has(id)) this.nodes.delete(id);
  }

  private taskChildren(head: TaskNode): TaskTreeNode[] {
    const children: TaskTreeNode[] = [];
    for (const run of head.earlierRuns) {
      const node = this.nodes.get(taskNodeId(run.id));
      if (node) children.push(node);
    }
    (head.task.followUps ?? []).forEach((followUp, index) => {
      const id = `followUp:${head.taskId}:${index}`;
      const node = this.node<FollowUpNode>(id, () => ({ kind: 'followUp', id, parent: head, followUp }));
      node.parent = head;
      node.followUp = followUp;
      children.push(node);
    });
    const runs = head.task.agentRuns ?? [];
    if (runs.length > 1) {
      runs.forEach((run, index) => {
        const id = `agentRun:${head.taskId}:${index}`;
        const node = this.node<AgentRunNode>(id, () => ({ kind: 'agentRun', id, parent: head, run }));
        node.parent = head;
        node.run = run;
        children.push(node);
      });
    }
    return children;
  }

  private taskNode(task: Task, parent: GroupNode | TaskNode, runOfThread: TaskNode['runOfThread']): TaskNode {
    const id = taskNodeId(task.id);
    const node = this.node<TaskNode>(id, () => ({ kind: 'task', id, taskId: task.id, task, earlierRuns: [], parent, runOfThread }));
    node.task = task;
    node.parent = parent;
    node.runOfThread = runOfThread;
    return node;
  }

  private node<T extends TaskTreeNode>(id: string, create: () => T): T {
    const existing = this.nodes.get(id);
    if (existing) return existing as T;
    const created = create();
    this.nodes.set(id, created);
    return created;
  }

  private presentationContext(node: TaskNode): PresentationContext {
    return {
      now: this.source.now(),
      pendingCancel: this.source.store.isPendingCancel(node.taskId),
      earlierRuns: node.earlierRuns.length,
      latestInThread: node.runOfThread === undefined,
      ...(node.runOfThread ? { runOfThread: node.runOfThread } : {}),
    };
  }

  private requestDetailsFor(tasks: readonly Task[]): void {
    const store = this.source.store;
    const ids: string[] = [];
    for (const task of tasks) if (store.needsDetails(task.id)) ids.push(task.id);
    if (ids.length) store.requestDetails(ids);
  }

  private rowSnapshot(node: TaskTreeNode): TreeRowSnapshot {
    const item = this.getTreeItem(node);
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    return {
      id: node.id,
      ...(node.kind === 'task' ? { taskId: node.taskId } : {}),
      label,
      description: typeof item.description === 'string' ? item.description : '',
      contextValue: item.contextValue ?? '',
      ...(item.iconPath instanceof vscode.ThemeIcon ? { icon: item.iconPath.id } : {}),
      ...(item.command ? { command: item.command.command } : {}),
      children: node.kind === 'task' ? this.getChildren(node).map((child) => this.rowSnapshot(child)) : [],
    };
  }
}

function themeIcon(spec: ThemeIconSpec): vscode.ThemeIcon {
  return new vscode.ThemeIcon(spec.id, spec.color ? new vscode.ThemeColor(spec.color) : undefined);
}
