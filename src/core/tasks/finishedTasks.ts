import type { Clock } from '../util/clock';
import { Emitter, type Event } from '../util/emitter';
import { ALL_STATUSES, isActive, isTerminal, type Task, type TaskStatus } from './model';
import {
  agentCountOf,
  agentStatusSummary,
  safePullRequestUrl,
  statusWord,
  taskLabel,
  truncate,
  firstLine,
} from '../view/taskPresentation';
import { agentTasksOf, findAgentTask, type AgentTask } from './agentTask';
import * as l10n from '@vscode/l10n';

/**
 * "A task this window saw running has finished": detected per task, batched when several
 * finish together, and turned into one notification as plain data.
 */

/** Remembers which tasks were seen active from live data; reports each one's move to a terminal status once. */
export class TransitionTracker {
  private readonly watched = new Set<string>();

  /** Returns true exactly when a watched task has just become terminal. */
  observe(id: string, status: TaskStatus): boolean {
    if (isActive(status)) {
      this.watched.add(id);
      return false;
    }
    if (isTerminal(status) && this.watched.delete(id)) return true;
    return false;
  }

  forget(id: string): void {
    this.watched.delete(id);
  }

  clear(): void {
    this.watched.clear();
  }
}

/**
 * Collects finished tasks for a short window after the first one, so tasks that finish
 * together (one refresh, or streams a moment apart) make one notification.
 */
export class FinishedBatcher {
  private readonly batched = new Emitter<readonly Task[]>();
  readonly onDidBatch: Event<readonly Task[]> = this.batched.event;
  private pending = new Map<string, Task>();
  private controller: AbortController | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly windowMs = 1_500,
  ) {}

  add(tasks: readonly Task[]): void {
    if (tasks.length === 0) return;
    for (const task of tasks) this.pending.set(task.id, task);
    if (this.controller) return;
    const controller = new AbortController();
    this.controller = controller;
    this.clock.sleep(this.windowMs, controller.signal).then(
      () => this.flush(),
      () => undefined,
    );
  }

  /** Emits what is pending now. */
  flush(): void {
    this.controller?.abort();
    this.controller = undefined;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    if (batch.length) this.batched.fire(batch);
  }

  dispose(): void {
    this.controller?.abort();
    this.controller = undefined;
    this.pending.clear();
    this.batched.dispose();
  }
}

export type NotificationMode = 'all' | 'failures' | 'none';

export function parseNotificationMode(value: unknown): NotificationMode {
  return value === 'failures' || value === 'none' ? value : 'all';
}

export interface NoticeAction {
  readonly title: string;
  /** An existing command, invoked with a task id string (Compare Agents: the task's key). */
  readonly command:
    | 'blackboxTasks.showLogs'
    | 'blackboxTasks.checkoutBranch'
    | 'blackboxTasks.applyChanges'
    | 'blackboxTasks.openPullRequest'
    | 'blackboxTasks.compareAgents';
  /** The tasks it can act on; more than one means the user picks. */
  readonly taskIds: readonly string[];
}

export interface FinishedNotice {
  readonly severity: 'info' | 'warning' | 'error';
  readonly message: string;
  readonly actions: readonly NoticeAction[];
  readonly taskIds: readonly string[];
}

const UNSUCCESSFUL: ReadonlySet<TaskStatus> = new Set<TaskStatus>(['failed', 'cancelled', 'interrupted']);

export function isUnsuccessful(status: TaskStatus): boolean {
  return UNSUCCESSFUL.has(status);
}

function outcomePhrase(status: TaskStatus): string | undefined {
  switch (status) {
    case 'completed':
      return l10n.t('completed');
    case 'failed':
      return l10n.t('failed');
    case 'cancelled':
      return l10n.t('was cancelled');
    case 'interrupted':
      return l10n.t('was interrupted');
    default:
      return undefined;
  }
}

/** The notification for a batch of finished tasks under the user's setting, or undefined for none. */
export function planFinishedNotice(batch: readonly Task[], mode: NotificationMode): FinishedNotice | undefined {
  if (mode === 'none') return undefined;
  const tasks = mode === 'failures' ? batch.filter((task) => isUnsuccessful(task.status)) : [...batch];
  if (tasks.length === 0) return undefined;
  const failed = tasks.some((task) => task.status === 'failed' || task.status === 'interrupted');
  const withBranch = tasks.filter((task) => task.createdBranch && task.repoUrl).map((task) => task.id);
  const withPullRequest = tasks.filter((task) => safePullRequestUrl(task.pullRequestUrl)).map((task) => task.id);
  const many = tasks.length > 1;
  const actions: NoticeAction[] = [
    {
      title: many ? l10n.t('Show Logs…') : l10n.t('Show Logs'),
      command: 'blackboxTasks.showLogs',
      taskIds: tasks.map((task) => task.id),
    },
  ];
  if (withBranch.length)
    actions.push({
      title: withBranch.length > 1 ? l10n.t('Check Out Branch…') : l10n.t('Check Out Branch'),
      command: 'blackboxTasks.checkoutBranch',
      taskIds: withBranch,
    });
  // Only a finished success is worth taking into the working tree as it is.
  const toApply = tasks.filter((task) => task.status === 'completed' && withBranch.includes(task.id));
  if (toApply.length)
    actions.push({
      title: toApply.length > 1 ? l10n.t('Apply Changes…') : l10n.t('Apply Changes'),
      command: 'blackboxTasks.applyChanges',
      taskIds: toApply.map((task) => task.id),
    });
  if (withPullRequest.length) {
    actions.push({
      title: withPullRequest.length > 1 ? l10n.t('Open Pull Request…') : l10n.t('Open Pull Request'),
      command: 'blackboxTasks.openPullRequest',
      taskIds: withPullRequest,
    });
  }
  return {
    severity: failed ? (many ? 'warning' : 'error') : 'info',
    message: many ? batchMessage(tasks) : singleMessage(tasks[0]),
    actions,
    taskIds: tasks.map((task) => task.id),
  };
}

