import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { describeError } from '../../core/view/errorDescription';
import { AuthError, NotFoundError, isAbortError } from '../../core/http/errors';
import { isActive, type Task, type TaskDetails } from '../../core/tasks/model';
import { DETAILS_PAGE_COMMANDS, DetailsPage } from '../../core/view/taskDetailsHtml';
import type { TaskStore } from '../../core/tasks/taskStore';
import type { ApiSession } from '../api/apiSession';
import type { Logger } from '../logger';

export interface TaskDetailsPanelsDeps {
  readonly session: ApiSession;
  readonly store: TaskStore;
  readonly logger: Logger;
  /** How often an open, visible panel of an active task re-fetches it. */
  readonly refreshMs?: number;
}

/** What a caller (and a test) can see of one open details panel. */
export interface TaskDetailsPanelHandle {
  readonly taskId: string;
  /** The page as last rendered. */
  readonly html: string;
  /** The details last fetched, if any. */
  readonly details: TaskDetails | undefined;
  /** Whether a refresh is scheduled (only while the panel is visible and the task active). */
  readonly refreshing: boolean;
  /** Resolves when the fetch under way (if any) has landed. */
  settled(): Promise<void>;
  dispose(): void;
}

const DEFAULT_REFRESH_MS = 4_000;
const VIEW_TYPE = 'blackboxTasks.taskDetails';

/**
 * Read-only task details, one webview panel per task (opening it again reveals it). The
 * page's only script is its own nonce'd one that swaps in new content (CSP
 * `default-src 'none'`), forms are off, command links are allowed only for Review Changes and
 * Apply Changes on the page's own task, and every API text is escaped by the pure renderer.
 * While the task is active and the panel visible it re-fetches every few seconds; a refresh
 * that brings nothing new leaves the page alone, and new content is patched in so the reader
 * keeps their place. Hidden, closed or finished, it stops.
 */
export class TaskDetailsPanels implements vscode.Disposable {
  private readonly panels = new Map<string, DetailsPanel>();

  constructor(private readonly deps: TaskDetailsPanelsDeps) {}

  open(task: Task): TaskDetailsPanelHandle {
    const existing = this.panels.get(task.id);
    if (existing) {
      existing.reveal();
      return existing.handle;
    }
    const panel = new DetailsPanel(task, this.deps, () => this.panels.delete(task.id));
    this.panels.set(task.id, panel);
    return panel.handle;
  }

  get(taskId: string): TaskDetailsPanelHandle | undefined {
    return this.panels.get(taskId)?.handle;
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) panel.dispose();
    this.panels.clear();
  }
}

class DetailsPanel {
  /**
   * What callers get: plain data and functions, no references into VS Code objects, so a
   * command returning it can be serialised when the workbench invoked the command.
   */
  readonly handle: TaskDetailsPanelHandle;
  private readonly panel: vscode.WebviewPanel;
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: { readonly controller: AbortController; readonly done: Promise<void> } | undefined;
  private closed = false;
  private lastDetails: TaskDetails | undefined;
  private lastFetchedAt: number | undefined;
  private lastError: string | undefined;
  private stopped = false;
  /** Whether the page has been loaded once: until then an update loads it whole. */
  private loaded = false;
  private readonly page = new DetailsPage(() => randomBytes(16).toString('base64'));
  /** The page on screen is older than `page.html` (patched since it loaded): load it anew when it is next hidden. */
  private patched = false;

  constructor(
    private task: Task,
    private readonly deps: TaskDetailsPanelsDeps,
    private readonly onClosed: () => void,
  ) {
    this.panel = vscode.window.createWebviewPanel(
      VIEW_TYPE,
      detailsPanelTitle(task),
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      {
        // Only for the page's own nonce'd script that swaps in refreshed content.
        enableScripts: true,
        // Only the two links the page renders for a task's branch; no other command can be run from it.
        enableCommandUris: DETAILS_PAGE_COMMANDS,
        enableForms: false,
        localResourceRoots: [],
        enableFindWidget: true,
        retainContextWhenHidden: false,
      },
    );
    this.subscriptions.push(
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.onDidChangeViewState(() => {
        if (this.panel.visible) this.scheduleRefresh(0);
        else {
          this.cancelTimer();
          // A hidden webview is rebuilt from `html` when shown again: give it the content it had.
          if (this.patched) this.load(this.page.html);
        }
      }),
    );
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the handle's getters read this panel's live state, and a getter cannot be an arrow function
    const self = this;
    this.handle = {
      taskId: task.id,
      get html() {
        return self.page.html;
      },
      get details() {
        return self.lastDetails;
      },
      get refreshing() {
        return self.timer !== undefined;
      },
      settled: async () => {
        await self.inFlight?.done;
      },
      dispose: () => self.dispose(),
    };
    this.render({ ...task, messages: [] });
    void this.fetch();
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
    // A reopened finished task is fetched once more: it may have been continued since.
    if (!this.inFlight) {
      this.stopped = false;
      void this.fetch();
    }
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.cancelTimer();
    this.inFlight?.controller.abort();
    for (const subscription of this.subscriptions) subscription.dispose();
    this.panel.dispose();
    this.onClosed();
  }

