import * as vscode from 'vscode';
import { Disposable } from '../../core/util/disposable';
import { normalizeRepoUrl } from '../../core/view/taskFilter';
import type { GitAccess } from './git';

/**
 * The GitHub remotes of the workspace's repositories, normalised for the "this
 * repository" filter. Read through GitAccess (so only in a trusted workspace), and only
 * once the filter needs them: git is not woken up otherwise.
 */
export interface WorkspaceRemotes extends vscode.Disposable {
  readonly onDidChange: vscode.Event<void>;
  /** Normalised keys (see normalizeRepoUrl) of every GitHub remote of every open repository. */
  keys(): ReadonlySet<string>;
  /** Starts reading and following the repositories (idempotent); keys arrive through onDidChange. */
  start(): void;
  /** Why there are no keys, when it is not simply "no remote": a sentence for the view. */
  unavailableReason(): string | undefined;
}

export function createWorkspaceRemotes(git: GitAccess): WorkspaceRemotes {
  const owned = new Disposable();
  const changed = owned.register(new vscode.EventEmitter<void>());
  let current: ReadonlySet<string> = new Set();
  let reason: string | undefined;
  let started = false;
  // Reads can overlap (events during a slow load); only the latest one may land.
  let latestRead = 0;

  const read = async (): Promise<void> => {
    const thisRead = ++latestRead;
    const loaded = await git.load();
    const urls = loaded.ok ? await git.gitHubRepositoryUrls() : [];
    if (thisRead !== latestRead) return;
    const nextReason = loaded.ok ? undefined : loaded.message;
    const next = new Set<string>();
    for (const url of urls) {
      const key = normalizeRepoUrl(url);
      if (key) next.add(key);
    }
    if (nextReason === reason && next.size === current.size && [...next].every((key) => current.has(key))) return;
    reason = nextReason;
    current = next;
    changed.fire();
  };

  owned.register(
    git.onDidChangeRepositories(() => {
      if (started) void read();
    }),
  );

  return {
    onDidChange: changed.event,
    keys: () => current,
    unavailableReason: () => reason,
    start(): void {
      if (started) return;
      started = true;
      void read();
    },
    dispose: () => owned.dispose(),
  };
}
