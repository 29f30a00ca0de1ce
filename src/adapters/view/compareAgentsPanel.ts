import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { agentTasksOf, findAgentTask, type AgentLane, type AgentTask } from '../../core/tasks/agentTask';
import { isActive, isTerminal } from '../../core/tasks/model';
import type { TaskStore } from '../../core/tasks/taskStore';
import { LaneLogBook, type LaneIdentity } from '../../core/logs/laneLogs';
import { CompareAgentsPage, readPageMessage, type PageMessage } from '../../core/view/compareAgentsHtml';
import { Disposable, toDisposable } from '../../core/util/disposable';
import { isAbortError } from '../../core/http/errors';
import { messageOf } from '../../core/util/errorMessage';
import type { ApiSession } from '../api/apiSession';
import type { Logger } from '../logger';

export interface CompareAgentsPanelsDeps {
  readonly session: ApiSession;
  readonly store: TaskStore;
  readonly logger: Logger;
  /** A button on the page was pressed (checked by readPageMessage): the caller runs the command. */
  readonly onMessage: (taskKey: string, message: PageMessage) => void;
  /** How often the page redraws while an agent runs (its time taken moves on). */
  readonly tickMs?: number;
}

/** What a caller (and a test) can see of one open Compare Agents panel. */
export interface CompareAgentsPanelHandle {
  readonly taskKey: string;
  /** The page as last rendered. */
  readonly html: string;
  dispose(): void;
}

const VIEW_TYPE = 'blackboxTasks.compareAgents';
const DEFAULT_TICK_MS = 5_000;
/** How long the store may take over the agents' details. */
const DETAILS_WAIT_MS = 10_000;
/** Log pieces and store changes arriving together become one redraw. */
const REDRAW_DELAY_MS = 150;

/**
 * Compare Agents: one webview panel per multi-agent task (opening it again reveals it). The
 * page is the pure renderer's (core/view/compareAgentsHtml): strict CSP, every API text
 * escaped, its own nonce'd script only. The panel follows each agent's log while it is open
 * (v1: each agent's run; Cloud: the task's one stream, split by agent) and redraws when the
 * store changes, patching the page on screen so the reader keeps their place. Buttons post a
 * message; nothing on the page runs a command itself.
 */
export class CompareAgentsPanels implements vscode.Disposable {
  private readonly panels = new Map<string, ComparePanel>();

  constructor(private readonly deps: CompareAgentsPanelsDeps) {}

  open(agentTask: AgentTask): CompareAgentsPanelHandle {
    const existing = this.panels.get(agentTask.key);
    if (existing) {
      existing.reveal();
      return existing.handle;
    }
    const panel = new ComparePanel(agentTask, this.deps, () => this.panels.delete(agentTask.key));
    this.panels.set(agentTask.key, panel);
    return panel.handle;
  }

  get(taskKey: string): CompareAgentsPanelHandle | undefined {
    return this.panels.get(taskKey)?.handle;
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) panel.dispose();
    this.panels.clear();
  }
}

class ComparePanel extends Disposable {
  readonly handle: CompareAgentsPanelHandle;
  private readonly panel: vscode.WebviewPanel;
  private readonly page = new CompareAgentsPage(() => randomBytes(16).toString('base64'));
  private readonly book: LaneLogBook;
  /** The stream followed for each lane (v1: by run id) or for the whole task (Cloud). */
  private readonly streams = new Map<string, { readonly runId: string; readonly controller: AbortController }>();
  /** v1 runs whose details (branch, pull request, error) were asked of the store. */
  private readonly detailed = new Set<string>();
  /** v1 runs whose answer was read from their details, once each run has finished. */
  private readonly answered = new Set<string>();
  private readonly answers = new AbortController();
  private redrawTimer: NodeJS.Timeout | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  /** Whether the page has been loaded once: until then an update loads it whole. */
  private loaded = false;
  private patched = false;
  private closed = false;

