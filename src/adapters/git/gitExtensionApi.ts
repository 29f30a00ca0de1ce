import type { CancellationToken, Event, Uri } from 'vscode';

/*
 * The part of the built-in git extension's public API (`vscode.git`, `getAPI(1)`) this
 * extension uses, declared here from the documented shapes. Only what we call is listed;
 * optional members are ones older VS Code versions may lack, so they are checked before use.
 */

export interface GitExtensionExports {
  readonly enabled: boolean;
  readonly onDidChangeEnablement: Event<boolean>;
  /** Throws when git is disabled (`git.enabled: false`) or the extension failed to start. */
  getAPI(version: 1): GitApi;
}

export type GitApiState = 'uninitialized' | 'initialized';

export interface GitApi {
  readonly state: GitApiState;
  readonly onDidChangeState: Event<GitApiState>;
  /** A fresh wrapper per read: compare repositories by `rootUri`, never by identity. */
  readonly repositories: readonly GitRepository[];
  readonly onDidOpenRepository: Event<GitRepository>;
  readonly onDidCloseRepository: Event<GitRepository>;
  toGitUri(uri: Uri, ref: string): Uri;
  getRepository(uri: Uri): GitRepository | null;
  openRepository?(root: Uri): Promise<GitRepository | null>;
}

export interface GitRef {
  /** See GIT_REF_TYPE. */
  readonly type: number;
  /** For remote heads: `<remote>/<branch>`. */
  readonly name?: string;
  readonly commit?: string;
  readonly remote?: string;
}

export interface GitUpstreamRef {
  readonly remote: string;
  readonly name: string;
  readonly commit?: string;
}

export interface GitBranch extends GitRef {
  readonly upstream?: GitUpstreamRef;
  readonly ahead?: number;
  readonly behind?: number;
}

export interface GitRemote {
  readonly name: string;
  readonly fetchUrl?: string;
  readonly pushUrl?: string;
  readonly isReadOnly: boolean;
}

export interface GitChange {
  /** The file as it is on the newer side (for a rename: the new path). */
  readonly uri: Uri;
  readonly originalUri: Uri;
  readonly renameUri: Uri | undefined;
  /** See GIT_STATUS. */
  readonly status: number;
}

export interface GitRepositoryState {
  /** Undefined while the repository is still being read; `name` undefined when detached. */
  readonly HEAD: GitBranch | undefined;
  readonly remotes: readonly GitRemote[];
  readonly mergeChanges: readonly GitChange[];
  readonly indexChanges: readonly GitChange[];
  readonly workingTreeChanges: readonly GitChange[];
  /** Newer versions list untracked files separately (depending on `git.untrackedChanges`). */
  readonly untrackedChanges?: readonly GitChange[];
  readonly onDidChange: Event<void>;
}

export interface GitFetchOptions {
  readonly remote?: string;
  readonly ref?: string;
  readonly all?: boolean;
  readonly prune?: boolean;
  readonly depth?: number;
  /** Skips the "would you like to fetch periodically" prompt bookkeeping. */
  readonly silent?: boolean;
  readonly cancellationToken?: CancellationToken;
}

export interface GitBranchQuery {
  readonly remote?: boolean;
  readonly pattern?: string;
  readonly count?: number;
  readonly contains?: string;
  readonly sort?: 'alphabetically' | 'committerdate';
}

export interface GitLogOptions {
  readonly maxEntries?: number;
  /** `a..b`; when given, maxEntries is ignored. */
  readonly range?: string;
}

export interface GitCommit {
  readonly hash: string;
  readonly message: string;
}

export interface GitStashOptions {
  readonly message?: string;
  readonly includeUntracked?: boolean;
  readonly staged?: boolean;
}

export interface GitRepository {
  readonly rootUri: Uri;
  readonly state: GitRepositoryState;
  status(): Promise<void>;
  fetch(options: GitFetchOptions): Promise<void>;
  checkout(treeish: string): Promise<void>;
  /** `git checkout -b <name> --no-track <ref>` when checkout, else `git branch <name> <ref>`. */
  createBranch(name: string, checkout: boolean, ref?: string): Promise<void>;
  setBranchUpstream(name: string, upstream: string): Promise<void>;
  /**
   * Local branches, and remote ones with `remote: true` (named `<remote>/<branch>`). A pattern
   * is matched by `git for-each-ref` under `refs/` (a prefix match by path component).
   */
  getBranches(query: GitBranchQuery, cancellationToken?: CancellationToken): Promise<GitRef[]>;
  getMergeBase(ref1: string, ref2: string): Promise<string | undefined>;
  /** The files changed between the merge base of ref1 and ref2, and ref2 (`ref1...ref2`). */
  diffBetween(ref1: string, ref2: string): Promise<GitChange[]>;
  /** A file's bytes at a ref (`git show <ref>:<path>`); the path may be absolute inside the repository. */
  buffer(ref: string, path: string): Promise<Uint8Array>;
  log(options?: GitLogOptions): Promise<GitCommit[]>;
  push(remoteName?: string, branchName?: string, setUpstream?: boolean): Promise<void>;
  createStash?(options?: GitStashOptions): Promise<void>;
  /** `git stash pop stash@{index}`. */
  popStash?(index?: number): Promise<void>;
}

/** What the git extension's failures carry besides `message`. */
export interface GitErrorFields {
  readonly message?: string;
  readonly stderr?: string;
  readonly gitErrorCode?: string;
  readonly exitCode?: number;
}
