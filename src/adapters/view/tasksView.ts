import * as vscode from 'vscode';
import type { TaskStatus } from '../../core/tasks/model';
import type { TaskListStore } from '../../core/tasks/taskStore';
import { Disposable, toDisposable } from '../../core/util/disposable';
import { describeFilter, isFilterActive, NO_FILTER, parseFilter, type TaskFilter } from '../../core/view/taskFilter';
import type { WorkspaceRemotes } from '../git/workspaceRemotes';
import type { Logger } from '../logger';
import type { TaskTreeNode } from './taskTreeNodes';
import { TaskTreeProvider } from './taskTreeProvider';
import { createTreeContextKeys } from './treeContextKeys';
import { neutraliseLinks } from '../../core/util/untrustedText';

export const TASKS_VIEW_ID = 'blackboxTasks.tasks';
const FILTER_STATE = 'blackboxTasks.filter';
const EXPANSION_STATE = 'blackboxTasks.groupExpansion';
/** How VS Code's TreeView.reveal says it could not place a row (the message is all it gives). */
const UNRESOLVED_TREE_ITEM = 'Cannot resolve tree item';
/** Relative times ("4 min ago") are redrawn this often while the view is visible. */
const CLOCK_REDRAW_MS = 60_000;

/** The Tasks tree view as other parts of the extension (and tests) drive it. */
export interface TasksView extends vscode.Disposable {
  /** Creates the tree view, draws its first frame (description, message, badge, context keys) and tells the store whether it is seen; after activation. */
  start(): void;
  /** Selects and shows a task's row (expanding its group); a row VS Code cannot place yet is skipped, not an error. */
  reveal(taskId: string): Promise<void>;
  /** The user has looked at this task: it no longer counts in the view's badge. */
  markSeen(taskId: string): void;
  /** Refreshes now with progress in the view; problems show in the view, never as a notification. */
  refresh(): Promise<void>;
  /** Appends the next page; rejects with the API error so the command can show it. */
  loadMore(): Promise<void>;
  filter(): TaskFilter;
  /** Changes part of the filter (scope, text, statuses) and redraws. */
  setFilter(change: Partial<TaskFilter>): void;
  clearFilter(): void;
}

export interface TasksViewDeps {
  readonly extension: vscode.ExtensionContext;
  readonly store: TaskListStore;
  readonly remotes: WorkspaceRemotes;
  readonly logger: Logger;
}

/**
 * The Tasks tree view over the store: the tree, its title-bar description, message and badge,
 * the context keys its menus read, and the user's filter and expand/collapse choices. It builds
 * nothing it does not draw; extension.ts composes the store and everything else around it.
 */
