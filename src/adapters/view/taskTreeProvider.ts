import * as vscode from 'vscode';
import type { Task, TaskStatus } from '../../core/tasks/model';
import {
  agentNodeId,
  buildTreeModel,
  groupExpandedByDefault,
  taskNodeId,
  type TaskRowModel,
  type TreeModel,
} from '../../core/view/taskGrouping';
import { isFilterActive, type TaskFilter } from '../../core/view/taskFilter';
import {
  agentTaskTooltipMarkdown,
  presentAgentLane,
  presentFollowUp,
  taskTooltipMarkdown,
  type AgentPresentationContext,
  type PresentationContext,
} from '../../core/view/taskPresentation';
import type { TaskListStore, TaskStoreChange } from '../../core/tasks/taskStore';
import {
  agentTreeItem,
  followUpTreeItem,
  groupTreeItem,
  loadMoreTreeItem,
  noticeTreeItem,
  taskTreeItem,
  untrustedTooltip,
} from './taskTreeNodes';
import type {
  AgentNode,
  FollowUpNode,
  GroupNode,
  LoadMoreNode,
  NoticeNode,
  TaskNode,
  TaskTreeNode,
} from './taskTreeNodes';

/**
 * The Tasks tree over the store: status groups, task rows (a v1 chat as its latest run
 * with the earlier runs beneath; a multi-agent task with a row per agent beneath), Cloud
 * follow-ups as children, then "Load more…". Node objects are kept per id, so a change fires
 * only the rows (or the groups) it touched and VS Code keeps selection, expansion and scroll.
 */

export interface TaskTreeSource {
  readonly store: TaskListStore;
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
  /** The rows that show each run of a multi-agent task (the task row, then its agent rows), for per-row refresh. */
  private rowsOfRun = new Map<string, TaskTreeNode[]>();
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
      if (element.agentTask) this.requestDetailsFor(element.agentTask.lanes.map((lane) => lane.run));
      return children;
    }
    return [];
  }

  getParent(element: TaskTreeNode): TaskTreeNode | undefined {
    if (element.kind === 'task' || element.kind === 'followUp' || element.kind === 'agent') return element.parent;
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
        return taskTreeItem(element, this.presentationContext(element), this.agentContext());
      case 'followUp':
        return followUpTreeItem(element, this.source.now());
      case 'agent':
        return agentTreeItem(element, this.agentContext());
      case 'loadMore':
        return loadMoreTreeItem(element, this.source.store.status().loadingMore);
      case 'notice':
        return noticeTreeItem(element);
    }
  }

  /** The hover is built only when asked for: most rows are never hovered. */
  resolveTreeItem(item: vscode.TreeItem, element: TaskTreeNode): vscode.TreeItem {
    let markdown: string | undefined;
    if (element.kind === 'task')
      markdown = element.agentTask
        ? agentTaskTooltipMarkdown(element.agentTask, this.agentContext())
        : taskTooltipMarkdown(element.task, this.presentationContext(element));
    else if (element.kind === 'followUp')
      markdown = presentFollowUp(
        element.followUp.prompt,
        element.followUp.status,
        element.followUp.createdAt,
        this.source.now(),
      ).tooltip;
    else if (element.kind === 'agent') markdown = presentAgentLane(element.lane, this.agentContext()).tooltip;
    if (markdown !== undefined) item.tooltip = untrustedTooltip(markdown);
    return item;
  }

  // ---- For the view ----------------------------------------------------------------------

  /** The row of a task (a chat head, an earlier run, or the multi-agent task a run belongs to), to reveal it. */
  nodeOf(taskId: string): TaskNode | undefined {
    this.ensureModel();
    const node = this.nodes.get(taskNodeId(taskId));
    if (node?.kind === 'task') return node;
    return this.rowsOfRun.get(taskId)?.find((row): row is TaskNode => row.kind === 'task');
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
      const direct = this.nodes.get(taskNodeId(id));
      for (const node of this.rowsOfRun.get(id) ?? (direct ? [direct] : [])) {
        if ((node.kind !== 'task' && node.kind !== 'agent') || !this.layout.has(node.parent.id)) continue;
        if (fired.has(node.parent.id) || fired.has(node.id)) continue;
        if (node.parent.kind === 'task' && fired.has(node.parent.parent.id)) continue;
        fired.add(node.id);
        toFire.push(node);
      }
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
    const rowsOfRun = new Map<string, TaskTreeNode[]>();
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
        const head = this.rowNode(row, groupNode);
        head.earlierRuns = row.earlierRuns;
        const total = row.earlierRuns.length + 1;
        row.earlierRuns.forEach((run, index) => {
          const earlier = this.taskNode(run, head, { index: index + 1, total });
          earlier.earlierRuns = [];
        });
        const children = this.taskChildren(head);
        if (children.length) layout.set(head.id, children.map((child) => child.id).join(','));
        for (const child of children) {
          if (child.kind !== 'agent') continue;
          for (const run of [child.lane.run, ...child.lane.earlierRuns]) {
            const shownBy = rowsOfRun.get(run.id);
            if (shownBy) shownBy.push(child);
            else rowsOfRun.set(run.id, [head, child]);
          }
        }
      }
    }
    for (const notice of this.notices(model)) roots.push(notice);
    if (store.status().hasMore) roots.push(LOAD_MORE);
    this.pruneNodesOutside(roots);
    this.roots = roots;
    this.layout = layout;
    this.rowsOfRun = rowsOfRun;
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
    for (const lane of head.agentTask?.lanes ?? []) {
      const id = agentNodeId(head.agentTask?.key ?? head.taskId, lane.key);
      const node = this.node<AgentNode>(id, () => ({
        kind: 'agent',
        id,
        taskId: lane.run.id,
        laneKey: lane.key,
        lane,
        parent: head,
      }));
      node.taskId = lane.run.id;
      node.lane = lane;
      node.parent = head;
      children.push(node);
    }
    return children;
  }

  /** The node of a group's row: a task (its latest run) or a multi-agent task. */
  private rowNode(row: TaskRowModel, parent: GroupNode): TaskNode {
    const node = this.taskNode(row.task, parent, undefined, row.id, row.taskId);
    node.agentTask = row.agentTask.multiAgent ? row.agentTask : undefined;
    return node;
  }

  private taskNode(
    task: Task,
    parent: GroupNode | TaskNode,
    runOfThread: TaskNode['runOfThread'],
    id = taskNodeId(task.id),
    taskId = task.id,
  ): TaskNode {
    const node = this.node<TaskNode>(id, () => ({
      kind: 'task',
      id,
      taskId,
      task,
      earlierRuns: [],
      parent,
      runOfThread,
      agentTask: undefined,
    }));
    node.task = task;
    node.parent = parent;
    node.runOfThread = runOfThread;
    node.agentTask = undefined;
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

  private agentContext(): AgentPresentationContext {
    const store = this.source.store;
    return { now: this.source.now(), pendingCancel: (runId) => store.isPendingCancel(runId) };
  }

  private requestDetailsFor(tasks: readonly Task[]): void {
    const store = this.source.store;
    const ids: string[] = [];
    for (const task of tasks) if (store.needsDetails(task.id)) ids.push(task.id);
    if (ids.length) store.requestDetails(ids);
  }
}
