import { isActive, isTerminal, type AgentRun, type Task, type TaskStatus } from '../tasks/model';
import { repositoryDisplayName } from '../git/githubRemote';
import { cleanText, clip } from '../util/untrustedText';
import { canCancel } from '../tasks/cancelPolicy';
import * as l10n from '@vscode/l10n';
import { formatElapsedRoughly } from '../util/timeFormat';

/**
 * How a task looks in the tree, as plain data: label, description, icon, tooltip and the
 * capability tokens menus match on. Pure and cheap, because it runs for every drawn row.
 * Every text taken from a task is untrusted and is escaped before it enters markdown.
 */

export interface ThemeIconSpec {
  /** Codicon id, `~spin` included when it animates. */
  readonly id: string;
  /** Theme colour id, absent for the default foreground. */
  readonly color?: string;
}

export interface TaskPresentation {
  readonly label: string;
  readonly description: string;
  readonly icon: ThemeIconSpec;
  readonly contextValue: string;
  /** One word for the status, e.g. for accessibility labels. */
  readonly statusWord: string;
}

export interface PresentationContext {
  readonly now: number;
  readonly pendingCancel?: boolean;
  /** v1: the other runs of the same chat shown with this one (0 when it stands alone). */
  readonly earlierRuns?: number;
  /** False for an earlier run of a v1 chat: only the latest run is continued. */
  readonly latestInThread?: boolean;
  /** An earlier run of a v1 chat shown under its latest run: its place in the chat (1-based). */
  readonly runOfThread?: { readonly index: number; readonly total: number };
}

const LABEL_MAX = 80;
const TOOLTIP_PROMPT_MAX = 1500;

const STATUS_ICONS: Readonly<Record<TaskStatus, ThemeIconSpec>> = {
  running: { id: 'sync~spin', color: 'charts.blue' },
  queued: { id: 'clock', color: 'charts.yellow' },
  completed: { id: 'pass', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  cancelled: { id: 'circle-slash', color: 'disabledForeground' },
  interrupted: { id: 'debug-disconnect', color: 'charts.orange' },
  unknown: { id: 'question' },
};

const CANCELLING_ICON: ThemeIconSpec = { id: 'loading~spin', color: 'disabledForeground' };

export function statusWord(status: TaskStatus): string {
  switch (status) {
    case 'running':
      return l10n.t('Running');
    case 'queued':
      return l10n.t('Queued');
    case 'completed':
      return l10n.t('Completed');
    case 'failed':
      return l10n.t('Failed');
    case 'cancelled':
      return l10n.t('Cancelled');
    case 'interrupted':
      return l10n.t('Interrupted');
    case 'unknown':
      return l10n.t('Unknown');
  }
}

export function statusIcon(status: TaskStatus): ThemeIconSpec {
  return STATUS_ICONS[status];
}

/** The plural group heading for a status ("Running", "Completed", …). */
export function groupLabel(status: TaskStatus): string {
  return statusWord(status);
}

/** Labels by task object: a task is replaced, never changed, when it changes, so this never goes stale. */
const labels = new WeakMap<Task, string>();

/** The title, else the first non-empty line of the prompt, whitespace collapsed, at most 80 characters. */
export function taskLabel(task: Task): string {
  let label = labels.get(task);
  if (label === undefined) {
    label = computeLabel(task);
    labels.set(task, label);
  }
  return label;
}

function computeLabel(task: Task): string {
  // A title is what the user named the task (Rename Task…); the prompt's first line is the fallback.
  const source = task.title ?? task.prompt;
  if (source !== undefined) {
    const line = firstLine(source);
    if (line) return truncate(line, LABEL_MAX);
  }
  return l10n.t('Task {0}', shortId(task.id));
}

/** Longest stretch of a line looked at: a label never shows more, and prompts can be huge. */
const LINE_SCAN_MAX = 400;

export function firstLine(text: string): string {
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf('\n', start);
    const raw = text.slice(start, end < 0 ? text.length : Math.min(end, start + LINE_SCAN_MAX));
    const line = cleanText(raw).replace(/\s+/g, ' ').trim();
    if (line) return line;
    if (end < 0) break;
    start = end + 1;
  }
  return '';
}

/** At most `max` characters, an ellipsis marking the cut. */
export function truncate(text: string, max: number): string {
  return clip(text, max);
}

export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

/** `blackboxai/anthropic/claude-sonnet-4.6` → `claude-sonnet-4.6`. */
export function shortModel(model: string): string {
  const parts = model.split('/');
  return parts[parts.length - 1] || model;
}

/** "just now", "4 min ago", "3 h ago", "2 d ago", then the date. */
export function relativeTime(at: number, now: number): string {
  const seconds = Math.round((now - at) / 1000);
  if (seconds < 45) return l10n.t('just now');
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return l10n.t('{0} min ago', minutes);
  const hours = Math.round(minutes / 60);
  if (hours < 24) return l10n.t('{0} h ago', hours);
  const days = Math.round(hours / 24);
  if (days < 7) return l10n.t('{0} d ago', days);
  return new Date(at).toISOString().slice(0, 10);
}

