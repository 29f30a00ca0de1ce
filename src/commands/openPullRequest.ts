import * as vscode from 'vscode';
import { safeGithubUrl } from '../core/taskDetailsHtml';
import type { CommandContext } from './commandContext';
import { resolveTask } from './resolveTask';

export interface OpenPullRequestResult {
  readonly opened: boolean;
  readonly url?: string;
  readonly message?: string;
}

/** Only a github.com pull request page is ever opened: the URL comes from the API and is untrusted. */
const PULL_REQUEST_PATH = /^\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/pull\/\d+\/?$/;

export function pullRequestUrlToOpen(raw: string | undefined): string | undefined {
  const url = safeGithubUrl(raw);
  if (!url) return undefined;
  const parsed = new URL(url);
  return PULL_REQUEST_PATH.test(parsed.pathname) && parsed.search === '' && parsed.hash === '' ? url : undefined;
}

/** Open Pull Request: the task's PR in the browser (https://github.com/<owner>/<repo>/pull/<n> only). */
export function openPullRequestCommand(context: CommandContext) {
  return async (argument?: unknown): Promise<OpenPullRequestResult> => {
    const task = await resolveTask(argument, context, {
      placeHolder: 'Choose a task whose pull request to open',
      qualifies: (candidate) => pullRequestUrlToOpen(candidate.pullRequestUrl) !== undefined,
      noneMessage: 'No task has a pull request yet.',
    });
    if (!task) return { opened: false };
    const url = pullRequestUrlToOpen(task.pullRequestUrl);
    if (!url) {
      const message = task.pullRequestUrl
        ? 'The task’s pull request link is not a github.com pull request URL, so it was not opened.'
        : 'This task has no pull request.';
      void vscode.window.showWarningMessage(message);
      return { opened: false, message };
    }
    // Uri.parse(url, true) keeps the already-validated URL exactly (strict: no scheme guessing).
    const opened = await vscode.env.openExternal(vscode.Uri.parse(url, true));
    return { opened, url };
  };
}
