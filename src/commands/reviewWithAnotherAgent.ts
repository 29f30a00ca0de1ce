import * as vscode from 'vscode';
import { buildSecondOpinionPrompt } from '../core/review/secondOpinionPrompt';
import type { CreateTaskResult } from './createTask';
import type { CommandContext } from './support/commandContext';
import { actionArguments, stringArgument } from './support/requireConnection';
import { checkTaskBranch, taskRepository, type BranchCommandStop } from './support/taskRepository';

export interface SecondOpinionResult {
  readonly outcome: CreateTaskResult['outcome'] | BranchCommandStop;
  readonly taskId?: string;
  readonly message?: string;
}

/**
 * Review with Another Agent…: a new task, through the one Create Task flow, based on the
 * agent's branch and prefilled with a prompt to review it against its base. The user edits
 * the prompt and picks the reviewing agent there. Argument object (README, Command arguments): `{ taskId,
 * prompt?, agent?, model? }` (a prompt is sent as it is).
 */
export function reviewWithAnotherAgentCommand(context: CommandContext) {
  return async (argument?: unknown): Promise<SecondOpinionResult> => {
    const found = await taskRepository(context, argument, {
      action: vscode.l10n.t('Asking another agent for a review'),
      placeHolder: vscode.l10n.t('Which task should another agent review?'),
    });
    if (!found.ok) return { outcome: found.stop, ...(found.message ? { message: found.message } : {}) };
    const { task, repository, remote, branch } = found;
    const base =
      task.baseBranch !== undefined ? checkTaskBranch(task.baseBranch, vscode.l10n.t("task's base branch")) : undefined;
    if (base && !base.ok) return { outcome: 'refused', message: base.message };

    const suggested = buildSecondOpinionPrompt({
      branch,
      ...(base?.ok ? { base: base.branch } : {}),
      ...(task.prompt ? { originalPrompt: task.prompt } : {}),
    });
    const args = actionArguments(argument);
    const given = stringArgument(argument, 'prompt');
    const result = await vscode.commands.executeCommand<CreateTaskResult | undefined>('blackboxTasks.createTask', {
      repository: repository.root.fsPath,
      remote: remote.remote,
      baseBranch: branch,
      skipPreflight: true,
      ...(given !== undefined ? { prompt: given } : { initialPrompt: suggested }),
      ...(typeof args['agent'] === 'string' ? { agent: args['agent'] } : {}),
      ...(typeof args['model'] === 'string' ? { model: args['model'] } : {}),
    });
    if (!result) return { outcome: 'failed' };
    return {
      outcome: result.outcome,
      ...(result.taskId ? { taskId: result.taskId } : {}),
      ...(result.message ? { message: result.message } : {}),
    };
  };
}
