import { isActive, type ChatMessage, type MessagePart, type TaskDetails } from '../tasks/model';
import { cleanText } from '../util/untrustedText';
import * as l10n from '@vscode/l10n';
import { bounded, escapeHtml, safeGithubUrl, webviewPage, type WebviewPageUpdate } from './webviewPage';

/**
 * The task details page as one HTML string. Every piece of text from the API is untrusted:
 * it is escaped, never placed in a URL or a style, and the page carries a CSP that allows
 * no network at all (`default-src 'none'`) and nothing but its own nonce'd style sheet and
 * script. The script (a few lines, below) only swaps in a new body the extension posts, so
 * a refresh keeps the reader's scroll position, open sections and find state.
 * Links are emitted only for https://github.com/ URLs (the pull request and the repository).
 * Terminal escape sequences and bidi overrides are removed from message text first.
 */

export interface DetailsPageState {
  /** When the details shown were fetched (epoch ms). */
  readonly fetchedAt?: number;
  /** Set while the page refreshes itself, in seconds. */
  readonly refreshEverySeconds?: number;
  /** The last refresh failed: the page still shows what was fetched before. */
  readonly refreshError?: string;
  /** Formats an epoch-ms time; injectable so tests do not depend on the machine's locale and zone. */
  readonly formatTime?: (epochMs: number) => string;
  /**
   * Offer Review Changes and Apply Changes (with these labels) as `command:` links when the task
   * has a branch. Only for a webview that allows exactly DETAILS_PAGE_COMMANDS as command URIs.
   */
  readonly branchActions?: { readonly reviewLabel: string; readonly applyLabel: string };
}

/** The only commands the details page links to; the panel allows these command URIs and no others. */
export const DETAILS_PAGE_COMMANDS = ['blackboxTasks.reviewChanges', 'blackboxTasks.applyChanges'] as const;

/** Longest text of one message part shown; the rest is summarised as a count. */
const MAX_PART_CHARS = 20_000;

/** owner/repo from a GitHub clone URL, or undefined when it is not one. */
export function linkedRepositoryName(repoUrl: string | undefined): string | undefined {
  const url = safeGithubUrl(repoUrl);
  if (!url) return undefined;
  const match = /^https:\/\/github\.com\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(url);
  return match ? `${match[1]}/${match[2]}` : undefined;
}

/** What is inside the page's `<main>`: the part a refresh replaces. */
function renderTaskDetailsBody(details: TaskDetails, state: DetailsPageState): string {
  const formatTime = state.formatTime ?? ((ms: number) => new Date(ms).toLocaleString());
  return [
    `<header><h1>${escapeHtml(headline(details))}</h1>${statusBadge(details)}</header>`,
    renderFreshness(details, state, formatTime),
    renderMetadata(details, formatTime),
    state.branchActions ? renderBranchActions(details, state.branchActions) : '',
    renderAgentRuns(details),
    renderConversation(details.messages, formatTime),
  ].join('\n');
}

export interface DetailsRefresh extends Omit<DetailsPageState, 'fetchedAt'> {
  /** When these details were fetched (epoch ms); shown as "Updated" only when they changed what is shown. */
  readonly fetchedAt?: number;
  /** Whether a page is loaded and on screen, so new content can be patched into it. */
  readonly pageOnScreen: boolean;
}

/**
 * The details page across refreshes. A refresh that changes nothing shown changes nothing
 * (the "Updated" time is when the shown content last changed, not when it was last checked);
 * new content is patched into the page on screen, so scroll position and find stay; a page
 * not on screen is simply loaded anew.
 */
export class DetailsPage {
  private shown: string | undefined;
  private changedAt: number | undefined;
  private page = '';

  constructor(private readonly nonce: () => string) {}

  /** The whole page as last rendered. */
  get html(): string {
    return this.page;
  }

  update(details: TaskDetails, refresh: DetailsRefresh): WebviewPageUpdate {
    const { pageOnScreen, fetchedAt, ...state } = refresh;
    const content = renderTaskDetailsBody(details, state);
    if (content === this.shown && pageOnScreen) return { kind: 'unchanged' };
    if (content !== this.shown) this.changedAt = fetchedAt;
    this.shown = content;
    const body = renderTaskDetailsBody(details, {
      ...state,
      ...(this.changedAt !== undefined ? { fetchedAt: this.changedAt } : {}),
    });
    this.page = webviewPage({ title: headline(details), body, styles: STYLES, script: SCRIPT, nonce: this.nonce() });
    return pageOnScreen ? { kind: 'patch', body, html: this.page } : { kind: 'load', html: this.page };
  }
}