/** Space-separated capability tokens; menus match them with `\b…\b`. */
export function contextValueFor(
  task: Task,
  context: Pick<PresentationContext, 'pendingCancel' | 'latestInThread'> = {},
): string {
  const tokens = ['task', task.status];
  const active = isActive(task.status);
  if (active) tokens.push('active');
  if (canCancel(task) && !context.pendingCancel) tokens.push('cancellable');
  if (context.pendingCancel && active) tokens.push('cancelling');
  // Continuing a run that is still going is undocumented, and a chat is continued from its latest run.
  if (isTerminal(task.status) && context.latestInThread !== false) tokens.push('continuable');
  if (task.createdBranch && task.repoUrl) tokens.push('hasBranch');
  if (safePullRequestUrl(task.pullRequestUrl)) tokens.push('hasPullRequest');
  // Only the Agent API can rename a task.
  if (task.api === 'agent') tokens.push('renamable');
  return tokens.join(' ');
}

/** Relative time, then what ran it, then what else belongs to it. */
export function taskDescription(task: Task, context: PresentationContext): string {
  const parts: string[] = [];
  if (context.runOfThread) parts.push(l10n.t('run {0} of {1}', context.runOfThread.index, context.runOfThread.total));
  if (context.pendingCancel && isActive(task.status)) parts.push(l10n.t('Cancelling…'));
  if (task.status === 'running' && task.progress !== undefined && task.progress > 0 && task.progress < 100)
    parts.push(`${Math.round(task.progress)}%`);
  const at = task.createdAt ?? task.startedAt;
  if (at !== undefined) parts.push(relativeTime(at, context.now));
  const runner = runnerText(task);
  if (runner) parts.push(runner);
  if (context.earlierRuns) parts.push(l10n.t('follow-up · {0} runs', context.earlierRuns + 1));
  const followUps = task.followUps?.length ?? 0;
  if (followUps) parts.push(followUps === 1 ? l10n.t('1 follow-up') : l10n.t('{0} follow-ups', followUps));
  if (task.status === 'unknown') parts.push(l10n.t('status “{0}”', truncate(task.rawStatus, 24)));
  return parts.join(' · ');
}

function runnerText(task: Task): string {
  const model = task.model ? shortModel(task.model) : undefined;
  if (task.agent && model)
    return model.toLowerCase().includes(task.agent.toLowerCase()) ? model : `${task.agent} · ${model}`;
  return task.agent ?? model ?? '';
}

export function presentTask(task: Task, context: PresentationContext): TaskPresentation {
  const pendingCancel = context.pendingCancel === true && isActive(task.status);
  return {
    label: taskLabel(task),
    description: taskDescription(task, context),
    icon: pendingCancel ? CANCELLING_ICON : STATUS_ICONS[task.status],
    contextValue: contextValueFor(task, context),
    statusWord: statusWord(task.status),
  };
}

/**
 * Backslash-escapes every ASCII punctuation character (CommonMark treats each escaped one
 * literally), so server text can neither format, link, embed HTML nor fake a command link.
 */
