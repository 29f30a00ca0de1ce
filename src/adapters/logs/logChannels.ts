import * as vscode from 'vscode';
import type { Task } from '../../core/tasks/model';
import type { TaskStore } from '../../core/tasks/taskStore';
import type { ApiSession } from '../api/apiSession';
import type { Logger } from '../logger';
import { loadOnDemand } from '../../commands/onDemandLoader';

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

export interface ShowLogOptions {
  readonly preserveFocus?: boolean;
  /** The task as the caller knows it, when the store may not know it yet (just created). */
  readonly task?: Task;
  /** One agent of a multi-agent task: its own channel, named with the agent. */
  readonly agent?: AgentLog;
}

/**
 * One agent's log. v1 agents have runs of their own, so only the name changes; a Cloud task has
 * one log for all its agents, so its agent's channel has a key of its own and shows only the
 * lines that agent wrote (and those about the task as a whole).
 */
export interface AgentLog {
  /** The channel's key for the registry's other methods (Cloud: the lane key; v1: the run id). */
  readonly key: string;
  /** How the agent is named, e.g. `claude · claude-sonnet-4.6`. */
  readonly name: string;
  /** Cloud: only log lines whose `agent` is this one. */
  readonly onlyAgent?: string;
}

/** One Output channel per followed task, streaming its log. */
export interface LogChannels extends vscode.Disposable {
  /**
   * Opens (or reuses) the task's channel, starts streaming if needed, and shows it. With
   * `options.agent`, the agent's channel, whose key the other methods then take.
   */
  show(taskId: string, options?: ShowLogOptions): Promise<void>;
  /** Shows a task's log without taking focus, if the user wants logs followed (`blackboxTasks.followLogs`). */
  follow(task: string | Task): void;
  /** Stops and starts the task's stream over: the channel is cleared and the whole log replayed. */
  retry(taskId: string): Promise<void>;
  /** Closes the task's channel and stops its stream. */
  close(taskId: string): void;
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

/**
 * The log channels as activation builds them: nothing of the log pipeline (SSE, renderer,
 * channels) is loaded until a log is first shown or followed; until then no channel is open.
 */
export function createLogChannels(deps: LogChannelsDeps): LogChannels {
  let registry: LogChannels | undefined;
  let disposed = false;
  const open = (): LogChannels | undefined => {
    if (!registry && !disposed) registry = loadOnDemand().createLogChannelRegistry(deps);
    return registry;
  };
  return {
    show: async (taskId, options) => open()?.show(taskId, options),
    follow: (task) => {
      // The setting is read first, so a user who does not follow logs never loads the pipeline.
      if (vscode.workspace.getConfiguration('blackboxTasks').get<boolean>('followLogs', true)) open()?.follow(task);
    },
    retry: async (taskId) => open()?.retry(taskId),
    close: (taskId) => registry?.close(taskId),
    dispose: () => {
      disposed = true;
      registry?.dispose();
    },
  };
}