/**
 * Links that run a command on this task. The task id is the only argument, JSON- and
 * URI-encoded, so the command asks the user everything else (which files, local edits) itself.
 */
function renderBranchActions(
  details: TaskDetails,
  labels: { readonly reviewLabel: string; readonly applyLabel: string },
): string {
  if (!details.createdBranch || !details.repoUrl) return '';
  const argument = encodeURIComponent(JSON.stringify([details.id]));
  const [review, apply] = DETAILS_PAGE_COMMANDS;
  const link = (command: string, label: string): string =>
    `<a href="${escapeHtml(`command:${command}?${argument}`)}">${escapeHtml(label)}</a>`;
  return `<p class="actions">${link(review, labels.reviewLabel)} · ${link(apply, labels.applyLabel)}</p>`;
}

function headline(details: TaskDetails): string {
  const text = (details.title ?? details.prompt ?? firstUserText(details.messages) ?? '').trim();
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  if (line === '') return l10n.t('Task {0}', details.id);
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

function firstUserText(messages: readonly ChatMessage[]): string | undefined {
  for (const message of messages) {
    if (message.role !== 'user') continue;
    for (const part of message.parts) if (part.type === 'text' && part.text.trim() !== '') return part.text;
  }
  return undefined;
}

function statusBadge(details: TaskDetails): string {
  const shown = details.status === 'unknown' ? l10n.t('unknown ({0})', details.rawStatus) : details.status;
  return `<span class="status status-${escapeHtml(details.status)}">${escapeHtml(shown)}</span>`;
}

function renderFreshness(details: TaskDetails, state: DetailsPageState, formatTime: (ms: number) => string): string {
  const parts: string[] = [];
  if (state.fetchedAt !== undefined) parts.push(escapeHtml(l10n.t('Updated {0}', formatTime(state.fetchedAt))));
  if (state.refreshEverySeconds !== undefined && isActive(details.status))
    parts.push(escapeHtml(l10n.t('refreshing every {0} s while the task is active', state.refreshEverySeconds)));
  const line = parts.length > 0 ? `<p class="muted">${parts.join(' · ')}.</p>` : '';
  const failure = state.refreshError
    ? `<p class="warning" role="status">${escapeHtml(l10n.t('Could not refresh: {0}', state.refreshError))}</p>`
    : '';
  return line + failure;
}

function renderMetadata(details: TaskDetails, formatTime: (ms: number) => string): string {
  const rows: [string, string][] = [];
  const text = (value: string | undefined): string | undefined =>
    value === undefined || value === '' ? undefined : escapeHtml(value);
  const add = (label: string, html: string | undefined): void => {
    if (html !== undefined) rows.push([label, html]);
  };

  add(l10n.t('Task ID'), `<code>${escapeHtml(details.id)}</code>`);
  if (details.threadId && details.threadId !== details.id)
    add(l10n.t('Chat ID'), `<code>${escapeHtml(details.threadId)}</code>`);
  if (details.previousRunId) add(l10n.t('Continues run'), `<code>${escapeHtml(details.previousRunId)}</code>`);
  add(l10n.t('API'), details.api === 'agent' ? 'Agent API v1' : 'Cloud API');
  if (details.progress !== undefined && isActive(details.status))
    add(l10n.t('Progress'), `${Math.max(0, Math.min(100, Math.round(details.progress)))} %`);
  add(l10n.t('Repository'), renderRepository(details.repoUrl));
  add(l10n.t('Base branch'), details.baseBranch ? `<code>${escapeHtml(details.baseBranch)}</code>` : undefined);
  add(
    l10n.t('Created branch'),
    details.createdBranch ? `<code>${escapeHtml(details.createdBranch)}</code>` : undefined,
  );
  add(l10n.t('Pull request'), renderPullRequest(details.pullRequestUrl));
  add(l10n.t('Changes'), renderDiffStats(details));
  add(l10n.t('Agent'), text(details.agent));
  add(l10n.t('Model'), text(details.model));
  add(l10n.t('Created'), details.createdAt !== undefined ? escapeHtml(formatTime(details.createdAt)) : undefined);
  add(l10n.t('Started'), details.startedAt !== undefined ? escapeHtml(formatTime(details.startedAt)) : undefined);
  add(l10n.t('Finished'), details.completedAt !== undefined ? escapeHtml(formatTime(details.completedAt)) : undefined);

  const table = `<table class="meta"><tbody>${rows.map(([label, html]) => `<tr><th scope="row">${escapeHtml(label)}</th><td>${html}</td></tr>`).join('')}</tbody></table>`;
  const error = details.error
    ? `<section class="error" aria-label="${escapeHtml(l10n.t('Error'))}"><h2>${escapeHtml(l10n.t('Error'))}</h2><div class="text">${escapeHtml(bounded(cleanText(details.error), MAX_PART_CHARS))}</div></section>`
    : '';
  return `<section aria-label="${escapeHtml(l10n.t('Details'))}">${table}</section>${error}`;
}

function renderRepository(repoUrl: string | undefined): string | undefined {
  if (!repoUrl) return undefined;
  const name = linkedRepositoryName(repoUrl);
  if (!name) return escapeHtml(repoUrl);
  return `<a href="${escapeHtml(`https://github.com/${name}`)}">${escapeHtml(name)}</a>`;
}

function renderPullRequest(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const safe = safeGithubUrl(url);
  if (!safe)
    return `${escapeHtml(url)} <span class="muted">${escapeHtml(l10n.t('(not a github.com link, so not linked)'))}</span>`;
  const number = /\/pull\/(\d+)/.exec(safe)?.[1];
  return `<a href="${escapeHtml(safe)}">${escapeHtml(number ? `#${number}` : safe)}</a>`;
}

function renderDiffStats(details: TaskDetails): string | undefined {
  const stats = details.diffStats;
  if (!stats) return undefined;
  const files = stats.filesChanged === 1 ? l10n.t('1 file') : l10n.t('{0} files', stats.filesChanged);
  return l10n.t(
    '{0} {1} in {2}',
    `<span class="added">+${stats.linesAdded}</span>`,
    `<span class="removed">−${stats.linesRemoved}</span>`,
    escapeHtml(files),
  );
}

function renderAgentRuns(details: TaskDetails): string {
  const runs = details.agentRuns ?? [];
  if (runs.length === 0) return '';
  const rows = runs
    .map(
      (run) =>
        `<tr><td>${escapeHtml(run.agent)}</td><td>${escapeHtml(run.model ?? '')}</td><td>${escapeHtml(run.status === 'unknown' ? run.rawStatus : run.status)}</td>` +
        `<td>${run.branch ? `<code>${escapeHtml(run.branch)}</code>` : ''}</td><td>${escapeHtml(run.error ?? '')}</td></tr>`,
    )
    .join('');
  const agents = escapeHtml(l10n.t('Agents'));
  const headings = [l10n.t('Agent'), l10n.t('Model'), l10n.t('Status'), l10n.t('Branch'), l10n.t('Error')]
    .map((heading) => `<th>${escapeHtml(heading)}</th>`)
    .join('');
  return `<section aria-label="${agents}"><h2>${agents}</h2><table class="runs"><thead><tr>${headings}</tr></thead><tbody>${rows}</tbody></table></section>`;
}

function renderConversation(messages: readonly ChatMessage[], formatTime: (ms: number) => string): string {
  const conversation = escapeHtml(l10n.t('Conversation'));
  if (messages.length === 0)
    return `<section aria-label="${conversation}"><h2>${conversation}</h2><p class="muted">${escapeHtml(l10n.t('No messages yet.'))}</p></section>`;
  const items = messages.map((message) => renderMessage(message, formatTime)).join('\n');
  return `<section aria-label="${conversation}"><h2>${conversation}</h2>\n${items}\n</section>`;
}

function roleLabel(role: string): string {
  if (role === 'user') return l10n.t('You');
  if (role === 'assistant') return l10n.t('Agent');
  if (role === 'system') return l10n.t('System');
  return role === '' ? l10n.t('Unknown') : role;
}

function renderMessage(message: ChatMessage, formatTime: (ms: number) => string): string {
  const roleClass = message.role === 'user' || message.role === 'assistant' ? message.role : 'other';
  const when =
    message.createdAt !== undefined ? ` <span class="muted">${escapeHtml(formatTime(message.createdAt))}</span>` : '';
  const parts =
    message.parts.length > 0
      ? message.parts.map(renderPart).join('')
      : `<p class="muted">${escapeHtml(l10n.t('(empty)'))}</p>`;
  return `<article class="message ${roleClass}"><h3>${escapeHtml(roleLabel(message.role))}${when}</h3>${parts}</article>`;
}

function renderPart(part: MessagePart): string {
  switch (part.type) {
    case 'text':
      return `<div class="text">${escapeHtml(bounded(cleanText(part.text), MAX_PART_CHARS))}</div>`;
    case 'tool':
      return `<details class="tool"><summary>${escapeHtml(l10n.t('Tool: {0}', part.toolName))}</summary><div class="text">${escapeHtml(bounded(cleanText(part.summary), MAX_PART_CHARS))}</div></details>`;
    case 'other':
      return `<p class="muted">${escapeHtml(l10n.t('({0} content not shown)', part.kind))}</p>`;
  }
}

/**
 * The page's only script: takes a new body from the extension (markup the renderer above
 * built, every API text escaped) and swaps it in, keeping the scroll position (or the end,
 * for a reader following the conversation) and which sections were open. It reads nothing
 * else and sends nothing.
 */
const SCRIPT = `(() => {
  const page = document.getElementById('page');
  window.addEventListener('message', (event) => {
    const data = event.data;
    if (!page || !data || data.type !== 'update' || typeof data.body !== 'string') return;
    const root = document.scrollingElement || document.documentElement;
    const atEnd = root.scrollTop > 0 && root.scrollTop + root.clientHeight >= root.scrollHeight - 4;
    const top = root.scrollTop;
    const open = [...page.querySelectorAll('details')].map((d) => d.open);
    page.innerHTML = data.body;
    page.querySelectorAll('details').forEach((d, i) => { if (open[i]) d.open = true; });
    root.scrollTop = atEnd ? root.scrollHeight : top;
  });
})();`;

const STYLES = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 20px 24px; line-height: 1.5; }
header { display: flex; align-items: baseline; gap: 12px; flex-wrap: wrap; }
h1 { font-size: 1.4em; margin: 16px 0 4px; overflow-wrap: anywhere; }
h2 { font-size: 1.1em; margin: 20px 0 8px; border-bottom: 1px solid var(--vscode-panel-border); padding-bottom: 4px; }
h3 { font-size: 1em; margin: 0 0 6px; }
a { color: var(--vscode-textLink-foreground); }
a:hover { color: var(--vscode-textLink-activeForeground); }
code { font-family: var(--vscode-editor-font-family); background: var(--vscode-textCodeBlock-background); padding: 0 4px; border-radius: 3px; overflow-wrap: anywhere; }
.muted { color: var(--vscode-descriptionForeground); }
.warning { color: var(--vscode-editorWarning-foreground); }
.status { padding: 1px 8px; border-radius: 10px; background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); font-size: 0.9em; }
.status-failed, .status-interrupted { background: var(--vscode-inputValidation-errorBackground); color: var(--vscode-foreground); }
.status-completed { background: var(--vscode-testing-iconPassed); color: var(--vscode-editor-background); }
table { border-collapse: collapse; }
table.meta th { text-align: left; font-weight: normal; color: var(--vscode-descriptionForeground); padding: 2px 16px 2px 0; vertical-align: top; }
table.meta td, table.runs td, table.runs th { padding: 2px 12px 2px 0; vertical-align: top; text-align: left; }
.added { color: var(--vscode-gitDecoration-addedResourceForeground); }
.removed { color: var(--vscode-gitDecoration-deletedResourceForeground); }
.error { border-left: 3px solid var(--vscode-errorForeground); padding-left: 10px; }
.error h2 { border: none; color: var(--vscode-errorForeground); }
.message { border-left: 3px solid var(--vscode-panel-border); padding: 6px 12px; margin: 10px 0; background: var(--vscode-textBlockQuote-background); }
.message.user { border-left-color: var(--vscode-textLink-foreground); }
.message.assistant { border-left-color: var(--vscode-charts-purple); }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
.tool { margin: 6px 0; font-family: var(--vscode-editor-font-family); font-size: 0.95em; }
.tool summary { cursor: pointer; color: var(--vscode-descriptionForeground); }
`;
