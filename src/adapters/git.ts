import * as vscode from 'vscode';
import { describeGitFailure, GitOperationError, withoutCredentials, type GitFailureContext } from '../core/gitFailure';
import { cloneUrlOf, parseGitHubRemote, repositoryKey, type GitHubRepository } from '../core/githubRemote';
import { GIT_EXTENSION_ID, GIT_REF_TYPE, GIT_STATUS } from './gitConstants';
import type { GitApi, GitChange, GitErrorFields, GitExtensionExports, GitRef, GitRepository } from './gitExtensionApi';
import type { Logger } from './logger';

export type GitUnavailableReason = 'untrusted' | 'missing' | 'disabled' | 'failed';

export type GitLoadResult =
  | { readonly ok: true; readonly api: GitApi }
  | { readonly ok: false; readonly reason: GitUnavailableReason; readonly message: string };

/** A remote of a local repository that points at GitHub. */
export interface GitHubRemote {
  /** The remote's name, e.g. `origin`. */
  readonly remote: string;
  /** `https://github.com/<owner>/<repo>.git`, whatever form the remote was written in. */
  readonly cloneUrl: string;
  readonly repository: GitHubRepository;
}

export interface HeadState {
  /** Undefined when HEAD is detached. */
  readonly branch?: string;
  readonly commit?: string;
  readonly upstream?: { readonly remote: string; readonly name: string };
  readonly ahead?: number;
  readonly behind?: number;
}

/**
 * The built-in git extension, as this extension uses it. Nothing is loaded until a command
 * needs it, so activation never waits on git.
 */
export interface GitAccess extends vscode.Disposable {
  /** Activates the git extension if needed and waits (bounded) for it to find repositories, or says why it cannot be used. */
  load(): Promise<GitLoadResult>;
  /** The open repositories; empty when git cannot be used (call `load` to learn why). */
  repositories(): Promise<readonly LocalRepository[]>;
  /** Open repositories with a remote for this GitHub repository (any URL form). */
  repositoriesFor(repoUrl: string): Promise<readonly { readonly repository: LocalRepository; readonly remote: GitHubRemote }[]>;
  /** Asks git to open a repository outside the workspace folders (e.g. a clone elsewhere). */
  openRepository(root: vscode.Uri): Promise<LocalRepository | undefined>;
  /** GitHub clone URLs of every open repository's remotes (for "this repository's tasks"). */
  gitHubRepositoryUrls(): Promise<readonly string[]>;
  /**
   * Fires when what `repositories()` gives may have changed: once git has been loaded, a
   * repository opened or closed or its remotes changed; and when the workspace becomes trusted.
   */
  readonly onDidChangeRepositories: vscode.Event<void>;
}

const INITIALIZE_TIMEOUT_MS = 15_000;

