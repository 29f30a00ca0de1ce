import * as vscode from 'vscode';
import { continueDraftKey, createDraftStore } from '../adapters/draftStore';
import { presentError } from '../adapters/errorPresenter';
import { askForPrompt } from '../adapters/promptInput';
import { taskLabelForMessage } from '../core/cancelPolicy';
import { describeError } from '../core/errorDescription';
import { continueBlocker, continuableTasks, latestRunOf, linkContinuedTask } from '../core/followUp';
import { API_NAMES } from '../core/keyCheck';
import type { ContinuedTask } from '../core/tasksApi';
import type { CommandContext } from './commandContext';
import { followTaskLogs } from './followTaskLogs';
import { booleanArgument, requireConnection, stringArgument } from './requireConnection';
import { resolveTask } from './resolveTask';
import { showWarning } from '../adapters/userMessages';

export interface ContinueTaskResult {
  readonly outcome: 'sent' | 'blocked' | 'failed' | 'cancelled';
  /** The run now following (v1: a new run; Cloud: the same task). */
  readonly taskId?: string;
  readonly previousId?: string;
  readonly message?: string;
}

const DOING = 'Sending the follow-up (your text is kept as a draft)';

/**
 * Continue Task…: a follow-up prompt for a finished task (see core/followUp for why active
 * tasks are not offered). The text is saved as a draft per conversation while it is typed
 * and until the server accepts it, so a failure never loses it; the next attempt starts
 * from it. On success the new run is put in the store linked to its task, revealed, and
 * its log followed. Non-interactive use (tests): `{ taskId, prompt }`, or
 * `{ taskId, acceptDraft: true }` to send the kept draft.
 */
export function continueTaskCommand(context: CommandContext) {
  const { store, logger, session } = context;
  const drafts = createDraftStore(context.extension.workspaceState);

  return async (argument?: unknown): Promise<ContinueTaskResult> => {
    const connection = await requireConnection(context);
    if (!connection) return { outcome: 'cancelled' };

    const continuable = new Set(continuableTasks(store.tasks()).map((task) => task.id));
    const picked = await resolveTask(argument, context, {
      placeHolder: 'Choose a finished task to continue',
      qualifies: (task) => continuable.has(task.id),
      noneMessage: 'There is no finished task to continue. A follow-up can be sent once a task has finished.',
    });
    if (!picked) return { outcome: 'cancelled' };
    const task = latestRunOf(picked, store.tasks());
    const label = taskLabelForMessage(task);

    const blocker =
      task.api !== connection.kind
        ? `It belongs to the ${API_NAMES[task.api]}, but the current key is for the ${API_NAMES[connection.kind]}.`
        : continueBlocker(task);
    if (blocker) {
      const message = `Task ${label} cannot take a follow-up now. ${blocker}`;
      void showWarning(message);
      return { outcome: 'blocked', message };
    }

    const draftKey = continueDraftKey(task.threadId ?? task.id);
    let prompt = stringArgument(argument, 'prompt')?.trim();
    if (!prompt && booleanArgument(argument, 'acceptDraft')) {
      prompt = drafts.get(draftKey)?.trim();
      if (!prompt) return { outcome: 'cancelled', message: 'There is no draft for this task.' };
    }
    if (!prompt) {
      prompt = await askForPrompt({
        title: `Continue ${label}`,
        placeHolder: 'What should the agent do next?',
        ...(drafts.get(draftKey) ? { initialValue: drafts.get(draftKey) } : {}),
        onDraft: (text) => void drafts.save(draftKey, text),
      });
      if (!prompt) return { outcome: 'cancelled' };
    }
    await drafts.save(draftKey, prompt);

    let continued: ContinuedTask;
    try {
      const text = prompt;
      continued = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Sending the follow-up to ${label}…` },
        () => connection.api.continue(task.id, { prompt: text }),
      );
    } catch (error) {
      // Shown without waiting, so the command (and a test driving it) is not held by the notification.
      void presentError(error, DOING, { logger, redact: (text) => session.redact(text), canRetry: true }).then(
        (retry) => {
          if (retry) void vscode.commands.executeCommand('blackboxTasks.continueTask', { taskId: task.id });
        },
      );
      return { outcome: 'failed', message: session.redact(describeError(error, DOING).message) };
    }

    await drafts.clear(draftKey);
    const linked = linkContinuedTask(task, continued, Date.now());
    store.upsert(linked);
    logger.info(`Follow-up sent to ${task.id}; now following ${linked.id}.`);
    // Revealing is a courtesy (a row not drawn yet is skipped by reveal); any other failure is logged, never the command's.
    context.view
      .reveal(linked.id)
      .catch((error: unknown) =>
        logger.debug(`Could not reveal ${linked.id}: ${error instanceof Error ? error.message : String(error)}`),
      );
    followTaskLogs(context.logs, linked);
    vscode.window.setStatusBarMessage(`$(comment-discussion) Follow-up sent to ${label}.`, 5_000);
    return { outcome: 'sent', taskId: linked.id, previousId: continued.previousId };
  };
}
