// Reads the Tasks view the way VS Code does, for integration tests and the activation benchmark:
// its TreeDataProvider through getChildren/getTreeItem/resolveTreeItem, its title-bar
// description, message and badge from the TreeView, the status bar item's text. Works by
// wrapping the `vscode.window` factories the extension calls (test files receive the same
// `vscode` API object as the extension; see contextKeySpy), installed before activation.
// Also lets a test pretend the view is visible or the window focused, by changing what
// VS Code reports (TreeView.visible, window.state.focused) and firing the matching events.
import * as vscode from 'vscode';
import type { TaskFilter } from '../../src/core/view/taskFilter';
import type { StoreState } from '../../src/core/tasks/taskStore';
import type { TaskTreeNode } from '../../src/adapters/view/taskTreeNodes';
import type { BlackboxTasksTestApi } from '../../src/extension';
import type { FinishedNotice } from '../../src/core/tasks/finishedTasks';

const TASKS_VIEW_ID = 'blackboxTasks.tasks';
const STATUS_BAR_ID = 'blackboxTasks.active';

/** The tree as plain data, what a test (or a screen reader) would see. */
export interface TreeRowSnapshot {
  readonly id: string;
  readonly taskId?: string;
  /** Agent rows: the agent within the task. */
  readonly laneKey?: string;
  readonly label: string;
  readonly description: string;
  readonly contextValue: string;
  readonly icon?: string;
  readonly command?: string;
  /** The hover as VS Code receives it once resolved. */
  readonly tooltip?: TooltipSnapshot;
  readonly children: readonly TreeRowSnapshot[];
}

