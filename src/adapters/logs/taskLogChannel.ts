import * as vscode from 'vscode';
import { AppendBatcher } from '../../core/logs/appendBatcher';
import { isAbortError } from '../../core/http/errors';
import { systemClock } from '../../core/util/clock';
import { LogRenderer, renderLive } from '../../core/logs/logRenderer';
import { StreamingRedactor } from '../../core/logs/streamRedaction';
import type { LogStreamEvent } from '../../core/logs/logEvents';
import { isActive, isTerminal, type Task } from '../../core/tasks/model';
import { renderTaskHeader, taskTitle } from '../../core/logs/taskHeader';
import type { TaskStore } from '../../core/tasks/taskStore';
import type { TasksApi } from '../../core/api/tasksApi';
import { oneLine } from '../../core/util/untrustedText';
import type { ApiConnection, ApiSession } from '../api/apiSession';
import { presentError } from '../errorPresenter';
import { showWarning } from '../userMessages';
import type { Logger } from '../logger';
import type { LogChannelOutput, LogStreamEnd } from './logChannels';
import { messageOf } from '../../core/util/errorMessage';

export interface TaskLogChannelDeps {
  readonly session: ApiSession;
  readonly store: TaskStore;
  readonly logger: Logger;
  /** Append batching interval (the batcher's default when absent). */
  readonly batchIntervalMs?: number;
  /** Retry as the user asks for it: through the registry, so the channel also becomes the most recent. */
  readonly retry: () => Promise<void>;
  /** One agent of a Cloud task: only the log lines of this agent (and those that name none). */
  readonly onlyAgent?: string;
}

interface StreamRun {
  readonly controller: AbortController;
  /** Holds back the end of the text while it could be the start of the key, whatever the append batches. */
  readonly redactor: StreamingRedactor;
  /** The client it streams from: a new key or API setting means a new client. */
  readonly api: TasksApi | undefined;
}

/** One task's Output channel and the lifecycle of the stream that fills it. */
export class TaskLogChannel {
  private readonly batcher: AppendBatcher;
  private run: StreamRun | undefined;
  private lastEnd: LogStreamEnd | undefined;
  /** A stream has started before: starting another one clears the channel first. */
  private started = false;
  private stopped = false;

  constructor(
    /** The registry's key: the task id, or an agent's own key. */
    readonly key: string,
    readonly taskId: string,
    readonly name: string,
    private readonly output: LogChannelOutput,
    /** The task as last known, for the header when the store has forgotten it. */
    private task: Task,
    private readonly deps: TaskLogChannelDeps,
  ) {
    this.batcher = new AppendBatcher(
      (text) => this.write(text),
      deps.batchIntervalMs !== undefined ? { intervalMs: deps.batchIntervalMs } : {},
    );
  }

  /** Stopped for good (closed, or the extension stopped): it shows and streams nothing more. */
  get closed(): boolean {
    return this.stopped;
  }

  /** Brings the Output channel forward. */
  reveal(preserveFocus: boolean): void {
    this.output.show(preserveFocus);
  }

  /**
   * Shown again, with the task as now known: a failed stream starts over; so does a finished one
   * whose task runs again (a Cloud follow-up).
   */
  showAgain(known: Task | undefined): void {
    const task = known ?? this.task;
    this.task = task;
    const stale = this.lastEnd !== undefined && (this.lastEnd !== 'finished' || isActive(task.status));
    if (!this.run && stale) this.startStream(task);
  }

  /** Starts over from the beginning with the task as the store now knows it. */
  startOver(): void {
    this.startStream(this.deps.store.get(this.taskId) ?? this.task);
  }

