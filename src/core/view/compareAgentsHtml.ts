import type { AgentLane, AgentTask } from '../tasks/agentTask';
import { laneDurationMs, laneTitle } from '../tasks/agentLanes';
import { isActive } from '../tasks/model';
import { formatDuration } from '../util/timeFormat';
import { cleanText } from '../util/untrustedText';
import { safePullRequestUrl, statusWord } from './taskPresentation';
import { linkedRepositoryName } from './taskDetailsHtml';
import { bounded, escapeHtml, webviewPage, type WebviewPageUpdate } from './webviewPage';
import * as l10n from '@vscode/l10n';

/**
 * The Compare Agents page: one column per agent of a task, side by side. Every text from the
 * API (agent and model names, branches, errors, log lines, the final message) is escaped and
 * never placed in a URL, a style or a script; only a github.com pull request URL is linked.
 * The page's CSP allows no network and nothing but its own nonce'd style sheet and script.
 * The script posts which button was pressed (an action from PAGE_ACTIONS and a lane key the
 * extension looks up again); it never runs anything itself, and it swaps in new bodies the
 * extension posts while agents run, keeping the reader's scroll positions and choices.
 */

/** The buttons each agent's column offers, in order. */
export const PAGE_ACTIONS = ['showLogs', 'reviewChanges', 'checkoutBranch', 'openPullRequest', 'applyChanges'] as const;
export type PageAction = (typeof PAGE_ACTIONS)[number];

/** What the page may post; anything else is ignored (see readPageMessage). */
export type PageMessage =
  | { readonly type: 'action'; readonly action: PageAction; readonly laneKey: string }
  | { readonly type: 'compareBranches'; readonly left: string; readonly right: string };

/** What is known of one agent's log, gathered by the panel (rendered plain text, never markup). */
export interface LaneLog {
  /** The last lines of the rendered log, oldest first. */
  readonly lines: readonly string[];
  /** The agent's last message (v1: its last assistant message; Cloud: its last response line). */
  readonly finalMessage?: string;
  readonly state: 'loading' | 'live' | 'ended' | 'unavailable';
}

export interface ComparePageState {
  /** Epoch ms, for how long a running agent has been working. */
  readonly now: number;
  readonly logs?: ReadonlyMap<string, LaneLog>;
  /** Set while the page refreshes itself. */
  readonly refreshError?: string;
}

/** Longest final message shown; the rest is counted. */
const MAX_MESSAGE_CHARS = 4_000;
/** Log lines shown per agent. */
export const LOG_LINES_SHOWN = 30;

/** The page's message, checked: a known type, a known action, string keys of sane length. */
export function readPageMessage(data: unknown): PageMessage | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const message = data as Record<string, unknown>;
  const key = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length < 300;
  if (message['type'] === 'action') {
    const action = PAGE_ACTIONS.find((candidate) => candidate === message['action']);
    return action && key(message['laneKey']) ? { type: 'action', action, laneKey: message['laneKey'] } : undefined;
  }
  if (message['type'] === 'compareBranches' && key(message['left']) && key(message['right']))
    return { type: 'compareBranches', left: message['left'], right: message['right'] };
  return undefined;
}

/** What is inside the page's `<main>`: the part an update replaces. */
function renderCompareAgentsBody(agentTask: AgentTask, state: ComparePageState): string {
  const columns = agentTask.lanes
    .map((lane, index) => renderColumn(lane, index, state.now, state.logs?.get(lane.key)))
    .join('\n');
  return [
    renderHeader(agentTask),
    state.refreshError
      ? `<p class="warning" role="status">${escapeHtml(l10n.t('Could not refresh: {0}', state.refreshError))}</p>`
      : '',
    renderCompareBranches(agentTask),
    `<div class="columns" id="columns">${columns}</div>`,
  ].join('\n');
}

/**
 * The page across updates: nothing shown changed → nothing happens; new content on a page on
 * screen → a patch (scroll and choices stay); else a whole load.
 */
export class CompareAgentsPage {
  private shown: string | undefined;
  private page = '';

  constructor(private readonly nonce: () => string) {}

  get html(): string {
    return this.page;
  }

  update(agentTask: AgentTask, state: ComparePageState, pageOnScreen: boolean): WebviewPageUpdate {
    const body = renderCompareAgentsBody(agentTask, state);
    if (body === this.shown && pageOnScreen) return { kind: 'unchanged' };
    this.shown = body;
    this.page = webviewPage({ title: pageTitle(agentTask), body, styles: STYLES, script: SCRIPT, nonce: this.nonce() });
    return pageOnScreen ? { kind: 'patch', body, html: this.page } : { kind: 'load', html: this.page };
  }
}