export interface TooltipSnapshot {
  readonly markdown: string;
  readonly trusted: boolean;
  readonly supportHtml: boolean;
  readonly supportThemeIcons: boolean;
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

/** What a snapshot reads: the tree as VS Code sees it. */
interface TreeItemSource {
  getChildren(element?: TaskTreeNode): TaskTreeNode[];
  getTreeItem(element: TaskTreeNode): vscode.TreeItem;
  resolveTreeItem?(item: vscode.TreeItem, element: TaskTreeNode): vscode.TreeItem;
}

function treeSnapshot(tree: TreeItemSource): TreeSnapshot {
  const groups: TreeGroupSnapshot[] = [];
  const extraRows: TreeRowSnapshot[] = [];
  for (const root of tree.getChildren()) {
    if (root.kind === 'group') {
      const item = tree.getTreeItem(root);
      groups.push({
        id: root.id,
        label: root.label,
        count: root.count,
        expanded: item.collapsibleState === vscode.TreeItemCollapsibleState.Expanded,
        rows: tree.getChildren(root).map((node) => rowSnapshot(tree, node)),
      });
    } else {
      extraRows.push(rowSnapshot(tree, root));
    }
  }
  return { groups, extraRows };
}

function rowSnapshot(tree: TreeItemSource, node: TaskTreeNode): TreeRowSnapshot {
  const drawn = tree.getTreeItem(node);
  const item = tree.resolveTreeItem ? tree.resolveTreeItem(drawn, node) : drawn;
  const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
  const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip : undefined;
  return {
    id: node.id,
    ...(node.kind === 'task' ? { taskId: node.taskId } : {}),
    ...(node.kind === 'agent' ? { taskId: node.taskId, laneKey: node.laneKey } : {}),
    label,
    description: typeof item.description === 'string' ? item.description : '',
    contextValue: item.contextValue ?? '',
    ...(item.iconPath instanceof vscode.ThemeIcon ? { icon: item.iconPath.id } : {}),
    ...(item.command ? { command: item.command.command } : {}),
    ...(tooltip
      ? {
          tooltip: {
            markdown: tooltip.value,
            trusted: tooltip.isTrusted !== undefined && tooltip.isTrusted !== false,
            supportHtml: tooltip.supportHtml === true,
            supportThemeIcons: tooltip.supportThemeIcons === true,
          },
        }
      : {}),
    children: node.kind === 'task' ? tree.getChildren(node).map((child) => rowSnapshot(tree, child)) : [],
  };
}

/** The Tasks view as plain data: what is drawn and what frames it. */
export interface TasksViewSnapshot extends TreeSnapshot {
  readonly state: StoreState;
  readonly stale: boolean;
  readonly description: string | undefined;
  readonly message: string | undefined;
  readonly badge: number;
  readonly filter: TaskFilter;
  /** What the status bar item shows (undefined while hidden). */
  readonly statusBar: string | undefined;
}

interface Override {
  readonly visible?: boolean;
  readonly focused?: boolean;
}

type TaskTreeProviderLike = vscode.TreeDataProvider<TaskTreeNode> &
  TreeItemSource & { flush?(): void; refreshAll?(): void };

let installed = false;
let provider: TaskTreeProviderLike | undefined;
let treeView: vscode.TreeView<TaskTreeNode> | undefined;
let viewCreated: () => void = () => undefined;
const created = new Promise<void>((resolve) => {
  viewCreated = resolve;
});
let statusBarText: string | undefined;
let override: Override | undefined;
const visibilityChanged = new vscode.EventEmitter<vscode.TreeViewVisibilityChangeEvent>();
const windowStateChanged = new vscode.EventEmitter<vscode.WindowState>();

/** Calls `listener` on the real event and on the test's, as one event. */
function merged<T>(real: vscode.Event<T>, ours: vscode.Event<T>): vscode.Event<T> {
  return (listener, thisArgs, disposables) => {
    const both = vscode.Disposable.from(real(listener, thisArgs), ours(listener, thisArgs));
    disposables?.push(both);
    return both;
  };
}

export function installTasksViewSpy(): void {
  if (installed) return;
  installed = true;
  const window = vscode.window;

  const createTreeView = window.createTreeView.bind(window);
  const treeViewSpy = <T>(viewId: string, options: vscode.TreeViewOptions<T>): vscode.TreeView<T> => {
    const real = createTreeView(viewId, options);
    if (viewId !== TASKS_VIEW_ID) return real;
    provider = options.treeDataProvider as unknown as TaskTreeProviderLike;
    const onDidChangeVisibility = merged(real.onDidChangeVisibility, visibilityChanged.event);
    const wrapped = new Proxy(real, {
      get(target, property) {
        if (property === 'visible') return override?.visible ?? target.visible;
        if (property === 'onDidChangeVisibility') return onDidChangeVisibility;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
      set(target, property, value) {
        return Reflect.set(target, property, value, target);
      },
    });
    treeView = wrapped as unknown as vscode.TreeView<TaskTreeNode>;
    viewCreated();
    return wrapped;
  };
  Object.defineProperty(window, 'createTreeView', { value: treeViewSpy, configurable: true, writable: true });

  const createStatusBarItem = window.createStatusBarItem.bind(window) as (...args: unknown[]) => vscode.StatusBarItem;
  const statusBarSpy = (...args: unknown[]): vscode.StatusBarItem => {
    const real = createStatusBarItem(...args);
    if (args[0] !== STATUS_BAR_ID) return real;
    return new Proxy(real, {
      get(target, property) {
        if (property === 'show')
          return () => {
            statusBarText = target.text;
            target.show();
          };
        if (property === 'hide' || property === 'dispose')
          return () => {
            statusBarText = undefined;
            if (property === 'hide') target.hide();
            else target.dispose();
          };
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
      set(target, property, value) {
        return Reflect.set(target, property, value, target);
      },
    });
  };
  Object.defineProperty(window, 'createStatusBarItem', { value: statusBarSpy, configurable: true, writable: true });

  const stateOf = Object.getOwnPropertyDescriptor(window, 'state');
  const realState = (): vscode.WindowState =>
    (stateOf?.get ? stateOf.get.call(window) : stateOf?.value) as vscode.WindowState;
  Object.defineProperty(window, 'state', {
    get: (): vscode.WindowState => {
      const state = realState();
      return override?.focused === undefined ? state : { ...state, focused: override.focused };
    },
    configurable: true,
  });
  const onDidChangeWindowState = merged(window.onDidChangeWindowState, windowStateChanged.event);
  Object.defineProperty(window, 'onDidChangeWindowState', {
    value: onDidChangeWindowState,
    configurable: true,
    writable: true,
  });
  if (window.createTreeView !== treeViewSpy)
    throw new Error('cannot observe the tree view: vscode.window is not writable');
}

function captured(): { provider: TaskTreeProviderLike; treeView: vscode.TreeView<TaskTreeNode> } {
  if (!provider || !treeView)
    throw new Error(
      'no Tasks view since installTasksViewSpy(): the extension activated before it, or its view has not started yet (await tasksViewCreated())',
    );
  return { provider, treeView };
}

/** Resolves once the extension has created its Tasks view (just after activate() returns). */
export function tasksViewCreated(): Promise<void> {
  return created;
}

/**
 * Pretends the view is (in)visible or the window (un)focused, as VS Code would report it;
 * undefined goes back to the real state. The view hears it through the events it listens to.
 */
export function setActivityOverride(next: Override | undefined): void {
  override = next;
  const { treeView: view } = captured();
  visibilityChanged.fire({ visible: view.visible });
  windowStateChanged.fire(vscode.window.state);
}

/** Whether VS Code reports the Tasks view visible and the window focused (what the view tells the store). */
export function tasksViewShown(): boolean {
  return captured().treeView.visible && vscode.window.state.focused;
}

/** The Tasks view now: pending changes applied first (as the next redraw would), then read as VS Code reads it. */
export function readTasksView(api: BlackboxTasksTestApi): TasksViewSnapshot {
  const { provider: tree, treeView: view } = captured();
  tree.flush?.();
  // The view's own source of these: the store's status.
  const status = api.store.status();
  const badge = view.badge?.value ?? 0;
  return {
    ...treeSnapshot(tree),
    state: status.state,
    stale: status.stale,
    description: view.description,
    message: view.message,
    badge,
    filter: api.view.filter(),
    statusBar: statusBarText,
  };
}

/** What the tree asked VS Code to redraw: node ids (`task:…`, `group:…`), or undefined for the whole tree. */
export function onDidRedraw(listener: (ids: readonly string[] | undefined) => void): vscode.Disposable {
  const { provider: tree } = captured();
  if (!tree.onDidChangeTreeData) throw new Error('the Tasks view fires no changes');
  return tree.onDidChangeTreeData((nodes) => {
    listener(
      nodes === undefined || nodes === null
        ? undefined
        : (Array.isArray(nodes) ? nodes : [nodes]).map((node: TaskTreeNode) => node.id),
    );
  });
}

/** Forgets the user's expand/collapse choices, so groups open by default again (tests start from it). */
export async function forgetExpansion(api: BlackboxTasksTestApi): Promise<void> {
  await api.workspaceState.update('blackboxTasks.groupExpansion', undefined);
  captured().provider.refreshAll?.();
}

/** The finished-task notices shown from now on: the presenter is wrapped (and still shows them) until restore(). */
export function recordNotices(api: BlackboxTasksTestApi): { readonly shown: FinishedNotice[]; restore(): void } {
  const shown: FinishedNotice[] = [];
  const presenter = api.notices;
  const original = presenter.show;
  presenter.show = (notice) => {
    shown.push(notice);
    return original.call(api.notices, notice);
  };
  return {
    shown,
    restore: () => {
      presenter.show = original;
    },
  };
}
