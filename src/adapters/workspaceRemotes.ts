import * as vscode from 'vscode';
import { normalizeRepoUrl } from '../core/taskFilter';

/**
 * The GitHub remotes of the workspace's repositories, normalised for the "this
 * repository" filter. Read through the built-in git extension, only in a trusted
 * workspace, and only once the filter needs them (git is not woken up otherwise).
 */
export interface WorkspaceRemotes extends vscode.Disposable {
  readonly onDidChange: vscode.Event<void>;
  /** Normalised `host/owner/repo` keys of every remote of every open repository. */
  keys(): ReadonlySet<string>;
  /** Starts watching the repositories (idempotent); keys arrive through onDidChange. */
  start(): void;
  /** Why there are no keys, when it is not simply "no remote": a sentence for the view. */
  unavailableReason(): string | undefined;
}

// The few members of the built-in git extension's API (version 1) this file uses, declared here.
interface GitRemoteLike {
  readonly fetchUrl?: string;
  readonly pushUrl?: string;
}
interface GitRepositoryLike {
  readonly state: { readonly remotes: readonly GitRemoteLike[]; readonly onDidChange: vscode.Event<void> };
}
interface GitApiLike {
  readonly repositories: readonly GitRepositoryLike[];
  readonly onDidOpenRepository: vscode.Event<GitRepositoryLike>;
  readonly onDidCloseRepository: vscode.Event<GitRepositoryLike>;
}
interface GitExtensionLike {
  readonly enabled: boolean;
  getAPI(version: 1): GitApiLike;
}

export function createWorkspaceRemotes(onDiagnostic: (message: string) => void): WorkspaceRemotes {
  const changed = new vscode.EventEmitter<void>();
  const disposables: vscode.Disposable[] = [changed];
  const perRepository = new Map<GitRepositoryLike, vscode.Disposable>();
  let current: ReadonlySet<string> = new Set();
  let started = false;
  let reason: string | undefined;
  let api: GitApiLike | undefined;

  const recompute = (): void => {
    const next = new Set<string>();
    for (const repository of api?.repositories ?? []) {
      for (const remote of repository.state.remotes) {
        for (const url of [remote.fetchUrl, remote.pushUrl]) {
          const key = url ? normalizeRepoUrl(url) : undefined;
          if (key) next.add(key);
        }
      }
    }
    if (next.size === current.size && [...next].every((key) => current.has(key))) return;
    current = next;
    changed.fire();
  };

  const watch = (repository: GitRepositoryLike): void => {
    if (perRepository.has(repository)) return;
    perRepository.set(repository, repository.state.onDidChange(recompute));
  };

  const connect = async (): Promise<void> => {
    const extension = vscode.extensions.getExtension<GitExtensionLike>('vscode.git');
    if (!extension) {
      reason = 'The built-in Git extension is not available, so this workspace’s repository is unknown.';
      changed.fire();
      return;
    }
    try {
      const exports = extension.isActive ? extension.exports : await extension.activate();
      if (!exports.enabled) {
        reason = 'Git is disabled (git.enabled), so this workspace’s repository is unknown.';
        changed.fire();
        return;
      }
      api = exports.getAPI(1);
    } catch (error) {
      reason = 'The built-in Git extension could not be started.';
      onDiagnostic(`Git extension: ${error instanceof Error ? error.message : String(error)}`);
      changed.fire();
      return;
    }
    reason = undefined;
    for (const repository of api.repositories) watch(repository);
    disposables.push(
      api.onDidOpenRepository((repository) => {
        watch(repository);
        recompute();
      }),
      api.onDidCloseRepository((repository) => {
        perRepository.get(repository)?.dispose();
        perRepository.delete(repository);
        recompute();
      }),
    );
    recompute();
    changed.fire();
  };

  return {
    onDidChange: changed.event,
    keys: () => current,
    unavailableReason: () => reason,
    start(): void {
      if (started) return;
      started = true;
      if (vscode.workspace.isTrusted) {
        void connect();
        return;
      }
      reason = 'This workspace is not trusted, so its git repository is not read.';
      disposables.push(
        vscode.workspace.onDidGrantWorkspaceTrust(() => {
          reason = undefined;
          void connect();
        }),
      );
    },
    dispose(): void {
      for (const disposable of perRepository.values()) disposable.dispose();
      perRepository.clear();
      for (const disposable of disposables) disposable.dispose();
    },
  };
}