  /** Starts the stream from the beginning on a cleared channel, stopping any current one first. */
  startStream(task: Task): void {
    this.run?.controller.abort();
    this.batcher.discard();
    // Starting over replays the whole log, so what is shown goes first: nothing appears twice.
    if (this.started) this.output.clear();
    this.started = true;
    this.task = task;
    delete this.lastEnd;
    const api = this.deps.session.current()?.api;
    const run: StreamRun = {
      controller: new AbortController(),
      api,
      redactor: new StreamingRedactor(() => this.deps.session.secrets()),
    };
    this.run = run;
    void this.pump(task, run)
      .catch((error: unknown) => {
        this.deps.logger.error(`The log stream of task ${this.taskId} failed unexpectedly: ${messageOf(error)}`);
        return 'failed' as const;
      })
      .then((end) => {
        if (this.run === run) {
          this.run = undefined;
          this.lastEnd = end;
        }
      });
  }

  /**
   * A new key or API setting means a new client: a running stream starts over on it (the
   * channel is cleared first, so nothing appears twice); without a key it stops.
   */
  connectionChanged(current: ApiConnection | undefined): void {
    const run = this.run;
    if (!run || run.api === current?.api) return;
    if (current) {
      this.deps.logger.debug(`Restarting the log stream of task ${this.taskId}: the API key or settings changed.`);
      this.startOver();
      return;
    }
    run.controller.abort();
    this.run = undefined;
    this.lastEnd = 'no-connection';
    this.batcher.append(run.redactor.end());
    this.batcher.append(`\n${vscode.l10n.t('— stopped: the API key was removed —')}\n`);
    this.batcher.flush();
    this.deps.logger.debug(`Stopped the log stream of task ${this.taskId}: the API key was removed.`);
  }

  /** Stops the stream for good; the Output channel itself goes with `disposeOutput`. */
  stop(why: string): void {
    this.stopped = true;
    if (this.run) this.deps.logger.debug(`Stopping the log stream of task ${this.taskId}: ${why}.`);
    this.run?.controller.abort();
    this.run = undefined;
    this.batcher.dispose();
  }

  disposeOutput(): void {
    try {
      this.output.dispose();
    } catch {
      // Already gone with the window.
    }
  }

  /** The stream as this channel shows it: one agent's lines only, when it is an agent's channel. */
  private async *ofAgent(events: AsyncIterable<LogStreamEvent>): AsyncIterable<LogStreamEvent> {
    const only = this.deps.onlyAgent?.toLowerCase();
    for await (const event of events)
      if (only === undefined || event.kind !== 'log' || !event.agent || event.agent.toLowerCase() === only) yield event;
  }

  private async pump(task: Task, run: StreamRun): Promise<LogStreamEnd> {
    const { signal } = run.controller;
    const write = (text: string) => {
      if (!signal.aborted && text.length > 0) this.batcher.append(run.redactor.push(text));
    };
    const flush = () => {
      if (!signal.aborted) this.batcher.append(run.redactor.end());
      this.batcher.flush();
    };
    write(renderTaskHeader(task));
    const { api } = run;
    if (!api) {
      write(`${vscode.l10n.t('— No BLACKBOX API key is set: set one to see this log. —')}\n`);
      flush();
      return 'no-connection';
    }
    const live = !isTerminal(task.status);
    // The Cloud API says when a task was created, not when it started: the duration then counts from creation.
    const startedAt = task.startedAt ?? task.createdAt;
    const renderer = new LogRenderer({
      ...(startedAt !== undefined ? { startedAt } : {}),
      ...(!live && task.completedAt !== undefined ? { completedAt: task.completedAt } : {}),
      ...(live ? { now: () => Date.now() } : {}),
      status: task.status,
      showAgents: this.deps.onlyAgent === undefined && (task.agentRuns?.length ?? 0) > 1,
    });
    this.deps.logger.debug(`Log stream of task ${task.id} starting (${api.kind} API).`);
    let end: LogStreamEnd = 'ended';
    let gaveUpReason: string | undefined;
    try {
      for await (const { event, text } of renderLive(this.ofAgent(api.streamLogs(task.id, { signal })), renderer, {
        clock: systemClock,
      })) {
        if (signal.aborted) return 'stopped';
        write(text);
        if (!event) continue;
        this.observe(event);
        if (event.kind === 'gave-up') {
          end = 'gave-up';
          gaveUpReason = event.reason;
        } else if (event.kind === 'finish' || (event.kind === 'status' && isTerminal(event.status))) {
          end = 'finished';
        }
      }
    } catch (error) {
      if (signal.aborted || isAbortError(error)) return 'stopped';
      write(renderer.end());
      write(
        `${vscode.l10n.t('— could not read the log: {0} —', oneLine(this.deps.session.redact(describeFailure(error)), 300))}\n`,
      );
      flush();
      this.logStats(task.id, renderer, 'failed');
      this.offerRetryAfterError(error);
      return 'failed';
    }
    if (signal.aborted) return 'stopped';
    write(renderer.end());
    if (end === 'ended') write(`${vscode.l10n.t('— the log ended without a final status —')}\n`);
    flush();
    this.logStats(task.id, renderer, end);
    if (end === 'gave-up') this.offerRetryAfterGivingUp(gaveUpReason ?? vscode.l10n.t('the connection kept failing'));
    return end;
  }