  private fetch(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.cancelTimer();
    const controller = new AbortController();
    const done = this.fetchOnce(controller.signal).finally(() => {
      if (this.inFlight?.controller === controller) this.inFlight = undefined;
      this.scheduleRefresh();
    });
    this.inFlight = { controller, done };
    return done;
  }

  private async fetchOnce(signal: AbortSignal): Promise<void> {
    const connection = this.deps.session.current();
    if (!connection) {
      this.lastError = vscode.l10n.t('No usable API key: set one with “BLACKBOX: Set API Key…”.');
      this.stopped = true;
      this.render();
      return;
    }
    try {
      const details = await connection.api.get(this.task.id, { signal });
      if (this.closed) return;
      this.lastDetails = details;
      this.lastFetchedAt = Date.now();
      this.lastError = undefined;
      const { messages: _messages, ...task } = details;
      this.task = task;
      this.deps.store.upsert(task);
      this.panel.title = detailsPanelTitle(task);
      this.stopped = !isActive(details.status);
    } catch (error) {
      if (isAbortError(error) || this.closed) return;
      const description = describeError(error, vscode.l10n.t('Refreshing the task'));
      this.lastError = this.deps.session.redact(description.message);
      this.deps.logger.warn(`Task details ${this.task.id}: ${this.lastError}`);
      // No retry cures a rejected key or a task that is gone.
      if (AuthError.is(error) || NotFoundError.is(error)) this.stopped = true;
    }
    this.render();
  }

  private render(initial?: TaskDetails): void {
    if (this.closed) return;
    const details = this.lastDetails ?? initial ?? { ...this.task, messages: [] };
    const active = isActive(details.status) && !this.stopped;
    const update = this.page.update(details, {
      pageOnScreen: this.loaded && this.panel.visible,
      ...(this.lastFetchedAt !== undefined ? { fetchedAt: this.lastFetchedAt } : {}),
      ...(active ? { refreshEverySeconds: Math.round(this.refreshMs / 1000) } : {}),
      ...(this.lastError ? { refreshError: this.lastError } : {}),
      branchActions: {
        reviewLabel: vscode.l10n.t('Review Changes'),
        applyLabel: vscode.l10n.t('Apply Changes…'),
      },
    });
    if (update.kind === 'load') this.load(update.html);
    else if (update.kind === 'patch') {
      this.patched = true;
      void this.panel.webview.postMessage({ type: 'update', body: update.body }).then(
        (delivered) => {
          if (!delivered && !this.closed) this.load(this.page.html);
        },
        () => undefined,
      );
    }
  }

  private load(html: string): void {
    if (this.closed) return;
    this.patched = false;
    this.loaded = true;
    this.panel.webview.html = html;
  }

  private get refreshMs(): number {
    return this.deps.refreshMs ?? DEFAULT_REFRESH_MS;
  }

  /** Only a visible panel of a task still active polls; `delayMs` 0 fetches at once. */
  private scheduleRefresh(delayMs = this.refreshMs): void {
    if (this.closed || this.stopped || this.inFlight || this.timer || !this.panel.visible) return;
    const status = this.lastDetails?.status ?? this.task.status;
    if (!isActive(status)) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.fetch();
    }, delayMs);
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function detailsPanelTitle(task: Task): string {
  const text = (task.title ?? task.prompt ?? '').trim().split(/\r?\n/, 1)[0] ?? '';
  const label = text === '' ? task.id : text;
  return vscode.l10n.t('Task: {0}', label.length > 40 ? `${label.slice(0, 39)}…` : label);
}
