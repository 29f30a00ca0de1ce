import { parseGitHubRemote, repositoryKey } from '../git/githubRemote';
import { ALL_STATUSES, type Task, type TaskStatus } from '../tasks/model';
import * as l10n from '@vscode/l10n';

/** Which tasks the tree shows. Empty text and no statuses mean "no such filter". */
export interface TaskFilter {
  /** `repository`: only tasks on one of the workspace's GitHub remotes. */
  readonly scope: 'repository' | 'all';
  readonly text: string;
  /** Empty: every status. */
  readonly statuses: readonly TaskStatus[];
}

export const NO_FILTER: TaskFilter = { scope: 'all', text: '', statuses: [] };

/**
 * A repository URL reduced to a case-insensitive key (`owner/repo`, see repositoryKey), so
 * every form of one GitHub repository (https, ssh, scp-like, with credentials or `.git`)
 * compares equal. Undefined for anything that is not a GitHub repository URL: tasks only
 * ever name GitHub repositories.
 */
export function normalizeRepoUrl(url: string): string | undefined {
  const repository = parseGitHubRemote(url);
  return repository ? repositoryKey(repository) : undefined;
}

export function isFilterActive(filter: TaskFilter): boolean {
  return filter.scope === 'repository' || filter.text.trim() !== '' || filter.statuses.length > 0;
}

/**
 * A predicate for the filter. `repositories` holds the normalizeRepoUrl keys of the
 * workspace; a task whose repository is not known yet (v1 details not loaded) does not
 * match the repository scope until it is.
 */
export function taskMatcher(filter: TaskFilter, repositories: ReadonlySet<string>): (task: Task) => boolean {
  const needle = filter.text.trim().toLowerCase();
  const statuses = filter.statuses.length ? new Set(filter.statuses) : undefined;
  const repoCache = new Map<string, string | undefined>();
  const repoOf = (url: string): string | undefined => {
    if (!repoCache.has(url)) repoCache.set(url, normalizeRepoUrl(url));
    return repoCache.get(url);
  };
  return (task) => {
    if (statuses && !statuses.has(task.status)) return false;
    if (filter.scope === 'repository') {
      const repo = task.repoUrl ? repoOf(task.repoUrl) : undefined;
      if (!repo || !repositories.has(repo)) return false;
    }
    if (needle) {
      const haystack = [
        task.prompt,
        task.title,
        task.id,
        task.threadId,
        task.repoUrl,
        task.createdBranch,
        task.model,
        task.agent,
        ...(task.followUps ?? []).map((f) => f.prompt),
      ];
      if (!haystack.some((value) => value !== undefined && value.toLowerCase().includes(needle))) return false;
    }
    return true;
  };
}

/** A short phrase for the view's description, e.g. `this repository · "login" · failed`. Empty without filter. */
export function describeFilter(filter: TaskFilter): string {
  const parts: string[] = [];
  if (filter.scope === 'repository') parts.push(l10n.t('this repository'));
  const text = filter.text.trim();
  if (text) parts.push(`“${text.length > 24 ? `${text.slice(0, 23)}…` : text}”`);
  if (filter.statuses.length) {
    const ordered = ALL_STATUSES.filter((status) => filter.statuses.includes(status));
    parts.push(ordered.join(', '));
  }
  return parts.join(' · ');
}

/** Reads a filter back from storage, dropping anything malformed. */
export function parseFilter(value: unknown): TaskFilter {
  if (typeof value !== 'object' || value === null) return NO_FILTER;
  const record = value as { scope?: unknown; text?: unknown; statuses?: unknown };
  const scope = record.scope === 'repository' ? 'repository' : 'all';
  const text = typeof record.text === 'string' ? record.text.slice(0, 200) : '';
  const statuses = Array.isArray(record.statuses)
    ? ALL_STATUSES.filter((status) => (record.statuses as unknown[]).includes(status))
    : [];
  return { scope, text, statuses };
}
