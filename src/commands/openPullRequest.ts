import * as vscode from 'vscode';
import { safePullRequestUrl } from '../core/view/taskPresentation';
import type { CommandContext } from './support/commandContext';
import { resolveTask } from './support/resolveTask';
import { showWarning } from '../adapters/userMessages';

export interface OpenPullRequestResult {
  readonly opened: boolean;
  readonly url?: string;
  readonly message?: string;
}

/**
 * Open Pull Request: the task's PR in the browser. The URL comes from the API, so only a
 * plain https://github.com/<owner>/<repo>/pull/<n> is opened (the same test that decides
 * whether the row offers the command).
 */
export function openPullRequestCommand(context: CommandContext) {
  return async (argument?: unknown): Promise<OpenPullRequestResult> => {
    const task = await resolveTask(argument, context, {
      placeHolder: vscode.l10n.t('Choose a task whose pull request to open'),
      qualifies: (candidate) => safePullRequestUrl(candidate.pullRequestUrl) !== undefined,
      noneMessage: vscode.l10n.t('No task has a pull request yet.'),
    });
    if (!task) return { opened: false };
    const url = safePullRequestUrl(task.pullRequestUrl);
    if (!url) {
      const message = task.pullRequestUrl
        ? vscode.l10n.t('The task’s pull request link is not a github.com pull request URL, so it was not opened.')
        : vscode.l10n.t('This task has no pull request.');
      void showWarning(message);
      return { opened: false, message };
    }
    // Uri.parse(url, true) keeps the already-validated URL exactly (strict: no scheme guessing).
    const opened = await vscode.env.openExternal(vscode.Uri.parse(url, true));
    return { opened, url };
  };
}
