import { isActive, type Task } from '../tasks/model';
import { cleanText, clip, clipWords, oneLine } from '../util/untrustedText';
import { formatDateTime, formatDuration } from '../util/timeFormat';
import * as l10n from '@vscode/l10n';

/**
 * The block at the top of a task's log channel: what the task is, where it works and
 * when it ran. Pure; every value from the API is cleaned before it is shown.
 */

export interface TaskHeaderOptions {
  /** IANA zone for the times (default: the machine's). */
  readonly timeZone?: string;
}

const LABEL_WIDTH = 11;
const MAX_PROMPT_LINES = 12;
const MAX_LINE_CHARS = 200;
export const HEADER_RULE = '─'.repeat(60);

/** The task's name for people: its title, else its prompt's first line, else its id. */
export function taskTitle(task: Pick<Task, 'id' | 'title' | 'prompt'>, maxChars = 120): string {
  for (const candidate of [task.title, task.prompt]) {
    if (!candidate) continue;
    const first = firstNonEmptyLine(candidate);
    if (first) return clipWords(first, maxChars);
  }
  return l10n.t('Task {0}', oneLine(task.id, 40));
}

/** What the task's Output channel is called: `BLACKBOX: <short title>`. */
export function channelTitle(task: Pick<Task, 'id' | 'title' | 'prompt'>, maxTitleChars = 40): string {
  return `BLACKBOX: ${taskTitle(task, maxTitleChars)}`;
}

/** `owner/repo` for a GitHub clone URL, else the URL as given (cleaned). */
export function repositoryName(repoUrl: string): string {
  const github = /^(?:https?:\/\/|git@)(?:www\.)?github\.com[/:]([^/\s]+)\/([^/\s]+?)(?:\.git)?\/?$/i.exec(
    repoUrl.trim(),
  );
  return github ? oneLine(`${github[1]}/${github[2]}`, 120) : oneLine(repoUrl, 160);
}

export function renderTaskHeader(task: Task, options: TaskHeaderOptions = {}): string {
  const { timeZone } = options;
  const lines: string[] = [taskTitle(task, MAX_LINE_CHARS), ''];
  const field = (label: string, value: string | undefined) => {
    if (value !== undefined && value.length > 0) lines.push(`${label.padEnd(LABEL_WIDTH)}${value}`);
  };

  field(l10n.t('Status'), statusText(task));
  if (task.error) field(l10n.t('Error'), oneLine(task.error, MAX_LINE_CHARS));
  if (task.repoUrl) {
    field(l10n.t('Repository'), repositoryName(task.repoUrl));
    field(l10n.t('Branch'), branchLine(task));
  } else {
    field(l10n.t('Repository'), l10n.t('(none: a standalone prompt)'));
  }
  if (task.pullRequestUrl) field(l10n.t('PR'), oneLine(task.pullRequestUrl, MAX_LINE_CHARS));
  if (task.diffStats) {
    const { filesChanged, linesAdded, linesRemoved } = task.diffStats;
    field(
      l10n.t('Changes'),
      filesChanged === 1
        ? l10n.t('1 file, +{0} −{1}', linesAdded, linesRemoved)
        : l10n.t('{0} files, +{1} −{2}', filesChanged, linesAdded, linesRemoved),
    );
  }
  field(task.model ? l10n.t('Model') : l10n.t('Agent'), modelLine(task));
  if (task.agentRuns && task.agentRuns.length > 0) {
    field(
      l10n.t('Agents'),
      task.agentRuns
        .map(
          (run) => `${oneLine(run.agent, 40)} (${run.status === 'unknown' ? oneLine(run.rawStatus, 40) : run.status})`,
        )
        .join(', '),
    );
  }
  field(l10n.t('Created'), formatDateTime(task.createdAt, timeZone));
  field(l10n.t('Started'), formatDateTime(task.startedAt, timeZone));
  const completed = formatDateTime(task.completedAt, timeZone);
  const took =
    task.startedAt !== undefined && task.completedAt !== undefined
      ? formatDuration(task.completedAt - task.startedAt)
      : undefined;
  field(l10n.t('Completed'), completed && took ? l10n.t('{0} (took {1})', completed, took) : completed);
  field(l10n.t('Task ID'), oneLine(task.id, 80));
  if (task.previousRunId) field(l10n.t('Continues'), oneLine(task.previousRunId, 80));

  const prompt = promptLines(task);
  if (prompt.length > 0) {
    lines.push(`${l10n.t('Prompt').padEnd(LABEL_WIDTH)}${prompt[0] ?? ''}`);
    for (const line of prompt.slice(1)) lines.push(`${' '.repeat(LABEL_WIDTH)}${line}`);
  }
  lines.push(HEADER_RULE, '');
  return `${lines.join('\n')}\n`;
}

/** The normalised status, with the server's own word when it differs (`running (processing)`). */
function statusText(task: Task): string {
  const raw = oneLine(task.rawStatus, 40);
  if (task.status === 'unknown') return l10n.t('unknown ({0})', raw || l10n.t('no status'));
  return raw && raw !== task.status ? `${task.status} (${raw})` : task.status;
}

function branchLine(task: Task): string | undefined {
  const base = task.baseBranch ? oneLine(task.baseBranch, 100) : undefined;
  const created = task.createdBranch ? oneLine(task.createdBranch, 100) : undefined;
  if (created) return `${base ?? l10n.t('(default branch)')} → ${created}`;
  if (base && isActive(task.status)) return l10n.t('{0} → (not pushed yet)', base);
  return base;
}

function modelLine(task: Task): string | undefined {
  const model = task.model ? oneLine(task.model, 120) : undefined;
  const agent = task.agent ? oneLine(task.agent, 40) : undefined;
  if (model && agent) return l10n.t('{0} (agent {1})', model, agent);
  return model ?? agent;
}

/** The prompt, when it says more than the title line already does. */
function promptLines(task: Task): string[] {
  if (!task.prompt) return [];
  const lines = cleanText(task.prompt)
    .replace(/\t/g, '  ')
    .split('\n')
    .map((line) => line.trimEnd());
  while (lines.length > 0 && lines[0] === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) return [];
  const title = taskTitle(task, MAX_LINE_CHARS);
  if (lines.length === 1 && clip(lines[0]?.trim() ?? '', MAX_LINE_CHARS) === title) return [];
  const shown = lines.slice(0, MAX_PROMPT_LINES).map((line) => clip(line, MAX_LINE_CHARS));
  if (lines.length > MAX_PROMPT_LINES) shown.push(l10n.t('… ({0} more lines)', lines.length - MAX_PROMPT_LINES));
  return shown;
}

function firstNonEmptyLine(text: string): string | undefined {
  for (const line of cleanText(text).split('\n')) {
    const trimmed = line.replace(/\s+/g, ' ').trim();
    if (trimmed.length > 0) return trimmed;
  }
  return undefined;
}