function pageTitle(agentTask: AgentTask): string {
  const line = (agentTask.prompt ?? '').trim().split(/\r?\n/, 1)[0] ?? '';
  if (line === '') return l10n.t('Task {0}', agentTask.key);
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

function renderHeader(agentTask: AgentTask): string {
  const running = agentTask.lanes.filter((lane) => isActive(lane.status)).length;
  const counts =
    running > 0
      ? l10n.t('{0} agents · {1} running', agentTask.lanes.length, running)
      : l10n.t('{0} agents', agentTask.lanes.length);
  const repository = linkedRepositoryName(agentTask.repoUrl) ?? agentTask.repoUrl;
  const facts = [
    counts,
    repository ? l10n.t('Repository: {0}', repository) : undefined,
    agentTask.baseBranch ? l10n.t('Base: {0}', agentTask.baseBranch) : undefined,
  ].filter((fact): fact is string => fact !== undefined);
  return (
    `<header><h1>${escapeHtml(pageTitle(agentTask))}</h1></header>` +
    `<p class="muted">${facts.map((fact) => escapeHtml(fact)).join(' · ')}</p>`
  );
}

/** Two pickers and a button: the multi-file diff between two agents' branches. */
function renderCompareBranches(agentTask: AgentTask): string {
  const withBranch = agentTask.lanes
    .map((lane, index) => ({ lane, index }))
    .filter(({ lane }) => lane.branch !== undefined);
  const heading = `<h2>${escapeHtml(l10n.t('Compare Branches'))}</h2>`;
  if (withBranch.length < 2)
    return `<section class="compare" aria-label="${escapeHtml(l10n.t('Compare Branches'))}">${heading}<p class="muted">${escapeHtml(
      l10n.t('Compare Branches needs two agents that have pushed a branch.'),
    )}</p></section>`;
  const options = (selected: number): string =>
    withBranch
      .map(
        ({ lane, index }, position) =>
          `<option value="${escapeHtml(lane.key)}"${position === selected ? ' selected' : ''}>${escapeHtml(
            `${laneTitle(lane, index)} — ${lane.branch ?? ''}`,
          )}</option>`,
      )
      .join('');
  return (
    `<section class="compare" aria-label="${escapeHtml(l10n.t('Compare Branches'))}">${heading}<p>` +
    `<label>${escapeHtml(l10n.t('Left'))} <select id="compare-left">${options(0)}</select></label> ` +
    `<label>${escapeHtml(l10n.t('Right'))} <select id="compare-right">${options(1)}</select></label> ` +
    `<button type="button" data-action="compareBranches">${escapeHtml(l10n.t('Compare Branches'))}</button></p></section>`
  );
}

function renderColumn(lane: AgentLane, index: number, now: number, log: LaneLog | undefined): string {
  const key = escapeHtml(lane.key);
  const status = lane.status === 'unknown' ? l10n.t('unknown ({0})', lane.rawStatus) : statusWord(lane.status);
  const rows: [string, string][] = [];
  const add = (label: string, html: string | undefined): void => {
    if (html !== undefined) rows.push([label, html]);
  };
  const duration = formatDuration(laneDurationMs(lane, now));
  add(
    isActive(lane.status) ? l10n.t('Working for') : l10n.t('Time taken'),
    escapeHtml(duration ?? l10n.t('not known')),
  );
  const stats = lane.diffStats;
  add(l10n.t('Files changed'), stats ? String(stats.filesChanged) : escapeHtml(l10n.t('not known')));
  add(
    l10n.t('Lines'),
    stats
      ? `<span class="added">+${stats.linesAdded}</span> <span class="removed">−${stats.linesRemoved}</span>`
      : escapeHtml(l10n.t('not known')),
  );
  add(l10n.t('Branch'), lane.branch ? `<code>${escapeHtml(lane.branch)}</code>` : escapeHtml(l10n.t('none yet')));
  add(l10n.t('Pull request'), renderLanePullRequest(lane.pullRequestUrl));
  const table = `<table class="meta"><tbody>${rows
    .map(([label, html]) => `<tr><th scope="row">${escapeHtml(label)}</th><td>${html}</td></tr>`)
    .join('')}</tbody></table>`;
  const error = lane.error
    ? `<div class="error" role="note"><strong>${escapeHtml(l10n.t('Error'))}</strong><div class="text">${escapeHtml(bounded(cleanText(lane.error), MAX_MESSAGE_CHARS))}</div></div>`
    : '';
  return [
    `<section class="column status-${escapeHtml(lane.status)}" data-lane="${key}" aria-label="${escapeHtml(laneTitle(lane, index))}">`,
    `<h2>${escapeHtml(laneTitle(lane, index))}</h2>`,
    `<p><span class="status status-${escapeHtml(lane.status)}">${escapeHtml(status)}</span></p>`,
    table,
    error,
    renderButtons(lane),
    renderFinalMessage(log),
    renderLog(lane, log),
    '</section>',
  ].join('');
}

function renderLanePullRequest(url: string | undefined): string {
  if (!url) return escapeHtml(l10n.t('none'));
  const safe = safePullRequestUrl(url);
  if (!safe) return `${escapeHtml(url)} <span class="muted">${escapeHtml(l10n.t('(not linked)'))}</span>`;
  const number = /\/pull\/(\d+)/.exec(safe)?.[1];
  return `<a href="${escapeHtml(safe)}">${escapeHtml(number ? `#${number}` : safe)}</a>`;
}

function renderButtons(lane: AgentLane): string {
  const hasBranch = lane.branch !== undefined;
  const labels: Record<PageAction, { readonly label: string; readonly enabled: boolean }> = {
    showLogs: { label: l10n.t('Show Logs'), enabled: true },
    reviewChanges: { label: l10n.t('Review Changes'), enabled: hasBranch },
    checkoutBranch: { label: l10n.t("Check Out This Agent's Branch"), enabled: hasBranch },
    openPullRequest: { label: l10n.t('Open PR'), enabled: safePullRequestUrl(lane.pullRequestUrl) !== undefined },
    applyChanges: { label: l10n.t('Apply Changes…'), enabled: hasBranch },
  };
  const buttons = PAGE_ACTIONS.map((action) => {
    const { label, enabled } = labels[action];
    return `<button type="button" data-action="${action}" data-lane="${escapeHtml(lane.key)}"${enabled ? '' : ' disabled'}>${escapeHtml(label)}</button>`;
  });
  return `<div class="actions">${buttons.join('')}</div>`;
}

function renderFinalMessage(log: LaneLog | undefined): string {
  const heading = `<h3>${escapeHtml(l10n.t('Final message'))}</h3>`;
  if (!log?.finalMessage) return `${heading}<p class="muted">${escapeHtml(l10n.t('None yet.'))}</p>`;
  return `${heading}<div class="text final">${escapeHtml(bounded(cleanText(log.finalMessage), MAX_MESSAGE_CHARS))}</div>`;
}

function renderLog(lane: AgentLane, log: LaneLog | undefined): string {
  const heading = `<h3>${escapeHtml(l10n.t('Last lines of the log'))}</h3>`;
  const state = log?.state ?? 'loading';
  const note =
    state === 'loading'
      ? l10n.t('Loading the log…')
      : state === 'unavailable'
        ? l10n.t('The log could not be read.')
        : state === 'live'
          ? l10n.t('Live')
          : undefined;
  const lines = (log?.lines ?? []).slice(-LOG_LINES_SHOWN);
  const body =
    lines.length > 0
      ? `<pre class="log" data-lane="${escapeHtml(lane.key)}">${lines.map((line) => escapeHtml(line)).join('\n')}</pre>`
      : state === 'loading'
        ? ''
        : `<p class="muted">${escapeHtml(l10n.t('No log lines yet.'))}</p>`;
  return `${heading}${note ? `<p class="muted">${escapeHtml(note)}</p>` : ''}${body}`;
}

/**
 * The page's only script. Buttons post their action and lane key; the extension checks both
 * and runs the command itself. An update swaps in a new body (markup built above, every API
 * text escaped) and puts back the page's scroll, the columns' scroll, each log's scroll (or its
 * end, for a reader following it), the chosen branches and the focused button.
 */
const SCRIPT = `(() => {
  const vscode = acquireVsCodeApi();
  const page = document.getElementById('page');
  document.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button[data-action]') : null;
    if (!button || button.disabled) return;
    const action = button.getAttribute('data-action');
    if (action === 'compareBranches') {
      const left = document.getElementById('compare-left');
      const right = document.getElementById('compare-right');
      if (left && right) vscode.postMessage({ type: 'compareBranches', left: left.value, right: right.value });
      return;
    }
    vscode.postMessage({ type: 'action', action, laneKey: button.getAttribute('data-lane') });
  });
  window.addEventListener('message', (event) => {
    const data = event.data;
    if (!page || !data || data.type !== 'update' || typeof data.body !== 'string') return;
    const root = document.scrollingElement || document.documentElement;
    const top = root.scrollTop;
    const columns = document.getElementById('columns');
    const left = columns ? columns.scrollLeft : 0;
    const logs = new Map();
    page.querySelectorAll('pre.log').forEach((pre) => {
      const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
      logs.set(pre.getAttribute('data-lane'), { atEnd, top: pre.scrollTop });
    });
    const chosen = ['compare-left', 'compare-right'].map((id) => { const s = document.getElementById(id); return s ? s.value : undefined; });
    const focused = document.activeElement instanceof HTMLButtonElement
      ? [document.activeElement.getAttribute('data-action'), document.activeElement.getAttribute('data-lane')] : undefined;
    page.innerHTML = data.body;
    ['compare-left', 'compare-right'].forEach((id, i) => {
      const s = document.getElementById(id);
      if (s && chosen[i] !== undefined && [...s.options].some((o) => o.value === chosen[i])) s.value = chosen[i];
    });
    page.querySelectorAll('pre.log').forEach((pre) => {
      const was = logs.get(pre.getAttribute('data-lane'));
      pre.scrollTop = !was || was.atEnd ? pre.scrollHeight : was.top;
    });
    const nextColumns = document.getElementById('columns');
    if (nextColumns) nextColumns.scrollLeft = left;
    root.scrollTop = top;
    if (focused) {
      const again = [...page.querySelectorAll('button[data-action]')].find((b) =>
        b.getAttribute('data-action') === focused[0] && b.getAttribute('data-lane') === focused[1]);
      if (again) again.focus();
    }
  });
})();`;

const STYLES = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 20px 24px; line-height: 1.45; }
h1 { font-size: 1.35em; margin: 16px 0 2px; overflow-wrap: anywhere; }
h2 { font-size: 1.1em; margin: 0 0 6px; overflow-wrap: anywhere; }
h3 { font-size: 0.95em; margin: 12px 0 4px; color: var(--vscode-descriptionForeground); }
section.compare h2 { margin-top: 12px; }
a { color: var(--vscode-textLink-foreground); }
code { font-family: var(--vscode-editor-font-family); background: var(--vscode-textCodeBlock-background); padding: 0 4px; border-radius: 3px; overflow-wrap: anywhere; }
.muted { color: var(--vscode-descriptionForeground); }
.warning { color: var(--vscode-editorWarning-foreground); }
.columns { display: grid; grid-auto-flow: column; grid-auto-columns: minmax(260px, 1fr); gap: 14px; overflow-x: auto; margin-top: 12px; }
.column { border: 1px solid var(--vscode-panel-border); border-top: 3px solid var(--vscode-charts-blue); border-radius: 4px; padding: 10px 12px; min-width: 0; }
.column.status-completed { border-top-color: var(--vscode-testing-iconPassed); }
.column.status-failed, .column.status-interrupted { border-top-color: var(--vscode-testing-iconFailed); }
.column.status-cancelled { border-top-color: var(--vscode-disabledForeground); }
.column.status-queued { border-top-color: var(--vscode-charts-yellow); }
.status { padding: 1px 8px; border-radius: 10px; background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); font-size: 0.9em; }
.status-failed .status, .status.status-failed, .status.status-interrupted { background: var(--vscode-inputValidation-errorBackground); color: var(--vscode-foreground); }
.status.status-completed { background: var(--vscode-testing-iconPassed); color: var(--vscode-editor-background); }
table { border-collapse: collapse; }
table.meta th { text-align: left; font-weight: normal; color: var(--vscode-descriptionForeground); padding: 1px 12px 1px 0; vertical-align: top; white-space: nowrap; }
table.meta td { padding: 1px 0; vertical-align: top; }
.added { color: var(--vscode-gitDecoration-addedResourceForeground); }
.removed { color: var(--vscode-gitDecoration-deletedResourceForeground); }
.error { border-left: 3px solid var(--vscode-errorForeground); padding-left: 8px; margin: 8px 0; }
.error strong { color: var(--vscode-errorForeground); }
.actions { display: flex; flex-wrap: wrap; gap: 6px; margin: 10px 0 4px; }
button { font-family: inherit; font-size: 0.92em; color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); border: 1px solid var(--vscode-button-border, transparent); border-radius: 2px; padding: 3px 8px; cursor: pointer; }
button:hover:not([disabled]) { background: var(--vscode-button-secondaryHoverBackground); }
button[data-action="compareBranches"] { color: var(--vscode-button-foreground); background: var(--vscode-button-background); }
button[disabled] { opacity: 0.5; cursor: default; }
select { font-family: inherit; color: var(--vscode-dropdown-foreground); background: var(--vscode-dropdown-background); border: 1px solid var(--vscode-dropdown-border); padding: 2px 4px; max-width: 320px; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
.final { max-height: 10em; overflow-y: auto; background: var(--vscode-textBlockQuote-background); padding: 4px 8px; }
pre.log { font-family: var(--vscode-editor-font-family); font-size: 0.88em; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 18em; overflow-y: auto; margin: 0; padding: 6px 8px; background: var(--vscode-textCodeBlock-background); border-radius: 3px; }
`;