export function createTasksView(deps: TasksViewDeps): TasksView {
  const { extension, logger, store, remotes } = deps;
  const owned = new Disposable();

  let filter = parseFilter(extension.workspaceState.get(FILTER_STATE));
  // Read from workspace state each time (an in-memory read), so what is stored is what is drawn.
  const expansion = (): Record<string, boolean> =>
    extension.workspaceState.get<Record<string, boolean>>(EXPANSION_STATE) ?? {};
  const unseen = new Set<string>();

  const provider = owned.register(
    new TaskTreeProvider({
      store,
      filter: () => filter,
      repositories: () => remotes.keys(),
      repositoriesProblem: () => remotes.unavailableReason(),
      groupExpanded: (status: TaskStatus) => expansion()[status],
      now: () => Date.now(),
    }),
  );
  // Created when the view starts, just after activation returns: VS Code waits for the
  // extension's provider after activating it, so creating it here would only lengthen activate().
  let treeView: vscode.TreeView<TaskTreeNode> | undefined;

  const setContext = createTreeContextKeys();

  const updateActivity = (): void => {
    store.setActivity({
      viewVisible: treeView?.visible ?? false,
      windowFocused: vscode.window.state.focused,
    });
  };

  let progressShown = false;
  const showInitialProgress = (): void => {
    const status = store.status();
    if (progressShown || !status.refreshing || status.state !== 'loading') return;
    progressShown = true;
    void vscode.window.withProgress(
      { location: { viewId: TASKS_VIEW_ID } },
      () =>
        new Promise<void>((resolve) => {
          const subscription = store.onDidChangeStatus(() => {
            if (store.status().refreshing) return;
            subscription.dispose();
            progressShown = false;
            resolve();
          });
        }),
    );
  };

  const updateFrame = (): void => {
    const status = store.status();
    const parts = [describeFilter(filter)];
    if (status.stale) parts.push(vscode.l10n.t('cached, updating…'));
    const description = parts.filter(Boolean).join(' · ');
    if (!treeView) return;
    treeView.description = description || undefined;
    const repositoryProblem = filter.scope === 'repository' ? remotes.unavailableReason() : undefined;
    const message = status.problem ?? repositoryProblem;
    treeView.message = message === undefined ? undefined : neutraliseLinks(message);
    treeView.badge = unseen.size
      ? {
          value: unseen.size,
          tooltip:
            unseen.size === 1
              ? vscode.l10n.t('1 finished task not looked at yet')
              : vscode.l10n.t('{0} finished tasks not looked at yet', unseen.size),
        }
      : undefined;
    setContext('blackboxTasks.state', status.state);
    setContext('blackboxTasks.filterActive', isFilterActive(filter));
    setContext('blackboxTasks.scope', filter.scope);
    showInitialProgress();
  };

  const markSeen = (taskId: string): void => {
    if (unseen.delete(taskId)) updateFrame();
  };

  const applyFilter = (next: TaskFilter): void => {
    filter = next;
    void extension.workspaceState.update(FILTER_STATE, filter);
    if (filter.scope === 'repository') remotes.start();
    provider.refreshAll();
    updateFrame();
  };

  const rememberExpansion = (node: TaskTreeNode, expanded: boolean): void => {
    if (node.kind !== 'group') return;
    void extension.workspaceState.update(EXPANSION_STATE, { ...expansion(), [node.status]: expanded });
  };

  owned.register(store.onDidChangeStatus(updateFrame));
  owned.register(
    store.onDidFinish((tasks) => {
      for (const task of tasks) unseen.add(task.id);
      updateFrame();
    }),
  );
  owned.register(
    store.onDidChange((change) => {
      if ('all' in change) unseen.clear();
      else for (const id of change.ids) if (!store.get(id)) unseen.delete(id);
    }),
  );
  owned.register(
    remotes.onDidChange(() => {
      provider.refreshAll();
      updateFrame();
    }),
  );
  owned.register(vscode.window.onDidChangeWindowState(updateActivity));
  const clockRedraw = setInterval(() => {
    if (treeView?.visible) provider.refreshAll();
  }, CLOCK_REDRAW_MS);
  owned.register(toDisposable(() => clearInterval(clockRedraw)));

  const startedTreeView = (): vscode.TreeView<TaskTreeNode> => {
    if (treeView) return treeView;
    const created = owned.register(
      vscode.window.createTreeView<TaskTreeNode>(TASKS_VIEW_ID, { treeDataProvider: provider, showCollapseAll: true }),
    );
    treeView = created;
    owned.register(
      vscode.Disposable.from(
        created.onDidChangeVisibility(updateActivity),
        created.onDidChangeSelection((event) => {
          for (const node of event.selection) if (node.kind === 'task') markSeen(node.taskId);
        }),
        created.onDidExpandElement((event) => rememberExpansion(event.element, true)),
        created.onDidCollapseElement((event) => rememberExpansion(event.element, false)),
      ),
    );
    if (filter.scope === 'repository') remotes.start();
    updateActivity();
    updateFrame();
    return created;
  };

  const view: TasksView = {
    start: () => {
      startedTreeView();
    },
    async reveal(taskId: string): Promise<void> {
      const shown = startedTreeView();
      provider.flush();
      const node = provider.nodeOf(taskId);
      if (!node) return;
      try {
        await shown.reveal(node, { select: true, focus: false, expand: true });
      } catch (error) {
        // VS Code places a row through its parents as it has drawn them; one it has not drawn yet
        // cannot be placed. The row shows when the tree is next drawn, so there is nothing to report.
        const message = error instanceof Error ? error.message : String(error);
        if (!message.includes(UNRESOLVED_TREE_ITEM)) throw error;
        logger.debug(`Task ${taskId} was not revealed: its row is not drawn yet (${message}).`);
      }
    },
    markSeen,
    refresh: () =>
      Promise.resolve(vscode.window.withProgress({ location: { viewId: TASKS_VIEW_ID } }, () => store.refresh())),
    loadMore: () => store.loadMore(),
    filter: () => filter,
    setFilter: (change) => applyFilter(parseFilter({ ...filter, ...change })),
    clearFilter: () => applyFilter(NO_FILTER),
    dispose: () => owned.dispose(),
  };
  return view;
}
