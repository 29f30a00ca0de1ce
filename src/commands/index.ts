import * as vscode from 'vscode';
import { presentError } from '../adapters/errorPresenter';
import { manifestText } from '../adapters/manifestText';
import { loadOnDemand } from './onDemandLoader';
import type { CommandContext, CommandFactory, CommandHandler } from './support/commandContext';
import { showLogsCommand } from './showLogs';
import { openPullRequestCommand } from './openPullRequest';
import { copyTaskIdCommand } from './copyTaskId';
import { refreshCommand } from './refresh';
import { loadMoreCommand } from './loadMore';
import { clearFilterCommand } from './clearFilter';
import { showRepositoryTasksCommand } from './showRepositoryTasks';
import { showAllTasksCommand } from './showAllTasks';
import { showOutputCommand } from './showOutput';

/**
 * The commands loaded with the extension: cheap, and some needed at once (a click on a row shows its
 * log). The rest are in onDemand.ts; together the two tables list every id package.json contributes.
 */
export const COMMAND_FACTORIES: Readonly<Record<string, CommandFactory>> = {
  'blackboxTasks.showLogs': showLogsCommand,
  'blackboxTasks.openPullRequest': openPullRequestCommand,
  'blackboxTasks.copyTaskId': copyTaskIdCommand,
  'blackboxTasks.refresh': refreshCommand,
  'blackboxTasks.loadMore': loadMoreCommand,
  'blackboxTasks.clearFilter': clearFilterCommand,
  'blackboxTasks.showRepositoryTasks': showRepositoryTasksCommand,
  'blackboxTasks.showAllTasks': showAllTasksCommand,
  'blackboxTasks.showOutput': showOutputCommand,
};

/**
 * Registers every command. A failure that escapes a handler is shown once through the
 * shared error presenter, so no command fails silently and none shows raw errors.
 */
export function registerCommands(context: CommandContext): void {
  const titles = commandTitles(context.extension.extension);
  const handlers = new Map<string, CommandHandler>();
  const handlerFor = (id: string): CommandHandler => {
    let handler = handlers.get(id);
    if (!handler) {
      const factory = COMMAND_FACTORIES[id] ?? loadOnDemand().ON_DEMAND_COMMAND_FACTORIES[id];
      if (!factory) throw new Error(`no handler for ${id}`);
      handler = factory(context);
      handlers.set(id, handler);
    }
    return handler;
  };
  for (const id of [...Object.keys(COMMAND_FACTORIES), ...ON_DEMAND_COMMAND_IDS]) {
    context.extension.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await handlerFor(id)(...args);
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

/** The ids onDemand.ts serves; registered at activation, loaded on first use. */
export const ON_DEMAND_COMMAND_IDS: readonly string[] = [
  'blackboxTasks.setApiKey',
  'blackboxTasks.clearApiKey',
  'blackboxTasks.createTask',
  'blackboxTasks.continueTask',
  'blackboxTasks.cancelTask',
  'blackboxTasks.openTask',
  'blackboxTasks.compareAgents',
  'blackboxTasks.checkoutBranch',
  'blackboxTasks.reviewChanges',
  'blackboxTasks.applyChanges',
  'blackboxTasks.undoApply',
  'blackboxTasks.addReviewComment',
  'blackboxTasks.deleteReviewComment',
  'blackboxTasks.sendReview',
  'blackboxTasks.reviewWithAnotherAgent',
  'blackboxTasks.filterTasks',
  'blackboxTasks.handOver',
  'blackboxTasks.createTaskFromSelection',
  'blackboxTasks.renameTask',
];

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
