import * as vscode from 'vscode';
import { gitHubDisplayName } from '../../core/git/githubRemote';
import type { GitHubRemote, LocalRepository } from './gitRepository';
import { showWarning } from '../userMessages';

/** Quick picks over local repositories and their remotes, shared by the repository commands. */

export type RepositoryChoice =
  { readonly kind: 'repository'; readonly repository: LocalRepository } | { readonly kind: 'standalone' } | undefined;

/**
 * Picks one of several open repositories. With `offerStandalone`, a last item creates a task
 * without a repository. Repositories without a GitHub remote are listed but say so.
 */
export async function pickRepository(
  repositories: readonly LocalRepository[],
  options: { readonly placeHolder: string; readonly offerStandalone?: boolean },
): Promise<RepositoryChoice> {
  type Item = vscode.QuickPickItem & { readonly choice: RepositoryChoice };
  const items: Item[] = repositories.map((repository) => {
    const remote = repository.preferredGitHubRemote() ?? repository.gitHubRemotes()[0];
    const branch = repository.head().branch;
    return {
      label: `$(repo) ${repository.label}`,
      description: [remote ? gitHubDisplayName(remote.repository) : vscode.l10n.t('no GitHub remote'), branch]
        .filter(Boolean)
        .join(' · '),
      detail: repository.root.fsPath,
      choice: { kind: 'repository', repository },
    };
  });
  if (options.offerStandalone) {
    items.push({ label: '', kind: vscode.QuickPickItemKind.Separator, choice: undefined });
    items.push({
      label: `$(cloud) ${vscode.l10n.t('No repository')}`,
      description: vscode.l10n.t('a standalone task'),
      choice: { kind: 'standalone' },
    });
  }
  const picked = await vscode.window.showQuickPick(items, {
    placeHolder: options.placeHolder,
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.choice;
}

/** Picks among several GitHub remotes of one repository. */
export async function pickGitHubRemote(
  remotes: readonly GitHubRemote[],
  placeHolder: string,
): Promise<GitHubRemote | undefined> {
  const picked = await vscode.window.showQuickPick(
    remotes.map((remote) => ({ label: remote.remote, description: gitHubDisplayName(remote.repository), remote })),
    { placeHolder },
  );
  return picked?.remote;
}

/** Picks a branch of a remote, after a best-effort fetch so the list is current. Likely bases first. */
export async function pickRemoteBranch(
  repository: LocalRepository,
  remote: string,
  options: { readonly placeHolder: string; readonly preferred?: readonly string[] },
): Promise<string | undefined> {
  const names = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Fetching branches from {0}', remote) },
    async () => {
      try {
        await repository.fetch(remote, undefined);
      } catch {
        // Offline or refused: the remote-tracking refs from the last fetch are still worth offering.
      }
      return repository.remoteBranchNames(remote);
    },
  );
  if (names.length === 0) {
    void showWarning(vscode.l10n.t('{0} has no branches that this repository knows of. Push a branch first.', remote));
    return undefined;
  }
  const first = new Set([...(options.preferred ?? []), 'main', 'master', 'develop']);
  const ordered = [...names.filter((name) => first.has(name)), ...names.filter((name) => !first.has(name))];
  const picked = await vscode.window.showQuickPick(
    ordered.map((name) => ({ label: `$(git-branch) ${name}`, description: `${remote}/${name}`, name })),
    { placeHolder: options.placeHolder, matchOnDescription: true },
  );
  return picked?.name;
}

/** Picks which of several clones of the same repository to act in. */
export async function pickMatchingRepository<T extends { readonly repository: LocalRepository }>(
  matches: readonly T[],
  placeHolder: string,
): Promise<T | undefined> {
  if (matches.length <= 1) return matches[0];
  const picked = await vscode.window.showQuickPick(
    matches.map((match) => ({
      label: `$(repo) ${match.repository.label}`,
      description: match.repository.head().branch,
      detail: match.repository.root.fsPath,
      match,
    })),
    { placeHolder },
  );
  return picked?.match;
}