function quoted(task: Task): string {
  return `“${truncate(taskLabel(task), 60)}”`;
}

function singleMessage(task: Task): string {
  const phrase = outcomePhrase(task.status) ?? l10n.t('ended ({0})', statusWord(task.status).toLowerCase());
  const error = task.status === 'failed' && task.error ? `: ${truncate(firstLine(task.error), 160)}` : '.';
  return l10n.t('BLACKBOX task {0} {1}{2}', quoted(task), phrase, error);
}

function batchMessage(tasks: readonly Task[]): string {
  const counts = new Map<TaskStatus, number>();
  for (const task of tasks) counts.set(task.status, (counts.get(task.status) ?? 0) + 1);
  const summary = ALL_STATUSES.filter((status) => counts.has(status))
    .map((status) => `${counts.get(status)} ${statusWord(status).toLowerCase()}`)
    .join(', ');
  const named = tasks.slice(0, 3).map(quoted).join(', ');
  const more = tasks.length > 3 ? l10n.t(' and {0} more', tasks.length - 3) : '';
  return l10n.t('{0} BLACKBOX tasks finished ({1}): {2}{3}.', tasks.length, summary, named, more);
}

/**
 * The notifications for a batch of finished runs, knowing every task (`known`): one per
 * multi-agent task whose last agent has just finished ("3 agents finished: 2 completed,
 * 1 failed", offering Compare Agents), none while any of its agents still works, and one for
 * the rest of the batch as `planFinishedNotice` makes it.
 */
export function planFinishedNotices(
  batch: readonly Task[],
  known: readonly Task[],
  mode: NotificationMode,
): FinishedNotice[] {
  if (mode === 'none') return [];
  const byId = new Map<string, Task>(known.map((task) => [task.id, task]));
  for (const task of batch) byId.set(task.id, task);
  const agentTasks = agentTasksOf([...byId.values()]);
  const single: Task[] = [];
  const multi = new Map<string, AgentTask>();
  for (const task of batch) {
    const agentTask = findAgentTask(agentTasks, task.id);
    if (agentTask?.multiAgent) multi.set(agentTask.key, agentTask);
    else single.push(task);
  }
  const notices: FinishedNotice[] = [];
  for (const agentTask of multi.values()) {
    const notice = planAgentsFinishedNotice(agentTask, mode);
    if (notice) notices.push(notice);
  }
  const rest = planFinishedNotice(single, mode);
  if (rest) notices.push(rest);
  return notices;
}

/** Whether every agent of the task has finished (a Cloud task says so itself). */
export function allAgentsFinished(agentTask: AgentTask): boolean {
  if (agentTask.api === 'cloud') return agentTask.lanes.every((lane) => isTerminal(lane.run.status));
  return agentTask.lanes.length >= agentCountOf(agentTask) && agentTask.lanes.every((lane) => isTerminal(lane.status));
}

function planAgentsFinishedNotice(agentTask: AgentTask, mode: NotificationMode): FinishedNotice | undefined {
  if (!allAgentsFinished(agentTask)) return undefined;
  const unsuccessful = agentTask.lanes.some((lane) => isUnsuccessful(lane.status));
  if (mode === 'failures' && !unsuccessful) return undefined;
  const anyCompleted = agentTask.lanes.some((lane) => lane.status === 'completed');
  const name = agentTask.prompt !== undefined ? truncate(firstLine(agentTask.prompt), 60) : undefined;
  const summary = l10n.t('{0} agents finished: {1}', agentCountOf(agentTask), agentStatusSummary(agentTask));
  return {
    severity: !unsuccessful ? 'info' : anyCompleted ? 'warning' : 'error',
    message: name ? l10n.t('{0} (“{1}”).', summary, name) : `${summary}.`,
    actions: [{ title: l10n.t('Compare Agents'), command: 'blackboxTasks.compareAgents', taskIds: [agentTask.key] }],
    taskIds: agentTask.lanes.map((lane) => lane.run.id),
  };
}
