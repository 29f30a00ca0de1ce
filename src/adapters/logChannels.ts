import * as vscode from 'vscode';
import { AppendBatcher } from '../core/appendBatcher';
import { isAbortError } from '../core/errors';
import { LogRenderer } from '../core/logRenderer';
import type { LogStreamEvent } from '../core/logEvents';
import { isActive, isTerminal, type Task } from '../core/model';
import { channelTitle, renderTaskHeader, taskTitle } from '../core/taskHeader';
import type { TaskStore } from '../core/taskStore';
import type { TasksApi } from '../core/tasksApi';
import { oneLine } from '../core/untrustedText';
import type { ApiSession } from './apiSession';
import { presentError } from './errorPresenter';
import type { Logger } from './logger';

/** The part of an Output channel a task log uses; injectable so tests can watch it. */
export interface LogChannelOutput {
  append(text: string): void;
  clear(): void;
  show(preserveFocus: boolean): void;
  dispose(): void;
}

export type LogChannelFactory = (name: string) => LogChannelOutput;

/** How a task's stream ended (or why it is not running). */
export type LogStreamEnd =
  /** A finish event or a terminal status: the whole log is shown. */
  | 'finished'
  /** Reconnects exhausted; Retry is offered. */
  | 'gave-up'
  /** The server refused the stream (401, 404 …); Retry is offered. */
  | 'failed'
  /** No key, or the key or API settings changed under it. */
  | 'no-connection'
  | 'stopped'
  /** The stream ended without saying how the task ended. */
  | 'ended';

/** What a test (or a benchmark) can see of one task's channel. */
export interface LogChannelState {
  readonly taskId: string;
  readonly name: string;
  readonly streaming: boolean;
  readonly lastEnd?: LogStreamEnd;
  /** Log events rendered by the latest stream. */
  readonly events: number;
  /** Calls to the channel's append (each one IPC message) since the channel was last cleared. */
  readonly appends: number;
  /** Characters appended since the channel was last cleared. */
  readonly chars: number;
  /** How often the stream was started over (Retry, re-show after a failure). */
  readonly restarts: number;
}

export interface ShowLogOptions {
  readonly preserveFocus?: boolean;
  /** The task as the caller knows it, when the store may not know it yet (just created). */
  readonly task?: Task;
}

/** One Output channel per followed task, streaming its log. */
export interface LogChannels extends vscode.Disposable {
  /** Opens (or reuses) the task's channel, starts streaming if needed, and shows it. */
  show(taskId: string, options?: ShowLogOptions): Promise<void>;
  /** Shows a task's log without taking focus, if the user wants logs followed (`blackboxTasks.followLogs`). */
  follow(task: string | Task): void;
  /** Stops and starts the task's stream over: the channel is cleared and the whole log replayed. */
  retry(taskId: string): Promise<void>;
  /** Closes the task's channel and stops its stream. */
  close(taskId: string): void;
  isStreaming(taskId: string): boolean;
  /** The name of the task's open channel. */
  channelName(taskId: string): string | undefined;
  /** Tasks with an open channel, least recently shown first. */
  openTaskIds(): readonly string[];
  state(taskId: string): LogChannelState | undefined;
  /** Resolves when the task's current stream has ended (at once when none runs). */
  whenStreamEnds(taskId: string): Promise<LogStreamEnd | undefined>;
  /**
   * Keeps the last `maxChars` characters written to each channel from now on, for
   * `textOf` (an Output channel's text cannot be read back through the API).
   */
  recordTranscripts(maxChars?: number): void;
  /** What was written to the task's channel since it was last cleared (needs recordTranscripts). */
  textOf(taskId: string): string | undefined;
}

export interface LogChannelsDeps {
  readonly extension: vscode.ExtensionContext;
  readonly session: ApiSession;
  readonly store: TaskStore;
  readonly logger: Logger;
  readonly createChannel?: LogChannelFactory;
  /** Append batching interval (default 75 ms). */
  readonly batchIntervalMs?: number;
}

const DEFAULT_MAX_CHANNELS = 6;
/** How long opening a channel may wait for a task's details (its title names the channel). */
const DETAILS_WAIT_MS = 2500;
const DEFAULT_TRANSCRIPT_CHARS = 4_000_000;

interface StreamRun {
  readonly controller: AbortController;
  /** The client it streams from: a new key or API setting means a new client. */
  readonly api: TasksApi | undefined;
  done?: Promise<LogStreamEnd>;
}