export function createGitAccess(deps: { readonly logger: Logger }): GitAccess {
  const { logger } = deps;
  const changed = new vscode.EventEmitter<void>();
  // Trust only ever grows during a session; an untrusted load is retried by whoever listens.
  const disposables: vscode.Disposable[] = [changed, vscode.workspace.onDidGrantWorkspaceTrust(() => changed.fire())];
  /** Per repository root: its remotes as last seen, and the subscription to its state. */
  const watchedRemotes = new Map<string, { remotes: string; readonly subscription: vscode.Disposable }>();
  let loading: Promise<GitLoadResult> | undefined;
  let watching = false;

  // A repository's remotes arrive with its first status, after it was opened; its state fires on every status, so only a change of remotes is passed on.
  const watchRemotes = (repository: GitRepository): void => {
    const root = repository.rootUri.toString();
    if (watchedRemotes.has(root)) return;
    const entry = {
      remotes: remotesSignature(repository),
      subscription: repository.state.onDidChange(() => {
        const remotes = remotesSignature(repository);
        if (remotes === entry.remotes) return;
        entry.remotes = remotes;
        changed.fire();
      }),
    };
    watchedRemotes.set(root, entry);
  };

  const unwatchRemotes = (repository: GitRepository): void => {
    const root = repository.rootUri.toString();
    watchedRemotes.get(root)?.subscription.dispose();
    watchedRemotes.delete(root);
  };

  const watch = (api: GitApi): void => {
    if (watching) return;
    watching = true;
    for (const repository of api.repositories) watchRemotes(repository);
    disposables.push(
      api.onDidOpenRepository((repository) => {
        watchRemotes(repository);
        changed.fire();
      }),
      api.onDidCloseRepository((repository) => {
        unwatchRemotes(repository);
        changed.fire();
      }),
      {
        dispose: () => {
          for (const entry of watchedRemotes.values()) entry.subscription.dispose();
          watchedRemotes.clear();
        },
      },
    );
  };

  const load = async (): Promise<GitLoadResult> => {
    if (!vscode.workspace.isTrusted) {
      return {
        ok: false,
        reason: 'untrusted',
        message: 'This workspace is not trusted, so its git repositories are not read. Trust the workspace to use repository features.',
      };
    }
    // A failed or disabled load is retried next time: the user may have fixed it meanwhile.
    loading ??= loadApi(logger).then((result) => {
      if (result.ok) watch(result.api);
      else loading = undefined;
      return result;
    });
    return loading;
  };

  const repositories = async (): Promise<readonly LocalRepository[]> => {
    const loaded = await load();
    if (!loaded.ok) return [];
    return loaded.api.repositories.map((raw) => new LocalRepository(raw, loaded.api, logger));
  };

  return {
    load,
    repositories,
    async repositoriesFor(repoUrl) {
      const wanted = parseGitHubRemote(repoUrl);
      if (!wanted) return [];
      const found: { repository: LocalRepository; remote: GitHubRemote }[] = [];
      for (const repository of await repositories()) {
        const remote = repository.remoteForRepository(wanted);
        if (remote) found.push({ repository, remote });
      }
      return found;
    },
    async openRepository(root) {
      const loaded = await load();
      if (!loaded.ok || !loaded.api.openRepository) return undefined;
      const raw = await loaded.api.openRepository(root);
      return raw ? new LocalRepository(raw, loaded.api, logger) : undefined;
    },
    async gitHubRepositoryUrls() {
      const urls = new Set<string>();
      for (const repository of await repositories()) for (const remote of repository.gitHubRemotes()) urls.add(remote.cloneUrl);
      return [...urls];
    },
    onDidChangeRepositories: changed.event,
    dispose() {
      for (const disposable of disposables) disposable.dispose();
    },
  };
}

function remotesSignature(repository: GitRepository): string {
  return JSON.stringify(repository.state.remotes.map((remote) => [remote.name, remote.fetchUrl, remote.pushUrl]));
}

async function loadApi(logger: Logger): Promise<GitLoadResult> {
  const extension = vscode.extensions.getExtension<GitExtensionExports>(GIT_EXTENSION_ID);
  if (!extension) {
    return {
      ok: false,
      reason: 'missing',
      message: "VS Code's built-in Git extension is not available (it may be disabled). Enable it in the Extensions view (search for @builtin git) to use repository features.",
    };
  }
  try {
    const exports = extension.isActive ? extension.exports : await extension.activate();
    if (!exports || !exports.enabled) {
      return { ok: false, reason: 'disabled', message: 'Git is turned off in VS Code (setting git.enabled). Turn it on to use repository features.' };
    }
    const api = exports.getAPI(1);
    if (api.state !== 'initialized') await initialized(api);
    return { ok: true, api };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    logger.error(`The git extension could not be used: ${detail}`);
    return { ok: false, reason: 'failed', message: `VS Code's Git extension could not be used: ${detail}` };
  }
}

/** Resolves once the git API has found the workspace's repositories, or after a bounded wait. */
function initialized(api: GitApi): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(finish, INITIALIZE_TIMEOUT_MS);
    const subscription = api.onDidChangeState((state) => {
      if (state === 'initialized') finish();
    });
    function finish(): void {
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    }
  });
}

/**
 * One repository the git extension has open. Every operation goes through the git API (never
 * a shell), and every failure comes out as a GitOperationError whose message can be shown.
 */
export class LocalRepository {
  constructor(
    private readonly raw: GitRepository,
    private readonly api: GitApi,
    private readonly logger: Logger,
  ) {}

  get root(): vscode.Uri {
    return this.raw.rootUri;
  }

  /** The folder's name, for pickers and messages. */
  get label(): string {
    const path = this.raw.rootUri.path.replace(/\/+$/, '');
    return path.slice(path.lastIndexOf('/') + 1) || path;
  }