  constructor(
    private agentTask: AgentTask,
    private readonly deps: CompareAgentsPanelsDeps,
    private readonly onClosed: () => void,
  ) {
    super();
    this.book = new LaneLogBook(agentTask.lanes.map(identity), (text) => deps.session.redact(text));
    this.panel = vscode.window.createWebviewPanel(
      VIEW_TYPE,
      comparePanelTitle(agentTask),
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      {
        // Only for the page's own nonce'd script: it posts which button was pressed and swaps in updates.
        enableScripts: true,
        enableCommandUris: false,
        enableForms: false,
        localResourceRoots: [],
        enableFindWidget: true,
        retainContextWhenHidden: false,
      },
    );
    this.register(
      toDisposable(() => {
        this.panel.dispose();
      }),
    );
    this.register(this.panel.onDidDispose(() => this.dispose()));
    this.register(
      this.panel.onDidChangeViewState(() => {
        if (this.panel.visible) this.scheduleRedraw(0);
        // A hidden webview is rebuilt from `html` when shown again: give it the content it had.
        else if (this.patched) this.load(this.page.html);
      }),
    );
    this.register(
      this.panel.webview.onDidReceiveMessage((data: unknown) => {
        const message = readPageMessage(data);
        if (message) this.deps.onMessage(this.agentTask.key, message);
      }),
    );
    this.register(deps.store.onDidChange(() => this.refreshFromStore()));
    this.register(
      toDisposable(() => {
        for (const stream of this.streams.values()) stream.controller.abort();
        this.answers.abort();
        this.streams.clear();
        if (this.redrawTimer) clearTimeout(this.redrawTimer);
        if (this.tickTimer) clearTimeout(this.tickTimer);
      }),
    );

    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the handle's getters read this panel's live state, and a getter cannot be an arrow function
    const self = this;
    this.handle = {
      taskKey: agentTask.key,
      get html() {
        return self.page.html;
      },
      dispose: () => self.dispose(),
    };
    this.redraw();
    this.followLogs();
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
    this.refreshFromStore();
  }

  override dispose(): void {
    if (this.closed) return;
    this.closed = true;
    super.dispose();
    this.onClosed();
  }

  private refreshFromStore(): void {
    if (this.closed) return;
    const next = findAgentTask(agentTasksOf(this.deps.store.tasks()), this.agentTask.key);
    if (!next) return;
    this.agentTask = next;
    this.panel.title = comparePanelTitle(next);
    this.followLogs();
    this.scheduleRedraw();
  }

  /** Starts a stream for every lane (or the task) not followed yet, and restarts one whose run changed. */
  private followLogs(): void {
    const connection = this.deps.session.current();
    if (!connection || this.closed) return;
    if (this.agentTask.api === 'cloud') {
      for (const lane of this.agentTask.lanes) this.book.add(identity(lane));
      const run = this.agentTask.lanes[0]?.run;
      if (run && !this.streams.has(run.id)) this.stream(run.id, run.id, undefined);
      return;
    }
    for (const lane of this.agentTask.lanes) {
      const followed = this.streams.get(lane.key);
      if (followed?.runId === lane.run.id) continue;
      if (followed) {
        followed.controller.abort();
        this.book.restart(identity(lane));
      } else this.book.add(identity(lane));
      this.stream(lane.key, lane.run.id, lane.key);
    }
    for (const lane of this.agentTask.lanes) if (isTerminal(lane.status)) this.readAnswer(lane);
    // The v1 list has no branch, pull request or error: rows not drawn in the tree may not have their details yet.
    const missing = this.agentTask.lanes.map((lane) => lane.run.id).filter((id) => !this.detailed.has(id));
    if (missing.length > 0) {
      for (const id of missing) this.detailed.add(id);
      this.deps.store.ensureDetails(missing, DETAILS_WAIT_MS).catch((error: unknown) => {
        this.deps.logger.debug(`Compare Agents: details could not be loaded: ${messageOf(error)}`);
      });
    }
  }

