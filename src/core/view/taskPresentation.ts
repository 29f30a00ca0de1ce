import { ALL_STATUSES, isActive, isTerminal, type DiffStats, type Task, type TaskStatus } from '../tasks/model';
import { laneStatusCounts, type AgentLane, type AgentTask } from '../tasks/agentTask';
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

/** What a multi-agent row needs beyond the task: the time, and which runs are being cancelled. */
export interface AgentPresentationContext {
  readonly now: number;
  readonly pendingCancel?: (runId: string) => boolean;
}

/** How many agents work on the task: the lanes known, or more when the create answer said so. */
export function agentCountOf(agentTask: AgentTask): number {
  return Math.max(agentTask.lanes.length, agentTask.agentCount ?? 0);
}

function statusCount(status: TaskStatus, count: number): string {
  switch (status) {
    case 'running':
      return l10n.t('{0} running', count);
    case 'queued':
      return l10n.t('{0} queued', count);
    case 'completed':
      return l10n.t('{0} completed', count);
    case 'failed':
      return l10n.t('{0} failed', count);
    case 'cancelled':
      return l10n.t('{0} cancelled', count);
    case 'interrupted':
      return l10n.t('{0} interrupted', count);
    case 'unknown':
      return l10n.t('{0} unknown', count);
  }
}

/** "2 running, 1 failed": each status of the task's agents with its count, in lifecycle order. */
export function agentStatusSummary(agentTask: AgentTask): string {
  const counts = laneStatusCounts(agentTask);
  return ALL_STATUSES.filter((status) => counts.has(status))
    .map((status) => statusCount(status, counts.get(status) ?? 0))
    .join(', ');
}

/** "3 agents · 2 running, 1 failed". */
export function agentTaskDescription(agentTask: AgentTask, context: AgentPresentationContext): string {
  const count = agentCountOf(agentTask);
  const parts = [count === 1 ? l10n.t('1 agent') : l10n.t('{0} agents', count)];
  const summary = agentStatusSummary(agentTask);
  if (summary) parts.push(summary);
  if (agentTask.lanes.some((lane) => isActive(lane.status) && context.pendingCancel?.(lane.run.id)))
    parts.push(l10n.t('Cancelling…'));
  return parts.join(' · ');
}

/**
 * Capability tokens of a multi-agent task's row: `multiAgent`, and each action that fits at least
 * one of its agents (the command then asks which agent, or acts on all of them).
 */
export function agentTaskContextValue(agentTask: AgentTask, context: AgentPresentationContext): string {
  const tokens = ['task', agentTask.status, 'multiAgent'];
  const lanes = agentTask.lanes;
  if (lanes.some((lane) => isActive(lane.status))) tokens.push('active');
  if (lanes.some((lane) => laneCancellable(lane, context))) tokens.push('cancellable');
  if (lanes.some(laneContinuable)) tokens.push('continuable');
  if (lanes.some(laneHasBranch)) tokens.push('hasBranch');
  if (lanes.some((lane) => safePullRequestUrl(lane.pullRequestUrl))) tokens.push('hasPullRequest');
  return tokens.join(' ');
}

export function presentAgentTask(agentTask: AgentTask, context: AgentPresentationContext): TaskPresentation {
  const cancelling = agentTask.lanes.some((lane) => isActive(lane.status) && context.pendingCancel?.(lane.run.id));
  const source = agentTask.prompt;
  const line = source !== undefined ? firstLine(source) : '';
  return {
    label: line ? truncate(line, LABEL_MAX) : taskLabel(agentTask.lanes[0]?.run ?? ({ id: agentTask.key } as Task)),
    description: agentTaskDescription(agentTask, context),
    icon: cancelling && isActive(agentTask.status) ? CANCELLING_ICON : STATUS_ICONS[agentTask.status],
    contextValue: agentTaskContextValue(agentTask, context),
    statusWord: statusWord(agentTask.status),
  };
}

/** The hover of a multi-agent task: the prompt, then one line per agent. Markdown, untrusted text escaped. */
export function agentTaskTooltipMarkdown(agentTask: AgentTask, context: AgentPresentationContext): string {
  const lines = [`**${statusWord(agentTask.status)}** · ${escapeMarkdown(agentTaskDescription(agentTask, context))}`];
  if (agentTask.prompt) lines.push(escapeBlock(truncate(agentTask.prompt.trim(), TOOLTIP_PROMPT_MAX)));
  else lines.push(`*${l10n.t('Prompt not loaded yet.')}*`);
  const facts: string[] = [];
  if (agentTask.createdAt !== undefined)
    facts.push(
      l10n.t('Created: {0} ({1})', isoTime(agentTask.createdAt), relativeTime(agentTask.createdAt, context.now)),
    );
  if (agentTask.repoUrl)
    facts.push(l10n.t('Repository: {0}', escapeMarkdown(repositoryDisplayName(agentTask.repoUrl))));
  if (agentTask.baseBranch) facts.push(l10n.t('Base branch: {0}', `\`${inlineCode(agentTask.baseBranch)}\``));
  if (facts.length) lines.push(facts.join('  \n'));
  lines.push(
    agentTask.lanes.map((lane) => `${escapeMarkdown(laneLabel(lane))}: ${statusWord(lane.status)}`).join('  \n'),
  );
  return lines.join('\n\n');
}

/** "claude · claude-sonnet-4.6": the agent and its model, whichever are known. */
export function laneLabel(lane: AgentLane): string {
  const model = lane.model ? shortModel(lane.model) : undefined;
  const label = [lane.agent, model].filter((part): part is string => Boolean(part)).join(' · ');
  return truncate(cleanText(label).replace(/\s+/g, ' ').trim(), LABEL_MAX) || l10n.t('Agent');
}

