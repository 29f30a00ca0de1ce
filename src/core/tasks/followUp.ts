import { isTerminal, type Task } from './model';
import { agentTasksOf, laneHolds } from './agentTask';
import type { ContinuedTask } from '../api/tasksApi';
import * as l10n from '@vscode/l10n';

/**
 * The pure half of "Continue Task…".
 *
 * Which tasks take a follow-up: finished ones only. Continuing a v1 run that is still
 * going is undocumented (the emulator, like a cautious server, refuses it) and a Cloud
 * task that is still processing refuses follow-ups, so an active task is never offered;
 * the user is told to wait or cancel it first. A v1 chat is continued from its latest
 * run (each follow-up is a new run in the same chat), matching the tree, which shows a
 * chat as its latest run.
 */

/**
 * The newest run of the task's line among the known tasks: in a v1 chat, the latest run of the
 * same agent (a multi-agent task's siblings share the chat, and each agent is continued from its
 * own run); the task itself for Cloud or a lone run.
 */
export function latestRunOf(task: Task, known: readonly Task[]): Task {
  if (task.api !== 'agent' || !task.threadId) return task;
  const chat = known.filter((other) => other.api === 'agent' && other.threadId === task.threadId);
  if (!chat.some((other) => other.id === task.id)) chat.push(task);
  for (const agentTask of agentTasksOf(chat))
    for (const lane of agentTask.lanes) if (laneHolds(lane, task.id)) return lane.run;
  return task;
}

/** Why this task cannot take a follow-up now, in a sentence; undefined when it can. */
export function continueBlocker(task: Task): string | undefined {
  if (isTerminal(task.status)) return undefined;
  if (task.status === 'queued' || task.status === 'running') {
    return l10n.t('It is still {0}: a follow-up can be sent once it has finished (or cancel it first).', task.status);
  }
  return l10n.t(
    'Its status is unknown (“{0}”), so it cannot be continued yet. Refresh the list and try again.',
    task.rawStatus.slice(0, 40),
  );
}

/** The tasks a follow-up can go to: one per v1 chat (its latest run) and each Cloud task, finished only. */
export function continuableTasks(known: readonly Task[]): Task[] {
  const seen = new Set<string>();
  const result: Task[] = [];
  for (const task of known) {
    const latest = latestRunOf(task, known);
    if (seen.has(latest.id)) continue;
    seen.add(latest.id);
    if (continueBlocker(latest) === undefined) result.push(latest);
  }
  return result;
}

/**
 * What to put in the store after a follow-up was accepted, so the tree links it to its
 * task at once: v1's new run carries the chat (threadId) and previousRunId and inherits
 * what the chat already knows (repository, branches, title) until its own details arrive;
 * a Cloud task is the same task, running again.
 */
export function linkContinuedTask(previous: Task, continued: ContinuedTask, now: number): Task {
  const next = continued.task;
  if (next.id === previous.id) {
    // Cloud: the same task runs again; what described the finished run no longer holds.
    const { error: _error, completedAt: _completedAt, ...kept } = previous;
    return { ...kept, ...next };
  }
  const threadId = next.threadId ?? continued.threadId ?? previous.threadId;
  return {
    ...(previous.repoUrl ? { repoUrl: previous.repoUrl } : {}),
    ...(previous.baseBranch ? { baseBranch: previous.baseBranch } : {}),
    ...(previous.createdBranch ? { createdBranch: previous.createdBranch } : {}),
    ...(previous.title ? { title: previous.title } : {}),
    ...next,
    ...(threadId ? { threadId } : {}),
    previousRunId: next.previousRunId ?? continued.previousId,
    createdAt: next.createdAt ?? now,
  };
}
