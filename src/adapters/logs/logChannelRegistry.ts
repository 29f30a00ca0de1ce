import * as vscode from 'vscode';
import type { Task } from '../../core/tasks/model';
import { channelTitle } from '../../core/logs/taskHeader';
import { oneLine } from '../../core/util/untrustedText';
import { messageOf } from '../../core/util/errorMessage';
import { TaskLogChannel } from './taskLogChannel';
import type { AgentLog, LogChannelFactory, LogChannels, LogChannelsDeps, ShowLogOptions } from './logChannels';

const DEFAULT_MAX_CHANNELS = 6;
/** How long opening a channel may wait for a task's details (its title names the channel). */
const DETAILS_WAIT_MS = 2500;

export function createLogChannelRegistry(deps: LogChannelsDeps): LogChannels {
  return new LogChannelRegistry(deps);
}

/** The open task log channels: at most `blackboxTasks.maxLogChannels`, least recently shown closed first. */
class LogChannelRegistry implements LogChannels {
  /** Open channels; map order is recency of showing, least recent first. */
  private readonly logs = new Map<string, TaskLogChannel>();
  private readonly opening = new Map<string, Promise<TaskLogChannel | undefined>>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly createChannel: LogChannelFactory;
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
    const log = await this.open(taskId, options.task, options.agent);
    if (!log || log.closed) return;
    log.reveal(options.preserveFocus ?? false);
  }

  follow(task: string | Task): void {
    if (!vscode.workspace.getConfiguration('blackboxTasks').get<boolean>('followLogs', true)) return;
    const id = typeof task === 'string' ? task : task.id;
    void this.show(id, { preserveFocus: true, ...(typeof task === 'string' ? {} : { task }) }).catch(
      (error: unknown) => {
        this.deps.logger.warn(`Could not follow the log of task ${id}: ${messageOf(error)}`);
      },
    );
  }

  async retry(taskId: string): Promise<void> {
    const log = this.logs.get(taskId);
    if (!log) {
      await this.show(taskId, { preserveFocus: true });
      return;
    }
    this.touch(log);
    log.startOver();
    log.reveal(true);
  }

  close(taskId: string): void {
    const log = this.logs.get(taskId);
    if (log) this.closeLog(log, 'closed');
  }

  dispose(): void {
    this.disposed = true;
    for (const log of [...this.logs.values()]) this.closeLog(log, 'the extension stopped');
    for (const subscription of this.subscriptions) subscription.dispose();
  }

  // --- opening and closing channels -----------------------------------------

  private async open(
    taskId: string,
    given: Task | undefined,
    agent: AgentLog | undefined,
  ): Promise<TaskLogChannel | undefined> {
    const key = agent?.key ?? taskId;
    const existing = this.logs.get(key);
    if (existing) {
      this.touch(existing);
      existing.showAgain(given ?? this.deps.store.get(taskId));
      return existing;
    }
    const pending = this.opening.get(key);
    if (pending) return pending;
    const opening = this.openNew(key, taskId, given, agent).finally(() => this.opening.delete(key));
    this.opening.set(key, opening);
    return opening;
  }

  private async openNew(
    key: string,
    taskId: string,
    given: Task | undefined,
    agent: AgentLog | undefined,
  ): Promise<TaskLogChannel | undefined> {
    const task = await this.describe(taskId, given);
    if (this.disposed) return undefined;
    const title = channelTitle(task);
    const name = this.uniqueName(agent ? `${title} · ${oneLine(agent.name, 80)}` : title, key);
    const output = this.createChannel(name);
    const log = new TaskLogChannel(key, taskId, name, output, task, {
      session: this.deps.session,
      store: this.deps.store,
      logger: this.deps.logger,
      ...(this.deps.batchIntervalMs !== undefined ? { batchIntervalMs: this.deps.batchIntervalMs } : {}),
      ...(agent?.onlyAgent !== undefined ? { onlyAgent: agent.onlyAgent } : {}),
      retry: () => this.retry(key),
    });
    this.logs.set(key, log);
    this.enforceCap(key);
    log.startStream(task);
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

  private uniqueName(name: string, key: string): string {
    const taken = new Set([...this.logs.values()].map((log) => log.name));
    return taken.has(name) ? `${name} (${oneLine(key.slice(0, 8), 8)})` : name;
  }

  private touch(log: TaskLogChannel): void {
    this.logs.delete(log.key);
    this.logs.set(log.key, log);
  }

  /** Closes the least recently shown channels beyond the setting (never the one being opened). */
  private enforceCap(keep: string | undefined): void {
    const configured = vscode.workspace
      .getConfiguration('blackboxTasks')
      .get<number>('maxLogChannels', DEFAULT_MAX_CHANNELS);
    const max = Number.isFinite(configured) ? Math.max(1, Math.floor(configured)) : DEFAULT_MAX_CHANNELS;
    for (const log of [...this.logs.values()]) {
      if (this.logs.size <= max) break;
      if (log.key !== keep) this.closeLog(log, `more than ${max} log channels are open`);
    }
  }

  private closeLog(log: TaskLogChannel, why: string): void {
    if (log.closed) return;
    log.stop(why);
    if (this.logs.get(log.key) === log) this.logs.delete(log.key);
    log.disposeOutput();
  }

  private connectionChanged(): void {
    const current = this.deps.session.current();
    for (const log of this.logs.values()) log.connectionChanged(current);
  }
}