  head(): HeadState {
    const head = this.raw.state.HEAD;
    if (!head) return {};
    return {
      ...(head.type === GIT_REF_TYPE.head && head.name ? { branch: head.name } : {}),
      ...(head.commit ? { commit: head.commit } : {}),
      ...(head.upstream ? { upstream: { remote: head.upstream.remote, name: head.upstream.name } } : {}),
      ...(head.ahead !== undefined ? { ahead: head.ahead } : {}),
      ...(head.behind !== undefined ? { behind: head.behind } : {}),
    };
  }

  /** Every remote that points at GitHub (fetch URL first, else push URL). */
  gitHubRemotes(): GitHubRemote[] {
    const found: GitHubRemote[] = [];
    for (const remote of this.raw.state.remotes) {
      const repository = parseGitHubRemote(remote.fetchUrl ?? '') ?? parseGitHubRemote(remote.pushUrl ?? '');
      if (repository) found.push({ remote: remote.name, repository, cloneUrl: cloneUrlOf(repository) });
    }
    return found;
  }

  /** The remote a task for this repository should name: the current branch's upstream remote, else `origin`, else the only GitHub remote. */
  preferredGitHubRemote(): GitHubRemote | undefined {
    const remotes = this.gitHubRemotes();
    const upstream = this.head().upstream?.remote;
    return (
      remotes.find((remote) => remote.remote === upstream) ??
      remotes.find((remote) => remote.remote === 'origin') ??
      (remotes.length === 1 ? remotes[0] : undefined)
    );
  }

  remoteForRepository(wanted: GitHubRepository): GitHubRemote | undefined {
    const key = repositoryKey(wanted);
    const matching = this.gitHubRemotes().filter((remote) => repositoryKey(remote.repository) === key);
    const upstream = this.head().upstream?.remote;
    return matching.find((remote) => remote.remote === upstream) ?? matching.find((remote) => remote.remote === 'origin') ?? matching[0];
  }

  /** Staged and unstaged changes to tracked files (what a checkout could clash with). */
  trackedChangeCount(): number {
    const state = this.raw.state;
    const untracked = (change: GitChange): boolean => change.status === GIT_STATUS.untracked || change.status === GIT_STATUS.ignored;
    return state.indexChanges.length + state.mergeChanges.length + state.workingTreeChanges.filter((change) => !untracked(change)).length;
  }

  /** Tracked changes plus untracked files: everything the agent will not see. */
  uncommittedCount(): number {
    const state = this.raw.state;
    const untrackedInWorkingTree = state.workingTreeChanges.filter((change) => change.status === GIT_STATUS.untracked).length;
    return this.trackedChangeCount() + untrackedInWorkingTree + (state.untrackedChanges?.length ?? 0);
  }

  /** Re-reads the repository's status so decisions use the current state. */
  async refresh(): Promise<void> {
    await this.run({ doing: 'Reading the repository status' }, () => this.raw.status());
  }

  /** Fetches one branch (or the whole remote) from a remote. */
  async fetch(remote: string, branch: string | undefined, token?: vscode.CancellationToken): Promise<void> {
    const doing = branch ? `Fetching "${branch}" from ${remote}` : `Fetching from ${remote}`;
    await this.run({ doing, remote, ...(branch ? { branch } : {}) }, () =>
      this.raw.fetch({ remote, ...(branch ? { ref: branch } : {}), silent: true, ...(token ? { cancellationToken: token } : {}) }),
    );
  }

  /** The local branch of that exact name, if there is one. */
  async localBranch(name: string): Promise<GitRef | undefined> {
    const refs = await this.refsMatching(`heads/${name}`);
    return refs.find((ref) => ref.type === GIT_REF_TYPE.head && ref.name === name);
  }

  /** `<remote>/<branch>` as the remote-tracking refs know it (fetch first for a fresh answer). */
  async remoteBranch(remote: string, branch: string): Promise<GitRef | undefined> {
    const name = `${remote}/${branch}`;
    const refs = await this.refsMatching(`remotes/${name}`);
    return refs.find((ref) => ref.type === GIT_REF_TYPE.remoteHead && ref.name === name);
  }

