import * as l10n from '@vscode/l10n';
import type { Task } from './model';

/**
 * Renaming a task. Only the Agent API has it (`PATCH /api/v1/tasks/{runId}` with `{ title }`),
 * and the title belongs to the chat: every run of the conversation carries it.
 */

export const TITLE_MAX_CHARS = 200;

/** Why a title cannot be sent, in a sentence; undefined when it can (after trimming). */
export function titleProblem(title: string): string | undefined {
  const trimmed = title.trim();
  if (trimmed === '') return l10n.t('Write a title.');
  if (trimmed.length > TITLE_MAX_CHARS)
    return l10n.t('A title has at most {0} characters ({1} now).', TITLE_MAX_CHARS, trimmed.length);
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) return l10n.t('A title is one line of text.');
  return undefined;
}

/** The known runs of the task's chat (the task itself for a lone run), each with the new title. */
export function renamedRuns(task: Task, known: readonly Task[], title: string): Task[] {
  const runs = task.threadId ? known.filter((other) => other.api === task.api && other.threadId === task.threadId) : [];
  const all = runs.some((run) => run.id === task.id) ? runs : [task, ...runs];
  return all.map((run) => ({ ...run, title }));
}
