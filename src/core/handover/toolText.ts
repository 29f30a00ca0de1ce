import { repositoryName } from '../logs/taskHeader';
import { ALL_STATUSES, type Task, type TaskDetails, type TaskStatus } from '../tasks/model';
import { cleanText, clip, oneLine } from '../util/untrustedText';

/**
 * What the language model tools answer: compact plain text a model can act on. Every value
 * from the API is untrusted, so each is cleaned (no control characters or escape
 * sequences) and bounded; nothing is Markdown, so nothing the server sends can format,
 * link or instruct beyond being quoted as a value.
 */

const MAX_PROMPT_CHARS = 2_000;
const MAX_LABEL_CHARS = 80;
const MAX_VALUE_CHARS = 300;
export const LOG_TAIL_LINES = 30;
const MAX_LOG_LINE_CHARS = 240;

/** One line per task: id, status, where, when, and the first line of its prompt. */
export function taskListText(
  tasks: readonly Task[],
  options: { readonly more: boolean; readonly scope: string },
): string {
  if (tasks.length === 0) return `No tasks (${options.scope}).`;
  const lines = [`${tasks.length} task${tasks.length === 1 ? '' : 's'} (${options.scope}), newest first:`];
  for (const task of tasks) lines.push(`- ${taskLine(task)}`);
  if (options.more) lines.push('More tasks exist: raise limit or filter by status to see them.');
  return lines.join('\n');
}

function taskLine(task: Task): string {
  const parts = [`id ${oneLine(task.id, 80)}`, task.status];
  const where = placeText(task);
  if (where) parts.push(where);
  if (task.createdAt !== undefined) parts.push(`created ${isoMinute(task.createdAt)}`);
  const label = task.title ?? task.prompt;
  parts.push(label ? `"${oneLine(label, MAX_LABEL_CHARS)}"` : '(prompt not loaded)');
  return parts.join(' · ');
}

function placeText(task: Task): string | undefined {
  if (!task.repoUrl) return undefined;
  const branch = task.createdBranch ?? task.baseBranch;
  return `${repositoryName(task.repoUrl)}${branch ? `@${oneLine(branch, 120)}` : ''}`;
}

/** A task's facts, its prompt, and the last lines of its log (already rendered as plain text). */
export function taskDetailsText(task: TaskDetails | Task, logTail: readonly string[] | undefined): string {
  const lines = [`Task ${oneLine(task.id, 80)} (${task.api === 'agent' ? 'Agent API' : 'Cloud API'})`];
  const fact = (name: string, value: string | undefined): void => {
    if (value !== undefined && value !== '') lines.push(`${name}: ${value}`);
  };
  fact('Status', task.status === 'unknown' ? `unknown (${oneLine(task.rawStatus, 40)})` : task.status);
  fact('Title', task.title ? oneLine(task.title, 200) : undefined);
  fact('Repository', task.repoUrl ? repositoryName(task.repoUrl) : 'none (standalone task)');
  fact('Base branch', task.baseBranch ? oneLine(task.baseBranch, 200) : undefined);
  fact('Created branch', task.createdBranch ? oneLine(task.createdBranch, 200) : 'none yet');
  fact('Pull request', task.pullRequestUrl ? oneLine(task.pullRequestUrl, MAX_VALUE_CHARS) : undefined);
  if (task.diffStats)
    fact(
      'Changes',
      `${task.diffStats.filesChanged} files, +${task.diffStats.linesAdded} -${task.diffStats.linesRemoved} lines`,
    );
  fact(
    'Agent',
    [task.agent, task.model]
      .filter(Boolean)
      .map((part) => oneLine(part ?? '', 120))
      .join(' · '),
  );
  fact('Created', task.createdAt !== undefined ? isoMinute(task.createdAt) : undefined);
  fact('Finished', task.completedAt !== undefined ? isoMinute(task.completedAt) : undefined);
  fact('Follows run', task.previousRunId ? oneLine(task.previousRunId, 80) : undefined);
  fact('Error', task.error ? oneLine(task.error, MAX_VALUE_CHARS * 2) : undefined);
  if (task.prompt) {
    lines.push('Prompt:');
    lines.push(indented(clip(cleanText(task.prompt).trim(), MAX_PROMPT_CHARS)));
  }
  for (const followUp of task.followUps ?? []) {
    lines.push(`Follow-up${followUp.status ? ` (${followUp.status})` : ''}:`);
    lines.push(indented(clip(cleanText(followUp.prompt).trim(), MAX_PROMPT_CHARS / 4)));
  }
  if (logTail === undefined) lines.push('Log: not available.');
  else if (logTail.length === 0) lines.push('Log: empty so far.');
  else {
    lines.push(`Log (last ${logTail.length} lines):`);
    lines.push(indented(logTail.join('\n')));
  }
  return lines.join('\n');
}

/** The last `count` non-empty lines of rendered log text, each clipped. */
export function logTailLines(text: string, count = LOG_TAIL_LINES): string[] {
  const lines = cleanText(text)
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '');
  return lines.slice(-count).map((line) => clip(line, MAX_LOG_LINE_CHARS));
}

/** A status a tool's input names, in either API's words; undefined when it names none. */
export function statusFromInput(value: string): TaskStatus | undefined {
  const word = value.trim().toLowerCase();
  const aliases: Readonly<Record<string, TaskStatus>> = {
    pending: 'queued',
    in_progress: 'running',
    processing: 'running',
    active: 'running',
    error: 'failed',
    stopped: 'cancelled',
    canceled: 'cancelled',
  };
  return aliases[word] ?? ALL_STATUSES.find((status) => status === word && status !== 'unknown');
}

/** Task ids from a tool's input: both APIs' ids are short tokens (UUIDs, random strings), never paths or URLs. */
export function isPlausibleTaskId(value: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(value);
}

function indented(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`.trimEnd())
    .join('\n');
}

function isoMinute(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