/** How long the agent took, or has been at it so far; undefined before it started. */
export function laneDuration(lane: AgentLane, now: number): number | undefined {
  if (lane.startedAt === undefined) return undefined;
  if (isTerminal(lane.status)) return lane.completedAt !== undefined ? lane.completedAt - lane.startedAt : undefined;
  return isActive(lane.status) ? now - lane.startedAt : undefined;
}

/** "+42 −7 · 3 files". */
export function diffStatsText(stats: DiffStats): string {
  const files = stats.filesChanged === 1 ? l10n.t('1 file') : l10n.t('{0} files', stats.filesChanged);
  return `+${stats.linesAdded} −${stats.linesRemoved} · ${files}`;
}

function laneCancellable(lane: AgentLane, context: AgentPresentationContext): boolean {
  return isActive(lane.status) && canCancel(lane.run) && !context.pendingCancel?.(lane.run.id);
}

function laneContinuable(lane: AgentLane): boolean {
  return isTerminal(lane.status) && isTerminal(lane.run.status);
}

function laneHasBranch(lane: AgentLane): boolean {
  return Boolean(lane.branch && (lane.run.repoUrl ?? undefined));
}

/** Capability tokens of one agent's row, matched by the same menus as task rows. */
export function laneContextValue(lane: AgentLane, context: AgentPresentationContext): string {
  const tokens = ['agent', lane.status];
  const active = isActive(lane.status);
  const cancelling = active && context.pendingCancel?.(lane.run.id) === true;
  if (active) tokens.push('active');
  if (laneCancellable(lane, context)) tokens.push('cancellable');
  if (cancelling) tokens.push('cancelling');
  if (laneContinuable(lane)) tokens.push('continuable');
  if (laneHasBranch(lane)) tokens.push('hasBranch');
  if (safePullRequestUrl(lane.pullRequestUrl)) tokens.push('hasPullRequest');
  return tokens.join(' ');
}

/** One agent of a multi-agent task, as a child row: agent and model, status icon, time taken, diff stats. */
export function presentAgentLane(
  lane: AgentLane,
  context: AgentPresentationContext,
): TaskPresentation & { readonly tooltip: string } {
  const cancelling = isActive(lane.status) && context.pendingCancel?.(lane.run.id) === true;
  const parts: string[] = [];
  if (cancelling) parts.push(l10n.t('Cancelling…'));
  if (lane.status === 'queued') parts.push(l10n.t('queued'));
  const took = laneDuration(lane, context.now);
  if (took !== undefined) parts.push(formatElapsedRoughly(took));
  if (lane.diffStats) parts.push(diffStatsText(lane.diffStats));
  if (lane.earlierRuns.length) parts.push(l10n.t('{0} runs', lane.earlierRuns.length + 1));
  if (lane.status === 'unknown') parts.push(l10n.t('status “{0}”', truncate(lane.rawStatus, 24)));
  return {
    label: laneLabel(lane),
    description: parts.join(' · '),
    icon: cancelling ? CANCELLING_ICON : STATUS_ICONS[lane.status],
    contextValue: laneContextValue(lane, context),
    statusWord: statusWord(lane.status),
    tooltip: laneTooltipMarkdown(lane, context.now),
  };
}

/** An agent row's hover: status, agent and model, times, branch, PR, changes, error. Untrusted text escaped. */
function laneTooltipMarkdown(lane: AgentLane, now: number): string {
  const head = [`**${statusWord(lane.status)}**`];
  if (lane.status === 'unknown') head.push(`(${escapeMarkdown(lane.rawStatus)})`);
  head.push(`· ${escapeMarkdown(laneLabel(lane))}`);
  if (lane.model && shortModel(lane.model) !== lane.model) head.push(`(${escapeMarkdown(lane.model)})`);
  const facts: string[] = [];
  if (lane.startedAt !== undefined) facts.push(l10n.t('Started: {0}', isoTime(lane.startedAt)));
  if (lane.completedAt !== undefined && isTerminal(lane.status))
    facts.push(l10n.t('Finished: {0}', isoTime(lane.completedAt)));
  const took = laneDuration(lane, now);
  if (took !== undefined)
    facts.push(
      isTerminal(lane.status)
        ? l10n.t('Duration: {0}', formatElapsedRoughly(took))
        : l10n.t('Running for {0}', formatElapsedRoughly(took)),
    );
  if (lane.branch) facts.push(l10n.t('Branch: {0}', `\`${inlineCode(lane.branch)}\``));
  const pr = safePullRequestUrl(lane.pullRequestUrl);
  if (pr) facts.push(l10n.t('Pull request: {0}', escapeMarkdown(pr)));
  else if (lane.pullRequestUrl) facts.push(l10n.t('Pull request: {0}', escapeMarkdown(lane.pullRequestUrl)));
  if (lane.diffStats) {
    const d = lane.diffStats;
    facts.push(
      d.filesChanged === 1
        ? l10n.t('Changes: 1 file, +{0} −{1}', d.linesAdded, d.linesRemoved)
        : l10n.t('Changes: {0} files, +{1} −{2}', d.filesChanged, d.linesAdded, d.linesRemoved),
    );
  }
  if (lane.earlierRuns.length) facts.push(l10n.t('Continued: {0} runs', lane.earlierRuns.length + 1));
  const lines = [head.join(' ')];
  if (facts.length) lines.push(facts.join('  \n'));
  if (lane.error) lines.push(`**${l10n.t('Error:')}** ${escapeBlock(truncate(lane.error, 600))}`);
  lines.push(l10n.t('Run id: {0}', `\`${inlineCode(lane.run.id)}\``));
  return lines.join('\n\n');
}
