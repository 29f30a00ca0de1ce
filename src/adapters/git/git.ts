import * as vscode from 'vscode';
import { Disposable, toDisposable } from '../../core/util/disposable';
import { parseGitHubRemote } from '../../core/git/githubRemote';
import { GIT_EXTENSION_ID } from './gitConstants';
import type { GitApi, GitExtensionExports, GitRepository } from './gitExtensionApi';
import { LocalRepository } from './gitRepository';
import type { GitHubRemote } from './gitRepository';
import type { Logger } from '../logger';
import { eventOrTimeout } from '../../core/util/async';

export type GitUnavailableReason = 'untrusted' | 'missing' | 'disabled' | 'failed';

export type GitLoadResult =
  | { readonly ok: true; readonly api: GitApi }
  | { readonly ok: false; readonly reason: GitUnavailableReason; readonly message: string };

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
  repositoriesFor(
    repoUrl: string,
  ): Promise<readonly { readonly repository: LocalRepository; readonly remote: GitHubRemote }[]>;
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
  const owned = new Disposable();
  const changed = owned.register(new vscode.EventEmitter<void>());
  // Trust only ever grows during a session; an untrusted load is retried by whoever listens.
  owned.register(vscode.workspace.onDidGrantWorkspaceTrust(() => changed.fire()));
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
    // Registered after the git extension answered, which may be after this was disposed: then they go at once.
    owned.register(
      api.onDidOpenRepository((repository) => {
        watchRemotes(repository);
        changed.fire();
      }),
    );
    owned.register(
      api.onDidCloseRepository((repository) => {
        unwatchRemotes(repository);
        changed.fire();
      }),
    );
    owned.register(
      toDisposable(() => {
        for (const entry of watchedRemotes.values()) entry.subscription.dispose();
        watchedRemotes.clear();
      }),
    );
  };

  const load = async (): Promise<GitLoadResult> => {
    if (!vscode.workspace.isTrusted) {
      return {
        ok: false,
        reason: 'untrusted',
        message: vscode.l10n.t(
          'This workspace is not trusted, so its git repositories are not read. Trust the workspace to use repository features.',
        ),
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
      for (const repository of await repositories())
        for (const remote of repository.gitHubRemotes()) urls.add(remote.cloneUrl);
      return [...urls];
    },
    onDidChangeRepositories: changed.event,
    dispose: () => owned.dispose(),
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
      message:
        "VS Code's built-in Git extension is not available (it may be disabled). Enable it in the Extensions view (search for @builtin git) to use repository features.",
    };
  }
  try {
    const exports = extension.isActive ? extension.exports : await extension.activate();
    if (!exports || !exports.enabled) {
      return {
        ok: false,
        reason: 'disabled',
        message: vscode.l10n.t(
          'Git is turned off in VS Code (setting git.enabled). Turn it on to use repository features.',
        ),
      };
    }
    const api = exports.getAPI(1);
    if (api.state !== 'initialized') await initialized(api);
    return { ok: true, api };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    logger.error(`The git extension could not be used: ${detail}`);
    return {
      ok: false,
      reason: 'failed',
      message: vscode.l10n.t("VS Code's Git extension could not be used: {0}", detail),
    };
  }
}

/** Resolves once the git API has found the workspace's repositories, or after a bounded wait. */
function initialized(api: GitApi): Promise<void> {
  return eventOrTimeout(api.onDidChangeState, INITIALIZE_TIMEOUT_MS, (state) => state === 'initialized');
}