  /** Branch names on a remote (from the remote-tracking refs), without `HEAD`. */
  async remoteBranchNames(remote: string): Promise<string[]> {
    const refs = await this.run({ doing: `Listing the branches of ${remote}`, remote }, () => this.raw.getBranches({ remote: true }));
    const prefix = `${remote}/`;
    return refs
      .filter((ref) => ref.type === GIT_REF_TYPE.remoteHead && ref.name?.startsWith(prefix))
      .map((ref) => (ref.name ?? '').slice(prefix.length))
      .filter((name) => name !== '' && name !== 'HEAD')
      .sort((a, b) => a.localeCompare(b));
  }

  /** How many commits `branch` has that `<remote>/<branch>` lacks. */
  async commitsAhead(branch: string, remote: string): Promise<number> {
    const head = this.head();
    if (head.branch === branch && head.upstream?.remote === remote && head.upstream.name === branch && head.ahead !== undefined) return head.ahead;
    const commits = await this.run({ doing: `Comparing "${branch}" with ${remote}`, remote, branch }, () => this.raw.log({ range: `${remote}/${branch}..${branch}` }));
    return commits.length;
  }

  async push(remote: string, branch: string, setUpstream: boolean): Promise<void> {
    await this.run({ doing: `Pushing "${branch}" to ${remote}`, remote, branch }, () => this.raw.push(remote, branch, setUpstream));
  }

  async checkout(branch: string): Promise<void> {
    await this.run({ doing: `Checking out "${branch}"`, branch }, () => this.raw.checkout(branch));
  }

  /** Creates a local branch from `<remote>/<branch>`, checks it out and makes it track the remote branch. */
  async checkoutTracking(remote: string, branch: string): Promise<void> {
    const upstream = `${remote}/${branch}`;
    await this.run({ doing: `Creating "${branch}" from ${upstream}`, remote, branch }, () => this.raw.createBranch(branch, true, upstream));
    await this.run({ doing: `Making "${branch}" track ${upstream}`, remote, branch }, () => this.raw.setBranchUpstream(branch, upstream));
  }

  get canStash(): boolean {
    return typeof this.raw.createStash === 'function';
  }

  /** Stashes staged and unstaged changes to tracked files. */
  async stash(message: string): Promise<void> {
    const createStash = this.raw.createStash?.bind(this.raw);
    if (!createStash) throw new GitOperationError('This version of VS Code cannot stash through its Git extension. Stash or commit your changes yourself, then try again.');
    await this.run({ doing: 'Stashing your changes' }, () => createStash({ message, includeUntracked: false }));
  }

  /** Files that differ between the merge base of `base` and `head`, and `head`. */
  async changesBetween(base: string, head: string): Promise<GitChange[]> {
    return this.run({ doing: `Comparing ${base} with ${head}` }, () => this.raw.diffBetween(base, head));
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    return this.run({ doing: `Finding where ${a} and ${b} diverged` }, () => this.raw.getMergeBase(a, b));
  }

  /** A URI whose content is the file at that ref, for diff editors. */
  gitUri(file: vscode.Uri, ref: string): vscode.Uri {
    return this.api.toGitUri(file, ref);
  }

  /** Refs under `refs/<pattern>` (git also lists deeper ones, so callers match the name exactly). */
  private async refsMatching(pattern: string): Promise<GitRef[]> {
    return this.run({ doing: 'Reading branches' }, () => this.raw.getBranches({ remote: true, pattern }));
  }

  private async run<T>(context: GitFailureContext, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (GitOperationError.is(error)) throw error;
      const fields = gitErrorFields(error);
      const message = describeGitFailure(fields, context);
      const detail = withoutCredentials([fields.gitErrorCode, fields.stderr?.trim(), fields.message].filter(Boolean).join(' | '));
      this.logger.warn(`${message} (git: ${detail || 'no detail'})`);
      throw new GitOperationError(message, { ...(fields.gitErrorCode ? { code: fields.gitErrorCode } : {}), ...(detail ? { detail } : {}), cause: error });
    }
  }
}

function gitErrorFields(error: unknown): { code?: string; stderr?: string; message?: string; gitErrorCode?: string } {
  if (typeof error !== 'object' || error === null) return { message: String(error) };
  const fields = error as GitErrorFields;
  return {
    ...(typeof fields.gitErrorCode === 'string' ? { code: fields.gitErrorCode, gitErrorCode: fields.gitErrorCode } : {}),
    ...(typeof fields.stderr === 'string' ? { stderr: fields.stderr } : {}),
    ...(typeof fields.message === 'string' ? { message: fields.message } : {}),
  };
}