  /**
   * A finished v1 run's answer, from its details: the chat holds every agent's messages, and the
   * run's `assistantMessageId` says which is this agent's.
   */
  private readAnswer(lane: AgentLane): void {
    const connection = this.deps.session.current();
    const runId = lane.run.id;
    if (!connection || this.answered.has(runId)) return;
    this.answered.add(runId);
    void connection.api.get(runId, { signal: this.answers.signal }).then(
      (details) => {
        if (this.closed || this.agentTask.lanes.find((l) => l.key === lane.key)?.run.id !== runId) return;
        const answer = details.messages.find(
          (message) =>
            message.role === 'assistant' && message.id !== undefined && message.id === details.assistantMessageId,
        );
        const text = answer?.parts
          .map((part) => (part.type === 'text' ? part.text : ''))
          .join('')
          .trim();
        if (text) {
          this.book.setAnswer(lane.key, text);
          this.scheduleRedraw();
        }
      },
      (error: unknown) => {
        if (!isAbortError(error))
          this.deps.logger.debug(`Compare Agents: the details of ${runId} could not be read: ${messageOf(error)}`);
      },
    );
  }

  /** Follows one stream into the book; `laneKey` undefined: the Cloud task's stream, split by agent. */
  private stream(streamKey: string, runId: string, laneKey: string | undefined): void {
    const connection = this.deps.session.current();
    if (!connection) return;
    const controller = new AbortController();
    this.streams.set(streamKey, { runId, controller });
    const finish = (state: 'ended' | 'unavailable'): void => {
      if (laneKey === undefined) this.book.finishAll(state);
      else this.book.finish(laneKey, state);
      this.scheduleRedraw();
    };
    void (async () => {
      try {
        for await (const event of connection.api.streamLogs(runId, { signal: controller.signal })) {
          if (controller.signal.aborted) return;
          if (laneKey === undefined) this.book.feedTask(event);
          else this.book.feed(laneKey, event);
          this.scheduleRedraw();
        }
        if (!controller.signal.aborted) finish('ended');
      } catch (error) {
        if (isAbortError(error) || controller.signal.aborted) return;
        this.deps.logger.warn(`Compare Agents: the log of ${runId} could not be read: ${messageOf(error)}`);
        finish('unavailable');
      }
    })();
  }

  private scheduleRedraw(delayMs = REDRAW_DELAY_MS): void {
    if (this.closed || this.redrawTimer) return;
    this.redrawTimer = setTimeout(() => {
      this.redrawTimer = undefined;
      this.redraw();
    }, delayMs);
  }

  private redraw(): void {
    if (this.closed) return;
    const update = this.page.update(
      this.agentTask,
      { now: Date.now(), logs: this.book.all() },
      this.loaded && this.panel.visible,
    );
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
    this.scheduleTick();
  }

  /** While an agent runs and the page is visible, its time taken moves on. */
  private scheduleTick(): void {
    if (this.tickTimer) clearTimeout(this.tickTimer);
    this.tickTimer = undefined;
    if (this.closed || !this.panel.visible || !this.agentTask.lanes.some((lane) => isActive(lane.status))) return;
    this.tickTimer = setTimeout(() => {
      this.tickTimer = undefined;
      this.scheduleRedraw(0);
    }, this.deps.tickMs ?? DEFAULT_TICK_MS);
  }

  private load(html: string): void {
    if (this.closed) return;
    this.patched = false;
    this.loaded = true;
    this.panel.webview.html = html;
  }
}

function identity(lane: AgentLane): LaneIdentity {
  return {
    key: lane.key,
    status: lane.status,
    ...(lane.agent !== undefined ? { agent: lane.agent } : {}),
    ...(lane.startedAt !== undefined ? { startedAt: lane.startedAt } : {}),
    ...(lane.completedAt !== undefined ? { completedAt: lane.completedAt } : {}),
  };
}

function comparePanelTitle(agentTask: AgentTask): string {
  const text = (agentTask.prompt ?? '').trim().split(/\r?\n/, 1)[0] ?? '';
  const label = text === '' ? agentTask.key : text;
  return vscode.l10n.t('Compare Agents: {0}', label.length > 40 ? `${label.slice(0, 39)}…` : label);
}