  /** The tree learns a status the moment the stream says it. */
  private observe(event: LogStreamEvent): void {
    const { store } = this.deps;
    const { taskId } = this;
    switch (event.kind) {
      case 'status':
        store.applyStatus(taskId, event.status, event.rawStatus, event.error);
        break;
      case 'finish':
        // A finish that names no status still means the task is done: ask the server what became of it.
        if (event.status === 'unknown' && event.rawStatus === undefined) void store.refresh().catch(() => undefined);
        else store.applyStatus(taskId, event.status, event.rawStatus ?? event.status);
        break;
      case 'start': {
        // Only a queued task moves on: a replayed start must not revive a finished one.
        const known = store.get(taskId);
        if (known && known.status === 'queued') store.applyStatus(taskId, 'running', 'running');
        break;
      }
      case 'reconnecting':
        this.deps.logger.info(
          `Log stream of task ${taskId} dropped (${event.reason}); reconnecting in ${event.delayMs} ms (attempt ${event.attempt}).`,
        );
        break;
      case 'gave-up':
        this.deps.logger.warn(`Log stream of task ${taskId} gave up: ${event.reason}`);
        break;
      case 'malformed':
        this.deps.logger.debug(`Log stream of task ${taskId}: skipped malformed data: ${event.sample}`);
        break;
      default:
        break;
    }
  }

  private logStats(taskId: string, renderer: LogRenderer, end: LogStreamEnd): void {
    const { events, unknown, malformed, unknownTypes, openToolCalls, heldChars } = renderer.stats;
    const types = Object.entries(unknownTypes)
      .map(([type, count]) => `${type} ×${count}`)
      .join(', ');
    this.deps.logger.debug(
      `Log stream of task ${taskId} ended (${end}): ${events} events, ${unknown} unknown${types ? ` (${types})` : ''}, ${malformed} malformed; ${openToolCalls} tool calls left open, ${heldChars} characters held back.`,
    );
  }

  private offerRetryAfterGivingUp(reason: string): void {
    const title = taskTitle(this.task, 60);
    const retry = vscode.l10n.t('Retry');
    const showLog = vscode.l10n.t('Show Log');
    void showWarning(
      vscode.l10n.t('The live log of “{0}” stopped: {1}', title, oneLine(this.deps.session.redact(reason), 200)),
      retry,
      showLog,
    ).then((choice) => {
      if (this.stopped) return;
      if (choice === retry) void this.deps.retry();
      else if (choice === showLog) this.output.show(true);
    });
  }

  private offerRetryAfterError(error: unknown): void {
    const title = taskTitle(this.task, 60);
    void presentError(error, vscode.l10n.t('Reading the log of “{0}”', title), {
      logger: this.deps.logger,
      redact: (text) => this.deps.session.redact(text),
      canRetry: true,
    }).then((retry) => {
      if (retry && !this.stopped) void this.deps.retry();
    });
  }

  private write(text: string): void {
    if (this.stopped) return;
    this.output.append(this.deps.session.redact(text));
  }
}

function describeFailure(error: unknown): string {
  if (error && typeof error === 'object' && typeof (error as { userMessage?: unknown }).userMessage === 'string') {
    return (error as { userMessage: string }).userMessage;
  }
  return messageOf(error);
}