export function escapeMarkdown(text: string): string {
  return cleanText(text).replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`);
}

/** Untrusted multi-line text as markdown paragraphs that keep the author's line breaks. */
function escapeBlock(text: string): string {
  return cleanText(text)
    .split('\n')
    .map((line) => escapeMarkdown(line.trim()))
    .filter((line, index, lines) => line !== '' || (index > 0 && lines[index - 1] !== ''))
    .join('  \n')
    .trim();
}

/** Only a plain https GitHub pull request URL becomes a link; anything else stays text. */
export function safePullRequestUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  return /^https:\/\/github\.com\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/pull\/\d+\/?$/.test(url) ? url : undefined;
}

function isoTime(at: number): string {
  return new Date(at).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

/** The hover: status, times and duration, repository and branches, PR, diff, error. Markdown, untrusted text escaped. */
export function taskTooltipMarkdown(task: Task, context: PresentationContext): string {
  const lines: string[] = [];
  const head = [`**${statusWord(task.status)}**`];
  if (task.status === 'unknown') head.push(`(${escapeMarkdown(task.rawStatus)})`);
  if (context.pendingCancel && isActive(task.status)) head.push(l10n.t('— cancelling…'));
  const runner = runnerText(task);
  if (runner) head.push(`· ${escapeMarkdown(runner)}`);
  lines.push(head.join(' '));

  const prompt = task.prompt ?? task.title;
  if (prompt) lines.push(escapeBlock(truncate(prompt.trim(), TOOLTIP_PROMPT_MAX)));
  else lines.push(`*${l10n.t('Prompt not loaded yet.')}*`);

  const facts: string[] = [];
  if (task.createdAt !== undefined)
    facts.push(l10n.t('Created: {0} ({1})', isoTime(task.createdAt), relativeTime(task.createdAt, context.now)));
  if (task.startedAt !== undefined) facts.push(l10n.t('Started: {0}', isoTime(task.startedAt)));
  if (task.completedAt !== undefined) facts.push(l10n.t('Finished: {0}', isoTime(task.completedAt)));
  const from = task.startedAt ?? task.createdAt;
  if (from !== undefined) {
    if (task.completedAt !== undefined && isTerminal(task.status))
      facts.push(l10n.t('Duration: {0}', formatElapsedRoughly(task.completedAt - from)));
    else if (isActive(task.status))
      facts.push(
        task.status === 'running'
          ? l10n.t('Running for {0}', formatElapsedRoughly(context.now - from))
          : l10n.t('Waiting for {0}', formatElapsedRoughly(context.now - from)),
      );
  }
  if (task.repoUrl) facts.push(l10n.t('Repository: {0}', escapeMarkdown(repositoryDisplayName(task.repoUrl))));
  if (task.baseBranch || task.createdBranch) {
    const base = task.baseBranch ? `\`${inlineCode(task.baseBranch)}\`` : l10n.t('(default branch)');
    facts.push(
      task.createdBranch
        ? l10n.t('Branch: {0} → {1}', base, `\`${inlineCode(task.createdBranch)}\``)
        : l10n.t('Base branch: {0}', base),
    );
  }
  const pr = safePullRequestUrl(task.pullRequestUrl);
  if (pr)
    facts.push(l10n.t('Pull request: {0}', `[${escapeMarkdown(pr.replace(/^https:\/\/github\.com\//, ''))}](${pr})`));
  else if (task.pullRequestUrl) facts.push(l10n.t('Pull request: {0}', escapeMarkdown(task.pullRequestUrl)));
  if (task.diffStats) {
    const d = task.diffStats;
    facts.push(
      d.filesChanged === 1
        ? l10n.t('Changes: 1 file, +{0} −{1}', d.linesAdded, d.linesRemoved)
        : l10n.t('Changes: {0} files, +{1} −{2}', d.filesChanged, d.linesAdded, d.linesRemoved),
    );
  }
  if (context.earlierRuns) facts.push(l10n.t('Follow-up in a chat of {0} runs', context.earlierRuns + 1));
  if (task.followUps?.length) facts.push(l10n.t('Follow-ups: {0}', task.followUps.length));
  if (facts.length) lines.push(facts.join('  \n'));

  if (task.error) lines.push(`**${l10n.t('Error:')}** ${escapeBlock(truncate(task.error, 600))}`);
  lines.push(l10n.t('Task id: {0}', `\`${inlineCode(task.id)}\``));
  return lines.join('\n\n');
}

/** Text inside a backtick code span cannot contain a backtick or break the line. */
function inlineCode(text: string): string {
  return text.replace(/[`\r\n]/g, ' ');
}

/** A Cloud follow-up message as a child row. */
export function presentFollowUp(
  prompt: string,
  status: TaskStatus | undefined,
  createdAt: number | undefined,
  now: number,
): {
  readonly label: string;
  readonly description: string;
  readonly icon: ThemeIconSpec;
  readonly tooltip: string;
} {
  const description = [
    status ? statusWord(status) : undefined,
    createdAt !== undefined ? relativeTime(createdAt, now) : undefined,
  ]
    .filter((part): part is string => part !== undefined)
    .join(' · ');
  return {
    label: truncate(firstLine(prompt) || l10n.t('Follow-up'), LABEL_MAX),
    description: description ? l10n.t('follow-up · {0}', description) : l10n.t('follow-up'),
    icon: status ? STATUS_ICONS[status] : { id: 'comment-discussion' },
    tooltip: `**${l10n.t('Follow-up')}**${status ? ` · ${statusWord(status)}` : ''}\n\n${escapeBlock(truncate(prompt.trim(), TOOLTIP_PROMPT_MAX))}`,
  };
}

/** One agent's execution inside a Cloud multi-agent task, as a child row. */
export function presentAgentRun(run: AgentRun): {
  readonly label: string;
  readonly description: string;
  readonly icon: ThemeIconSpec;
  readonly tooltip: string;
} {
  const model = run.model ? shortModel(run.model) : undefined;
  const facts = [
    `**${escapeMarkdown(run.agent)}**${model ? ` · ${escapeMarkdown(model)}` : ''} · ${statusWord(run.status)}`,
  ];
  if (run.branch) facts.push(l10n.t('Branch: {0}', `\`${inlineCode(run.branch)}\``));
  if (run.error) facts.push(`**${l10n.t('Error:')}** ${escapeBlock(truncate(run.error, 600))}`);
  return {
    label: run.agent,
    description: [model, statusWord(run.status), run.branch]
      .filter((part): part is string => Boolean(part))
      .join(' · '),
    icon: STATUS_ICONS[run.status],
    tooltip: facts.join('\n\n'),
  };
}
