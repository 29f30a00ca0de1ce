import * as vscode from 'vscode';
import type { Task, TaskStatus } from '../../core/tasks/model';
import type { PollingTaskStore } from '../../core/tasks/pollingTaskStore';
import { buildTreeModel, groupExpandedByDefault, taskNodeId, type TreeModel } from '../../core/view/taskGrouping';
import { isFilterActive, type TaskFilter } from '../../core/view/taskFilter';
import {
  presentAgentRun,
  presentFollowUp,
  taskTooltipMarkdown,
  type PresentationContext,
} from '../../core/view/taskPresentation';
import type { TaskStoreChange } from '../../core/tasks/taskStore';
import {
  agentRunTreeItem,
  followUpTreeItem,
  groupTreeItem,
  loadMoreTreeItem,
  noticeTreeItem,
  taskTreeItem,
  untrustedTooltip,
} from './taskTreeNodes';
import type {
  AgentRunNode,
  FollowUpNode,
  GroupNode,
  LoadMoreNode,
  NoticeNode,
  TaskNode,
  TaskTreeNode,
} from './taskTreeNodes';

/**
 * The Tasks tree over the store: status groups, task rows (a v1 chat as its latest run
 * with the earlier runs beneath), Cloud follow-ups and agent runs as children, then
 * "Load more…". Node objects are kept per id, so a change fires only the rows (or the
 * groups) it touched and VS Code keeps selection, expansion and scroll.
 */

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
      source.store.onDidChange((change) => this.onStoreChange(change)),
      source.store.onDidChangeStatus(() => this.onStatusChange()),
    );
  }

  // ---- TreeDataProvider ------------------------------------------------------------------

  getChildren(element?: TaskTreeNode): TaskTreeNode[] {
    this.ensureModel();
    if (!element) return this.roots;
    if (element.kind === 'group') {
      const rows = this.model?.groups.find((group) => group.status === element.status)?.rows ?? [];
      const children = rows
        .map((row) => this.nodes.get(row.id))
        .filter((node): node is TaskNode => node?.kind === 'task');
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
      case 'group':
        return groupTreeItem(
          element,
          this.source.groupExpanded(element.status) ?? groupExpandedByDefault(element.status),
        );
      case 'task':
        return taskTreeItem(element, this.presentationContext(element));
      case 'followUp':
        return followUpTreeItem(element, this.source.now());
      case 'agentRun':
        return agentRunTreeItem(element);
      case 'loadMore':
        return loadMoreTreeItem(element, this.source.store.status().loadingMore);
      case 'notice':
        return noticeTreeItem(element);
    }
  }

  /** The hover is built only when asked for: most rows are never hovered. */
  resolveTreeItem(item: vscode.TreeItem, element: TaskTreeNode): vscode.TreeItem {
    let markdown: string | undefined;
    if (element.kind === 'task') markdown = taskTooltipMarkdown(element.task, this.presentationContext(element));
    else if (element.kind === 'followUp')
      markdown = presentFollowUp(
        element.followUp.prompt,
        element.followUp.status,
        element.followUp.createdAt,
        this.source.now(),
      ).tooltip;
    else if (element.kind === 'agentRun') markdown = presentAgentRun(element.run).tooltip;
    if (markdown !== undefined) item.tooltip = untrustedTooltip(markdown);
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
      const groupNode = this.node<GroupNode>(group.id, () => ({
        kind: 'group',
        id: group.id,
        status: group.status,
        label: group.label,
        count: group.count,
      }));
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
      const notice = this.node<NoticeNode>('notice:noRepository', () => ({
        kind: 'notice',
        id: 'notice:noRepository',
        label: '',
        description: '',
        commandId: undefined,
        icon: 'repo',
      }));
      notice.label = this.source.repositoriesProblem() ?? vscode.l10n.t('No GitHub remote found in this workspace');
      notice.description = vscode.l10n.t('Show all tasks');
      notice.commandId = 'blackboxTasks.showAllTasks';
      return [notice];
    }
    const notice = this.node<NoticeNode>('notice:noMatch', () => ({
      kind: 'notice',
      id: 'notice:noMatch',
      label: '',
      description: '',
      commandId: undefined,
      icon: 'filter',
    }));
    notice.label = vscode.l10n.t('No tasks match the filter ({0} hidden)', model.total);
    notice.description = vscode.l10n.t('Clear filter');
    notice.commandId = 'blackboxTasks.clearFilter';
    return [notice];
  }

  /** Forgets nodes of tasks that left the tree (removed, or hidden by the filter). */
  private pruneNodesOutside(roots: readonly TaskTreeNode[]): void {
    const alive = new Set<string>();
    const visit = (node: TaskTreeNode): void => {
      alive.add(node.id);
      if (node.kind === 'group')
        for (const row of this.model?.groups.find((group) => group.id === node.id)?.rows ?? []) {
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
    const node = this.node<TaskNode>(id, () => ({
      kind: 'task',
      id,
      taskId: task.id,
      task,
      earlierRuns: [],
      parent,
      runOfThread,
    }));
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
}
