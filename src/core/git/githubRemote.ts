/**
 * GitHub remotes as the BLACKBOX APIs want them: every form a git remote can take (scp-like
 * SSH, ssh://, https://, git://, with or without `.git`, credentials or a trailing slash)
 * reduced to one clone URL, `https://github.com/<owner>/<repo>.git`.
 *
 * Owner and repository keep the case the remote was written with (GitHub treats them case-
 * insensitively and the user's spelling is what they recognise); comparisons ignore case.
 * Credentials embedded in a remote URL are never carried over.
 */

export interface GitHubRepository {
  readonly owner: string;
  readonly name: string;
}

const GITHUB_HOSTS = new Set(['github.com', 'www.github.com', 'ssh.github.com']);
/** GitHub account and organisation names: letters, digits, inner hyphens (and underscores for managed users). */
const OWNER_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,98}[A-Za-z0-9])?$/;
const REPOSITORY_PATTERN = /^[A-Za-z0-9._-]{1,100}$/;
/** `user@host:path` — git's scp-like syntax, recognised only when no scheme is given. */
const SCP_LIKE = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/;

/** The GitHub repository a remote URL points at, or undefined when it is not a GitHub repository URL. */
export function parseGitHubRemote(remote: string): GitHubRepository | undefined {
  const text = remote.trim();
  if (text === '' || /\s/.test(text)) return undefined;
  const located = locate(text);
  if (!located || !GITHUB_HOSTS.has(located.host.toLowerCase())) return undefined;
  return repositoryFromPath(located.path);
}

export function cloneUrlOf(repository: GitHubRepository): string {
  return `https://github.com/${repository.owner}/${repository.name}.git`;
}

/** `owner/repo`, for messages. */
export function gitHubDisplayName(repository: GitHubRepository): string {
  return `${repository.owner}/${repository.name}`;
}

/**
 * `owner/repo` for a GitHub remote; another host's as `host/path` (no credentials, no `.git`)
 * so it stays recognisable; anything unreadable as given.
 */
export function repositoryDisplayName(remote: string): string {
  const located = locate(remote.trim());
  if (!located) return remote;
  const repository = GITHUB_HOSTS.has(located.host.toLowerCase()) ? repositoryFromPath(located.path) : undefined;
  if (repository) return gitHubDisplayName(repository);
  const path = located.path.replace(/^\/+|\/+$/g, '').replace(/\.git$/i, '');
  return path.includes('/') ? `${located.host.replace(/^www\./i, '')}/${path}` : remote;
}

/** True when both remotes name the same GitHub repository, whatever their form and case. */
export function sameGitHubRepository(a: string, b: string): boolean {
  const left = parseGitHubRemote(a);
  const right = parseGitHubRemote(b);
  return left !== undefined && right !== undefined && repositoryKey(left) === repositoryKey(right);
}

/** A case-insensitive identity for a repository, usable as a map key. */
export function repositoryKey(repository: GitHubRepository): string {
  return `${repository.owner}/${repository.name}`.toLowerCase();
}

function locate(text: string): { readonly host: string; readonly path: string } | undefined {
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text);
  if (schemeMatch) {
    const scheme = (schemeMatch[1] ?? '').toLowerCase();
    if (!['https', 'http', 'ssh', 'git', 'git+ssh', 'ssh+git'].includes(scheme)) return undefined;
    let url: URL;
    try {
      url = new URL(text.replace(/^[^:]+:/, 'https:'));
    } catch {
      return undefined;
    }
    if (url.search !== '' || url.hash !== '') return undefined;
    return { host: url.hostname, path: decodePath(url.pathname) };
  }
  const scp = SCP_LIKE.exec(text);
  if (scp) return { host: scp[1] ?? '', path: scp[2] ?? '' };
  // `github.com/owner/repo`, as people paste it.
  const bare = /^([^/:@]+)\/(.+)$/.exec(text);
  if (bare) return { host: bare[1] ?? '', path: bare[2] ?? '' };
  return undefined;
}

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return '';
  }
}

function repositoryFromPath(path: string): GitHubRepository | undefined {
  const segments = path.replace(/^\/+/, '').replace(/\/+$/, '').split('/');
  if (segments.length !== 2) return undefined;
  const owner = segments[0] ?? '';
  const name = (segments[1] ?? '').replace(/\.git$/i, '');
  if (!OWNER_PATTERN.test(owner) || !REPOSITORY_PATTERN.test(name)) return undefined;
  if (name === '.' || name === '..') return undefined;
  return { owner, name };
}
