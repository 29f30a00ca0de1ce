import type * as vscode from 'vscode';
import {
  describeGitFailure,
  GitOperationError,
  withoutCredentials,
  type GitFailureContext,
} from '../../core/git/gitFailure';
import { cloneUrlOf, parseGitHubRemote, repositoryKey, type GitHubRepository } from '../../core/git/githubRemote';
import { GIT_REF_TYPE, GIT_STATUS } from './gitConstants';
import type { GitApi, GitChange, GitErrorFields, GitRef, GitRepository } from './gitExtensionApi';
import type { Logger } from '../logger';

// The per-repository operations, apart from git.ts (which finds and watches repositories) so that
// what a command may do with one repository reads on its own.

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
    return (
      matching.find((remote) => remote.remote === upstream) ??
      matching.find((remote) => remote.remote === 'origin') ??
      matching[0]
    );
  }

  /** Staged and unstaged changes to tracked files (what a checkout could clash with). */
  trackedChangeCount(): number {
    const state = this.raw.state;
    const untracked = (change: GitChange): boolean =>
      change.status === GIT_STATUS.untracked || change.status === GIT_STATUS.ignored;
    return (
      state.indexChanges.length +
      state.mergeChanges.length +
      state.workingTreeChanges.filter((change) => !untracked(change)).length
    );
  }

  /** Tracked changes plus untracked files: everything the agent will not see. */
  uncommittedCount(): number {
    const state = this.raw.state;
    const untrackedInWorkingTree = state.workingTreeChanges.filter(
      (change) => change.status === GIT_STATUS.untracked,
    ).length;
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
      this.raw.fetch({
        remote,
        ...(branch ? { ref: branch } : {}),
        silent: true,
        ...(token ? { cancellationToken: token } : {}),
      }),
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
    const refs = await this.run({ doing: `Listing the branches of ${remote}`, remote }, () =>
      this.raw.getBranches({ remote: true }),
    );
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
    if (
      head.branch === branch &&
      head.upstream?.remote === remote &&
      head.upstream.name === branch &&
      head.ahead !== undefined
    )
      return head.ahead;
    const commits = await this.run({ doing: `Comparing "${branch}" with ${remote}`, remote, branch }, () =>
      this.raw.log({ range: `${remote}/${branch}..${branch}` }),
    );
    return commits.length;
  }

  async push(remote: string, branch: string, setUpstream: boolean): Promise<void> {
    await this.run({ doing: `Pushing "${branch}" to ${remote}`, remote, branch }, () =>
      this.raw.push(remote, branch, setUpstream),
    );
  }

  async checkout(branch: string): Promise<void> {
    await this.run({ doing: `Checking out "${branch}"`, branch }, () => this.raw.checkout(branch));
  }

  /** Creates a local branch from `<remote>/<branch>`, checks it out and makes it track the remote branch. */
  async checkoutTracking(remote: string, branch: string): Promise<void> {
    const upstream = `${remote}/${branch}`;
    await this.run({ doing: `Creating "${branch}" from ${upstream}`, remote, branch }, () =>
      this.raw.createBranch(branch, true, upstream),
    );
    await this.run({ doing: `Making "${branch}" track ${upstream}`, remote, branch }, () =>
      this.raw.setBranchUpstream(branch, upstream),
    );
  }

  /** Stashes staged and unstaged changes to tracked files. */
  async stash(message: string): Promise<void> {
    const createStash = this.raw.createStash?.bind(this.raw);
    if (!createStash)
      throw new GitOperationError(
        'This version of VS Code cannot stash through its Git extension. Stash or commit your changes yourself, then try again.',
      );
    await this.run({ doing: 'Stashing your changes' }, () => createStash({ message, includeUntracked: false }));
  }

  /**
   * Whether the newest stash entry is the one made with `message`: only then does popping
   * `stash@{0}` bring back exactly those changes. The entry and its index commit are the
   * commits between the stash's parent and the stash.
   */
  async newestStashIs(message: string): Promise<boolean> {
    try {
      const commits = await this.raw.log({ range: 'refs/stash^..refs/stash' });
      return commits.some((commit) => commit.message.includes(message));
    } catch {
      return false;
    }
  }

  /** Applies the newest stash entry and drops it (`git stash pop`). */
  async popNewestStash(): Promise<void> {
    const popStash = this.raw.popStash?.bind(this.raw);
    if (!popStash)
      throw new GitOperationError(
        'This version of VS Code cannot restore a stash through its Git extension. Run "Git: Pop Stash…" and pick it.',
      );
    await this.run({ doing: 'Restoring your stashed changes' }, () => popStash(0));
  }

  /** Files that differ between the merge base of `base` and `head`, and `head`. */
  async changesBetween(base: string, head: string): Promise<GitChange[]> {
    return this.run({ doing: `Comparing ${base} with ${head}` }, () => this.raw.diffBetween(base, head));
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    return this.run({ doing: `Finding where ${a} and ${b} diverged` }, () => this.raw.getMergeBase(a, b));
  }

  /** A file's bytes at a commit (`relativePath` from the root, with `/`). */
  async fileAt(commit: string, relativePath: string): Promise<Uint8Array> {
    const file = this.fileUri(relativePath);
    return this.run({ doing: `Reading ${relativePath} at ${commit.slice(0, 12)}` }, () =>
      this.raw.buffer(commit, file.fsPath),
    );
  }

  /** The file `relativePath` (with `/`) in the working tree. */
  fileUri(relativePath: string): vscode.Uri {
    return this.raw.rootUri.with({ path: `${this.raw.rootUri.path.replace(/\/+$/, '')}/${relativePath}` });
  }

  /** Paths (relative, with `/`) with staged, unstaged or merge changes, or untracked: the user's local edits. */
  localChangePaths(): Set<string> {
    const state = this.raw.state;
    const root = this.raw.rootUri.path.replace(/\/+$/, '');
    const paths = new Set<string>();
    for (const change of [
      ...state.indexChanges,
      ...state.mergeChanges,
      ...state.workingTreeChanges,
      ...(state.untrackedChanges ?? []),
    ]) {
      for (const uri of [change.uri, change.originalUri]) {
        if (uri.path.startsWith(`${root}/`)) paths.add(uri.path.slice(root.length + 1));
      }
    }
    return paths;
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
      const detail = withoutCredentials(
        [fields.gitErrorCode, fields.stderr?.trim(), fields.message].filter(Boolean).join(' | '),
      );
      this.logger.warn(`${message} (git: ${detail || 'no detail'})`);
      throw new GitOperationError(message, {
        ...(fields.gitErrorCode ? { code: fields.gitErrorCode } : {}),
        ...(detail ? { detail } : {}),
        cause: error,
      });
    }
  }
}

function gitErrorFields(error: unknown): { code?: string; stderr?: string; message?: string; gitErrorCode?: string } {
  if (typeof error !== 'object' || error === null) return { message: String(error) };
  const fields = error as GitErrorFields;
  return {
    ...(typeof fields.gitErrorCode === 'string'
      ? { code: fields.gitErrorCode, gitErrorCode: fields.gitErrorCode }
      : {}),
    ...(typeof fields.stderr === 'string' ? { stderr: fields.stderr } : {}),
    ...(typeof fields.message === 'string' ? { message: fields.message } : {}),
  };
}
