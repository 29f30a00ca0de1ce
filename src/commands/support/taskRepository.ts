import * as vscode from 'vscode';
import type { GitHubRemote, LocalRepository } from '../../adapters/git/gitRepository';
import { pickMatchingRepository, pickRemoteBranch } from '../../adapters/git/gitPickers';
import { checkBranchName, quoteBranchName } from '../../core/git/branchName';
import { parseGitHubRemote, gitHubDisplayName } from '../../core/git/githubRemote';
import type { Task } from '../../core/tasks/model';
import type { CommandContext } from './commandContext';
import { stringArgument } from './requireConnection';
import { resolveTask } from './resolveTask';
import { showError, showInformation, showWarning } from '../../adapters/userMessages';

/** Why a branch command stopped before running git; each is also shown to the user. */
export type BranchCommandStop = 'untrusted' | 'noBranch' | 'refused' | 'unavailable' | 'noRepository' | 'cancelled';

export type TaskRepository =
  | {
      readonly ok: true;
      readonly task: Task;
      readonly repository: LocalRepository;
      readonly remote: GitHubRemote;
      readonly branch: string;
    }
  | { readonly ok: false; readonly stop: BranchCommandStop; readonly message?: string };

/** In an untrusted workspace this extension never runs git: says so, and returns the message. */
function refuseIfUntrusted(action: string): string | undefined {
  if (vscode.workspace.isTrusted) return undefined;
  const message = vscode.l10n.t(
    '{0} runs git in this workspace, which is not trusted. Trust the workspace (Manage Workspace Trust) and try again.',
    action,
  );
  void showWarning(message);
  return message;
}

/**
 * Checks a branch name from the API before it gets anywhere near git: anything git would
 * refuse, or that could pass for an option or a full ref, is refused with the reason.
 */
export function checkTaskBranch(
  name: string,
  what: string,
): { readonly ok: true; readonly branch: string } | { readonly ok: false; readonly message: string } {
  const check = checkBranchName(name);
  if (check.ok) return { ok: true, branch: check.name };
  const message = vscode.l10n.t(
    'The {0} {1} is not a safe branch name ({2}), so it was not used. Nothing was run.',
    what,
    quoteBranchName(name),
    check.reason,
  );
  void showError(message);
  return { ok: false, message };
}

/**
 * What a branch command settles before it runs git: the workspace is trusted, the task (from
 * the argument `{ taskId, repository? }`, else picked among tasks with a branch), its created
 * branch name is safe, and the open repository with a remote for the task's GitHub
 * repository (asking when there are several clones). Says plainly why when it stops.
 */
export async function taskRepository(
  context: CommandContext,
  argument: unknown,
  command: { readonly action: string; readonly placeHolder: string },
): Promise<TaskRepository> {
  const untrusted = refuseIfUntrusted(command.action);
  if (untrusted) return { ok: false, stop: 'untrusted', message: untrusted };

  const task = await resolveTask(argument, context, {
    placeHolder: command.placeHolder,
    qualifies: (candidate) => Boolean(candidate.createdBranch),
    qualifiesFromDetails: true,
    noneMessage: vscode.l10n.t('No task has a branch yet. The agent pushes one as it works.'),
  });
  if (!task) return { ok: false, stop: 'cancelled' };

  if (!task.createdBranch) {
    const message = vscode.l10n.t('The agent has not pushed a branch for this task yet.');
    void showInformation(message);
    return { ok: false, stop: 'noBranch', message };
  }
  const checked = checkTaskBranch(task.createdBranch, vscode.l10n.t("task's branch"));
  if (!checked.ok) return { ok: false, stop: 'refused', message: checked.message };

  const wanted = task.repoUrl ? parseGitHubRemote(task.repoUrl) : undefined;
  if (!wanted) {
    const message = task.repoUrl
      ? vscode.l10n.t("The task's repository ({0}) is not a GitHub repository this extension can match.", task.repoUrl)
      : vscode.l10n.t('This task has no repository.');
    void showWarning(message);
    return { ok: false, stop: 'noRepository', message };
  }

  const loaded = await context.git.load();
  if (!loaded.ok) {
    void showWarning(loaded.message);
    return { ok: false, stop: 'unavailable', message: loaded.message };
  }
  const matches = await context.git.repositoriesFor(task.repoUrl ?? '');
  if (matches.length === 0) {
    const message = vscode.l10n.t(
      'No open repository has a remote for {0}. Open a clone of it in this window and try again.',
      gitHubDisplayName(wanted),
    );
    void showWarning(message);
    return { ok: false, stop: 'noRepository', message };
  }
  const preferredRoot = stringArgument(argument, 'repository');
  const preferred = preferredRoot
    ? matches.find((match) => match.repository.root.fsPath === vscode.Uri.file(preferredRoot).fsPath)
    : undefined;
  const match =
    preferred ??
    (await pickMatchingRepository(matches, vscode.l10n.t('Which clone of {0}?', gitHubDisplayName(wanted))));
  if (!match) return { ok: false, stop: 'cancelled' };
  return { ok: true, task, repository: match.repository, remote: match.remote, branch: checked.branch };
}

/**
 * The branch the agent's work is compared with: the argument's `baseBranch`, else the task's,
 * else one the user picks from the remote; checked like every branch name from the API.
 */
export async function baseBranchOf(
  found: Extract<TaskRepository, { ok: true }>,
  argument: unknown,
): Promise<
  | { readonly ok: true; readonly branch: string }
  | { readonly ok: false; readonly stop: 'cancelled' | 'refused'; readonly message?: string }
> {
  const { task, repository, remote, branch } = found;
  const base =
    stringArgument(argument, 'baseBranch') ??
    task.baseBranch ??
    (await pickRemoteBranch(repository, remote.remote, {
      placeHolder: vscode.l10n.t('The task does not say its base branch. Compare "{0}" with which branch?', branch),
      preferred: ['main', 'master'],
    }));
  if (!base) return { ok: false, stop: 'cancelled' };
  const checked = checkTaskBranch(base, vscode.l10n.t("task's base branch"));
  return checked.ok ? { ok: true, branch: checked.branch } : { ok: false, stop: 'refused', message: checked.message };
}
