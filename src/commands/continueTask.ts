import * as vscode from 'vscode';
import { continueDraftKey, createDraftStore } from '../adapters/prompts/draftStore';
import { presentError } from '../adapters/errorPresenter';
import { askForPrompt } from '../adapters/prompts/promptInput';
import { taskLabelForMessage } from '../core/tasks/cancelPolicy';
import { describeError } from '../core/view/errorDescription';
import { continueBlocker, continuableTasks, latestRunOf, linkContinuedTask } from '../core/tasks/followUp';
import { API_NAMES } from '../core/api/keyCheck';
import type { ContinuedTask } from '../core/api/tasksApi';
import type { CommandContext } from './support/commandContext';
import { followTaskLogs } from './support/followTaskLogs';
import { booleanArgument, requireConnection, stringArgument } from './support/requireConnection';
import { resolveAgentLane } from './support/resolveTask';
import { agentTasksOf } from '../core/tasks/agentTask';
import { isMultiAgent, laneTask } from '../core/tasks/agentLanes';
import { showWarning } from '../adapters/userMessages';

export interface ContinueTaskResult {
  readonly outcome: 'sent' | 'blocked' | 'failed' | 'cancelled';
  /** The run now following (v1: a new run; Cloud: the same task). */
  readonly taskId?: string;
  readonly previousId?: string;
  readonly message?: string;
}

/**
 * Continue Task…: a follow-up prompt for a finished task (see core/followUp for why active
 * tasks are not offered). The text is saved as a draft per conversation while it is typed
 * and until the server accepts it, so a failure never loses it; the next attempt starts
 * from it. On success the new run is put in the store linked to its task, revealed, and
 * its log followed. On a multi-agent task it asks which agent's run to continue from (v1: that
 * agent's latest run; Cloud: the task, naming that agent and its model). Argument object
 * (README, Command arguments): `{ taskId, prompt }`, `{ taskId, laneKey, prompt }`, or
 * `{ taskId, acceptDraft: true }` to send the kept draft.
 */
export function continueTaskCommand(context: CommandContext) {
  const { store, logger, session } = context;
  const drafts = createDraftStore(context.extension.workspaceState);

  return async (argument?: unknown): Promise<ContinueTaskResult> => {
    const connection = await requireConnection(context);
    if (!connection) return { outcome: 'cancelled' };

    const known = store.tasks();
    const continuable = new Set(continuableTasks(known).map((task) => task.id));
    // Each agent of a multi-agent task is continued on its own line: its latest run (v1), or the task with its agent and model (Cloud).
    const agentRuns = new Set(
      agentTasksOf(known)
        .filter(isMultiAgent)
        .flatMap((agentTask) => agentTask.lanes.map((lane) => lane.run.id)),
    );
    const resolved = await resolveAgentLane(argument, context, {
      placeHolder: vscode.l10n.t('Choose a finished task to continue'),
      lanePlaceHolder: vscode.l10n.t("Continue from which agent's run (its branch and conversation)?"),
      qualifies: (task) => continueBlocker(task) === undefined && (continuable.has(task.id) || agentRuns.has(task.id)),
      noneMessage: vscode.l10n.t(
        'There is no finished task to continue. A follow-up can be sent once a task has finished.',
      ),
    });
    if (!resolved) return { outcome: 'cancelled' };
    const { agentTask, lane } = resolved;
    const multi = isMultiAgent(agentTask);
    const task = multi ? laneTask(agentTask, lane) : latestRunOf(resolved.task, store.tasks());
    const retryArgument = multi ? { taskId: task.id, laneKey: lane.key } : { taskId: task.id };
    const label = taskLabelForMessage(task);

    const blocker =
      task.api !== connection.kind
        ? vscode.l10n.t(
            'It belongs to the {0}, but the current key is for the {1}.',
            API_NAMES[task.api],
            API_NAMES[connection.kind],
          )
        : continueBlocker(task);
    if (blocker) {
      const message = vscode.l10n.t('Task {0} cannot take a follow-up now. {1}', label, blocker);
      void showWarning(message);
      return { outcome: 'blocked', message };
    }

    const draftKey = continueDraftKey(multi ? `${task.threadId ?? task.id}#${lane.key}` : (task.threadId ?? task.id));
    let prompt = stringArgument(argument, 'prompt')?.trim();
    if (!prompt && booleanArgument(argument, 'acceptDraft')) {
      prompt = drafts.get(draftKey)?.trim();
      if (!prompt) return { outcome: 'cancelled', message: vscode.l10n.t('There is no draft for this task.') };
    }
    if (!prompt) {
      prompt = await askForPrompt({
        title: vscode.l10n.t('Continue {0}', label),
        placeHolder: vscode.l10n.t('What should the agent do next?'),
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
        {
          location: vscode.ProgressLocation.Notification,
          title: vscode.l10n.t('Sending the follow-up to {0}…', label),
        },
        () =>
          connection.api.continue(task.id, {
            prompt: text,
            // A Cloud task has one id for all its agents: the follow-up names the agent (and its model) to continue.
            ...(multi && task.api === 'cloud' && lane.agent
              ? { agent: lane.agent, ...(lane.model ? { model: lane.model } : {}) }
              : {}),
          }),
      );
    } catch (error) {
      const doing = vscode.l10n.t('Sending the follow-up (your text is kept as a draft)');
      // Shown without waiting, so the command (and a test driving it) is not held by the notification.
      void presentError(error, doing, { logger, redact: (text) => session.redact(text), canRetry: true }).then(
        (retry) => {
          if (retry) void vscode.commands.executeCommand('blackboxTasks.continueTask', retryArgument);
        },
      );
      return { outcome: 'failed', message: session.redact(describeError(error, doing).message) };
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
    vscode.window.setStatusBarMessage(`$(comment-discussion) ${vscode.l10n.t('Follow-up sent to {0}.', label)}`, 5_000);
    return { outcome: 'sent', taskId: linked.id, previousId: continued.previousId };
  };
}