interface TaskLog {
  readonly taskId: string;
  readonly name: string;
  readonly output: LogChannelOutput;
  readonly batcher: AppendBatcher;
  /** The task as last known, for the header when the store has forgotten it. */
  task: Task;
  run?: StreamRun;
  lastEnd?: LogStreamEnd;
  /** Log events rendered by the latest stream. */
  events: number;
  appends: number;
  chars: number;
  restarts: number;
  transcript?: string;
  disposed: boolean;
}

export function createLogChannels(deps: LogChannelsDeps): LogChannels {
  return new TaskLogChannels(deps);
}

class TaskLogChannels implements LogChannels {
  /** Open channels; map order is recency of showing, least recent first. */
  private readonly logs = new Map<string, TaskLog>();
  private readonly opening = new Map<string, Promise<TaskLog | undefined>>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly createChannel: LogChannelFactory;
  private transcriptChars = 0;
  private disposed = false;

  constructor(private readonly deps: LogChannelsDeps) {
    this.createChannel = deps.createChannel ?? ((name) => vscode.window.createOutputChannel(name));
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('blackboxTasks.maxLogChannels')) this.enforceCap(undefined);
      }),
      deps.session.onDidChange(() => this.connectionChanged()),
    );
  }

  async show(taskId: string, options: ShowLogOptions = {}): Promise<void> {
    const log = await this.open(taskId, options.task);
    if (!log || log.disposed) return;
    log.output.show(options.preserveFocus ?? false);
  }

  follow(task: string | Task): void {
    if (!vscode.workspace.getConfiguration('blackboxTasks').get<boolean>('followLogs', true)) return;
    const id = typeof task === 'string' ? task : task.id;
    void this.show(id, { preserveFocus: true, ...(typeof task === 'string' ? {} : { task }) }).catch((error: unknown) => {
      this.deps.logger.warn(`Could not follow the log of task ${id}: ${messageOf(error)}`);
    });
  }

  async retry(taskId: string): Promise<void> {
    const log = this.logs.get(taskId);
    if (!log) {
      await this.show(taskId, { preserveFocus: true });
      return;
    }
    this.touch(log);
    this.startStream(log, this.deps.store.get(taskId) ?? log.task);
    log.output.show(true);
  }

  close(taskId: string): void {
    const log = this.logs.get(taskId);
    if (log) this.closeLog(log, 'closed');
  }

  isStreaming(taskId: string): boolean {
    return this.logs.get(taskId)?.run !== undefined;
  }

  channelName(taskId: string): string | undefined {
    return this.logs.get(taskId)?.name;
  }

  openTaskIds(): readonly string[] {
    return [...this.logs.keys()];
  }

  state(taskId: string): LogChannelState | undefined {
    const log = this.logs.get(taskId);
    if (!log) return undefined;
    return {
      taskId,
      name: log.name,
      streaming: log.run !== undefined,
      ...(log.lastEnd ? { lastEnd: log.lastEnd } : {}),
      events: log.events,
      appends: log.appends,
      chars: log.chars,
      restarts: log.restarts,
    };
  }

  async whenStreamEnds(taskId: string): Promise<LogStreamEnd | undefined> {
    await this.opening.get(taskId);
    const log = this.logs.get(taskId);
    if (!log) return undefined;
    if (!log.run) return log.lastEnd;
    await log.run.done;
    // A retry may have started another run meanwhile.
    return log.run ? this.whenStreamEnds(taskId) : log.lastEnd;
  }

  recordTranscripts(maxChars = DEFAULT_TRANSCRIPT_CHARS): void {
    this.transcriptChars = Math.max(0, maxChars);
    for (const log of this.logs.values()) {
      if (this.transcriptChars === 0) delete log.transcript;
      else log.transcript ??= '';
    }
  }

  textOf(taskId: string): string | undefined {
    const transcript = this.logs.get(taskId)?.transcript;
    return transcript === undefined ? undefined : transcript.slice(-this.transcriptChars);
  }

  dispose(): void {
    this.disposed = true;
    for (const log of [...this.logs.values()]) this.closeLog(log, 'the extension stopped');
    for (const subscription of this.subscriptions) subscription.dispose();
  }

  // --- opening and closing channels -----------------------------------------

  private async open(taskId: string, given: Task | undefined): Promise<TaskLog | undefined> {
    const existing = this.logs.get(taskId);
    if (existing) {
      this.touch(existing);
      const task = given ?? this.deps.store.get(taskId) ?? existing.task;
      existing.task = task;
      // A failed stream starts over when shown again; so does a finished one whose task runs again (a Cloud follow-up).
      const stale = existing.lastEnd !== undefined && (existing.lastEnd !== 'finished' || isActive(task.status));
      if (!existing.run && stale) this.startStream(existing, task);
      return existing;
    }
    const pending = this.opening.get(taskId);
    if (pending) return pending;
    const opening = this.openNew(taskId, given).finally(() => this.opening.delete(taskId));
    this.opening.set(taskId, opening);
    return opening;
  }

  private async openNew(taskId: string, given: Task | undefined): Promise<TaskLog | undefined> {
    const task = await this.describe(taskId, given);
    if (this.disposed) return undefined;
    const name = this.uniqueName(channelTitle(task), taskId);
    const output = this.createChannel(name);
    const log: TaskLog = {
      taskId,
      name,
      output,
      task,
      events: 0,
      appends: 0,
      chars: 0,
      restarts: -1,
      disposed: false,
      batcher: new AppendBatcher((text) => this.write(log, text), this.deps.batchIntervalMs !== undefined ? { intervalMs: this.deps.batchIntervalMs } : {}),
    };
    if (this.transcriptChars > 0) log.transcript = '';
    this.logs.set(taskId, log);
    this.enforceCap(taskId);
    this.startStream(log, task);
    return log;
  }

  /**
   * The task as well as it can be known quickly: the list may lack its prompt (Agent API
   * v1), which names the channel and heads the log, so its details are fetched, briefly.
   */
  private async describe(taskId: string, given: Task | undefined): Promise<Task> {
    const known = given ?? this.deps.store.get(taskId);
    const connection = this.deps.session.current();
    const fallback: Task = known ?? { id: taskId, api: connection?.kind ?? 'agent', status: 'unknown', rawStatus: '' };
    if (fallback.prompt !== undefined || fallback.title !== undefined || !connection) return fallback;
    const signal = AbortSignal.timeout(DETAILS_WAIT_MS);
    try {
      const { messages: _messages, ...details } = await connection.api.get(taskId, { signal });
      return { ...fallback, ...details };
    } catch (error) {
      this.deps.logger.debug(`Opening the log of task ${taskId} without its details: ${messageOf(error)}`);
      return fallback;
    }
  }

  private uniqueName(name: string, taskId: string): string {
    const taken = new Set([...this.logs.values()].map((log) => log.name));
    return taken.has(name) ? `${name} (${oneLine(taskId.slice(0, 8), 8)})` : name;
  }

  private touch(log: TaskLog): void {
    this.logs.delete(log.taskId);
    this.logs.set(log.taskId, log);
  }

  /** Closes the least recently shown channels beyond the setting (never the one being opened). */
  private enforceCap(keep: string | undefined): void {
    const configured = vscode.workspace.getConfiguration('blackboxTasks').get<number>('maxLogChannels', DEFAULT_MAX_CHANNELS);
    const max = Number.isFinite(configured) ? Math.max(1, Math.floor(configured)) : DEFAULT_MAX_CHANNELS;
    for (const log of [...this.logs.values()]) {
      if (this.logs.size <= max) break;
      if (log.taskId !== keep) this.closeLog(log, `more than ${max} log channels are open`);
    }
  }

  private closeLog(log: TaskLog, why: string): void {
    if (log.disposed) return;
    log.disposed = true;
    if (log.run) this.deps.logger.debug(`Stopping the log stream of task ${log.taskId}: ${why}.`);
    log.run?.controller.abort();
    log.run = undefined;
    log.batcher.dispose();
    if (this.logs.get(log.taskId) === log) this.logs.delete(log.taskId);
    try {
      log.output.dispose();
    } catch {
      // Already gone with the window.
    }
  }

  // --- streaming -------------------------------------------------------------

  /** Starts the stream from the beginning on a cleared channel, stopping any current one first. */
  private startStream(log: TaskLog, task: Task): void {
    log.run?.controller.abort();
    log.batcher.discard();
    if (log.restarts >= 0) {
      // Starting over replays the whole log, so what is shown goes first: nothing appears twice.
      log.output.clear();
      log.appends = 0;
      log.chars = 0;
      if (log.transcript !== undefined) log.transcript = '';
    }
    log.restarts++;
    log.task = task;
    delete log.lastEnd;
    const api = this.deps.session.current()?.api;
    log.events = 0;
    const run: StreamRun = { controller: new AbortController(), api };
    log.run = run;
    run.done = this.pump(log, task, run)
      .catch((error: unknown) => {
        this.deps.logger.error(`The log stream of task ${log.taskId} failed unexpectedly: ${messageOf(error)}`);
        return 'failed' as const;
      })
      .then((end) => {
        if (log.run === run) {
          log.run = undefined;
          log.lastEnd = end;
        }
        return end;
      });
  }

  private async pump(log: TaskLog, task: Task, run: StreamRun): Promise<LogStreamEnd> {
    const { signal } = run.controller;
    const write = (text: string) => {
      if (!signal.aborted && text.length > 0) log.batcher.append(text);
    };
    write(renderTaskHeader(task));
    const { api } = run;
    if (!api) {
      write('— No BLACKBOX API key is set: set one to see this log. —\n');
      log.batcher.flush();
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
      showAgents: (task.agentRuns?.length ?? 0) > 1,
    });
    this.deps.logger.debug(`Log stream of task ${task.id} starting (${api.kind} API).`);
    let end: LogStreamEnd = 'ended';
    let gaveUpReason: string | undefined;
    try {
      for await (const event of api.streamLogs(task.id, { signal })) {
        if (signal.aborted) return 'stopped';
        log.events++;
        this.observe(log.taskId, event);
        write(renderer.render(event));
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
      write(`— could not read the log: ${oneLine(this.deps.session.redact(describeFailure(error)), 300)} —\n`);
      log.batcher.flush();
      this.logStats(task.id, renderer, 'failed');
      this.offerRetryAfterError(log, error);
      return 'failed';
    }
    if (signal.aborted) return 'stopped';
    write(renderer.end());
    if (end === 'ended') write('— the log ended without a final status —\n');
    log.batcher.flush();
    this.logStats(task.id, renderer, end);
    if (end === 'gave-up') this.offerRetryAfterGivingUp(log, gaveUpReason ?? 'the connection kept failing');
    return end;
  }

  /** The tree learns a status the moment the stream says it. */
  private observe(taskId: string, event: LogStreamEvent): void {
    const { store } = this.deps;
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
        this.deps.logger.info(`Log stream of task ${taskId} dropped (${event.reason}); reconnecting in ${event.delayMs} ms (attempt ${event.attempt}).`);
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
    const { events, unknown, malformed, unknownTypes } = renderer.stats;
    const types = Object.entries(unknownTypes)
      .map(([type, count]) => `${type} ×${count}`)
      .join(', ');
    this.deps.logger.debug(
      `Log stream of task ${taskId} ended (${end}): ${events} events, ${unknown} unknown${types ? ` (${types})` : ''}, ${malformed} malformed.`,
    );
  }

  private offerRetryAfterGivingUp(log: TaskLog, reason: string): void {
    const title = taskTitle(log.task, 60);
    void vscode.window
      .showWarningMessage(`The live log of “${title}” stopped: ${oneLine(this.deps.session.redact(reason), 200)}`, 'Retry', 'Show Log')
      .then((choice) => {
        if (log.disposed) return;
        if (choice === 'Retry') void this.retry(log.taskId);
        else if (choice === 'Show Log') log.output.show(true);
      });
  }

  private offerRetryAfterError(log: TaskLog, error: unknown): void {
    const title = taskTitle(log.task, 60);
    void presentError(error, `Reading the log of “${title}”`, {
      logger: this.deps.logger,
      redact: (text) => this.deps.session.redact(text),
      canRetry: true,
    }).then((retry) => {
      if (retry && !log.disposed) void this.retry(log.taskId);
    });
  }

  /**
   * A new key or API setting means a new client: running streams start over on it (the
   * channel is cleared first, so nothing appears twice); without a key they stop.
   */
  private connectionChanged(): void {
    const current = this.deps.session.current();
    for (const log of this.logs.values()) {
      const run = log.run;
      if (!run || run.api === current?.api) continue;
      if (current) {
        this.deps.logger.debug(`Restarting the log stream of task ${log.taskId}: the API key or settings changed.`);
        this.startStream(log, this.deps.store.get(log.taskId) ?? log.task);
        continue;
      }
      run.controller.abort();
      log.run = undefined;
      log.lastEnd = 'no-connection';
      log.batcher.append('\n— stopped: the API key was removed —\n');
      log.batcher.flush();
      this.deps.logger.debug(`Stopped the log stream of task ${log.taskId}: the API key was removed.`);
    }
  }

  private write(log: TaskLog, text: string): void {
    if (log.disposed) return;
    const safe = this.deps.session.redact(text);
    log.output.append(safe);
    log.appends++;
    log.chars += safe.length;
    if (log.transcript !== undefined) {
      log.transcript += safe;
      if (log.transcript.length > 2 * this.transcriptChars) log.transcript = log.transcript.slice(-this.transcriptChars);
    }
  }
}

function describeFailure(error: unknown): string {
  if (error && typeof error === 'object' && typeof (error as { userMessage?: unknown }).userMessage === 'string') {
    return (error as { userMessage: string }).userMessage;
  }
  return messageOf(error);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
