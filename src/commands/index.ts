import * as vscode from 'vscode';
import { presentError } from '../adapters/errorPresenter';
import { manifestText } from '../adapters/manifestText';
import type { CommandContext, CommandFactory } from './commandContext';
import { setApiKeyCommand } from './setApiKey';
import { clearApiKeyCommand } from './clearApiKey';
import { createTaskCommand } from './createTask';
import { continueTaskCommand } from './continueTask';
import { cancelTaskCommand } from './cancelTask';
import { showLogsCommand } from './showLogs';
import { openTaskCommand } from './openTask';
import { checkoutBranchCommand } from './checkoutBranch';
import { reviewChangesCommand } from './reviewChanges';
import { openPullRequestCommand } from './openPullRequest';
import { copyTaskIdCommand } from './copyTaskId';
import { refreshCommand } from './refresh';
import { loadMoreCommand } from './loadMore';
import { filterTasksCommand } from './filterTasks';
import { clearFilterCommand } from './clearFilter';
import { showRepositoryTasksCommand } from './showRepositoryTasks';
import { showAllTasksCommand } from './showAllTasks';
import { showOutputCommand } from './showOutput';
import { handOverCommand } from './handOver';
import { createTaskFromSelectionCommand } from './createTaskFromSelection';
import { renameTaskCommand } from './renameTask';

/** Every command the extension contributes, in one table (package.json lists the same ids). */
export const COMMAND_FACTORIES: Readonly<Record<string, CommandFactory>> = {
  'blackboxTasks.setApiKey': setApiKeyCommand,
  'blackboxTasks.clearApiKey': clearApiKeyCommand,
  'blackboxTasks.createTask': createTaskCommand,
  'blackboxTasks.continueTask': continueTaskCommand,
  'blackboxTasks.cancelTask': cancelTaskCommand,
  'blackboxTasks.showLogs': showLogsCommand,
  'blackboxTasks.openTask': openTaskCommand,
  'blackboxTasks.checkoutBranch': checkoutBranchCommand,
  'blackboxTasks.reviewChanges': reviewChangesCommand,
  'blackboxTasks.openPullRequest': openPullRequestCommand,
  'blackboxTasks.copyTaskId': copyTaskIdCommand,
  'blackboxTasks.refresh': refreshCommand,
  'blackboxTasks.loadMore': loadMoreCommand,
  'blackboxTasks.filterTasks': filterTasksCommand,
  'blackboxTasks.clearFilter': clearFilterCommand,
  'blackboxTasks.showRepositoryTasks': showRepositoryTasksCommand,
  'blackboxTasks.showAllTasks': showAllTasksCommand,
  'blackboxTasks.showOutput': showOutputCommand,
  'blackboxTasks.handOver': handOverCommand,
  'blackboxTasks.createTaskFromSelection': createTaskFromSelectionCommand,
  'blackboxTasks.renameTask': renameTaskCommand,
};

/**
 * Registers every command. A failure that escapes a handler is shown once through the
 * shared error presenter, so no command fails silently and none shows raw errors.
 */
export function registerCommands(context: CommandContext): void {
  const titles = commandTitles(context.extension.extension);
  for (const [id, factory] of Object.entries(COMMAND_FACTORIES)) {
    const handler = factory(context);
    context.extension.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await handler(...args);
        } catch (error) {
          await presentError(error, titles().get(id) ?? id, {
            logger: context.logger,
            redact: (text) => context.session.redact(text),
          });
          return undefined;
        }
      }),
    );
  }
}

/**
 * The commands' titles as the user reads them, for error messages ("Create Task failed: …").
 * Read on the first failure, not at activation.
 */
export function commandTitles(extension: vscode.Extension<unknown>): () => ReadonlyMap<string, string> {
  let titles: ReadonlyMap<string, string> | undefined;
  return () => {
    if (titles) return titles;
    const contributed =
      (extension.packageJSON as { contributes?: { commands?: { command: string; title: string }[] } }).contributes
        ?.commands ?? [];
    titles = new Map(
      contributed.map((c) => [c.command, manifestText(extension, vscode.env.language, c.title).replace(/…$/, '')]),
    );
    return titles;
  };
}
