import * as vscode from 'vscode';
import type { Task } from '../../core/tasks/model';
import type { CommandContext } from './commandContext';
import { pickOne, showInformation, showWarning } from '../../adapters/userMessages';

/** Anything a command may be invoked with that names a task: a tree row, an id, or a task. */
export function taskIdOf(argument: unknown): string | undefined {
  if (typeof argument === 'string' && argument.length > 0) return argument;
  if (argument && typeof argument === 'object') {
    const candidate = argument as { taskId?: unknown; id?: unknown; api?: unknown };
    if (typeof candidate.taskId === 'string') return candidate.taskId;
    if (typeof candidate.id === 'string' && typeof candidate.api === 'string') return candidate.id;
  }
  return undefined;
}

/**
 * The task a command acts on: the row it was invoked on, or — from the palette — one the
 * user picks among the tasks that qualify. Undefined when the user dismisses the pick.
 */
export async function resolveTask(
  argument: unknown,
  context: CommandContext,
  options: {
    readonly placeHolder: string;
    readonly qualifies?: (task: Task) => boolean;
    readonly noneMessage?: string;
    /** `qualifies` reads fields only the task's details carry (created branch, pull request). */
    readonly qualifiesFromDetails?: boolean;
  },
): Promise<Task | undefined> {
  const id = taskIdOf(argument);
  if (id) {
    const known = context.store.get(id);
    if (known) return known;
    if (argument && typeof argument === 'object' && typeof (argument as { api?: unknown }).api === 'string')
      return argument as Task;
    void showWarning(vscode.l10n.t('That task is no longer in the list. Refresh the view and try again.'));
    return undefined;
  }
  if (options.qualifiesFromDetails) await loadRecentDetails(context);
  const candidates = context.store
    .tasks()
    .filter((task) => options.qualifies?.(task) ?? true)
    .sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
  if (candidates.length === 0) {
    void showInformation(options.noneMessage ?? vscode.l10n.t('There is no task to choose from.'));
    return undefined;
  }
  const picked = await pickOne(
    candidates.map((task) => ({
      label: pickLabel(task.prompt ?? task.title ?? task.id),
      description: task.status,
      detail:
        [task.repoUrl?.replace(/^https:\/\/github\.com\//, '').replace(/\.git$/, ''), task.createdBranch]
          .filter(Boolean)
          .join(' · ') || undefined,
      task,
    })),
    { placeHolder: options.placeHolder, matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.task;
}

/** How many of the newest tasks the palette's quick pick looks into, and how long it waits. */
const DETAILS_FOR_PICK = { count: 30, timeoutMs: 5_000 };

/**
 * The Agent API's list has no branch or pull request: rows in collapsed groups may not have had
 * their details fetched yet, so a pick filtered on those fields would silently miss them.
 */
async function loadRecentDetails(context: CommandContext): Promise<void> {
  const recent = [...context.store.tasks()]
    .sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0))
    .slice(0, DETAILS_FOR_PICK.count)
    .map((task) => task.id);
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Loading task details…') },
    () => context.store.ensureDetails(recent, DETAILS_FOR_PICK.timeoutMs),
  );
}

function pickLabel(text: string): string {
  const line = text.trim().split(/\r?\n/, 1)[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}
