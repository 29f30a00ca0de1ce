// The commands that do real work on the user's request (sending, cancelling, the key, git, the
// details page, Compare Agents), with everything only they use: prompts, pickers, pre-flight,
// the details and Compare Agents HTML.
// esbuild builds this into its own file, dist/onDemand.js, loaded on the first of these commands,
// so activation does not pay for code most sessions run once or never.
import { addReviewCommentCommand } from './addReviewComment';
import { applyChangesCommand } from './applyChanges';
import { cancelTaskCommand } from './cancelTask';
import { checkoutBranchCommand } from './checkoutBranch';
import { compareAgentsCommand } from './compareAgents';
import { clearApiKeyCommand } from './clearApiKey';
import { continueTaskCommand } from './continueTask';
import { createTaskCommand } from './createTask';
import { createTaskFromSelectionCommand } from './createTaskFromSelection';
import { deleteReviewCommentCommand } from './deleteReviewComment';
import { filterTasksCommand } from './filterTasks';
import { handOverCommand } from './handOver';
import { openTaskCommand } from './openTask';
import { renameTaskCommand } from './renameTask';
import { reviewChangesCommand } from './reviewChanges';
import { reviewWithAnotherAgentCommand } from './reviewWithAnotherAgent';
import { sendReviewCommand } from './sendReview';
import { setApiKeyCommand } from './setApiKey';
import type { CommandFactory } from './support/commandContext';
import { undoApplyCommand } from './undoApply';

export { useBundle } from '../core/util/l10n';
export { createLogChannelRegistry } from '../adapters/logs/logChannelRegistry';
export { createLanguageModelTools } from '../adapters/handover/languageModelToolBodies';
export { HandoverCodeActionProvider } from '../adapters/handover/handoverCodeActionProvider';
export { TaskUriHandlerBody } from '../adapters/handover/taskUriHandlerBody';

export const ON_DEMAND_COMMAND_FACTORIES: Readonly<Record<string, CommandFactory>> = {
  'blackboxTasks.setApiKey': setApiKeyCommand,
  'blackboxTasks.clearApiKey': clearApiKeyCommand,
  'blackboxTasks.createTask': createTaskCommand,
  'blackboxTasks.continueTask': continueTaskCommand,
  'blackboxTasks.cancelTask': cancelTaskCommand,
  'blackboxTasks.openTask': openTaskCommand,
  'blackboxTasks.compareAgents': compareAgentsCommand,
  'blackboxTasks.checkoutBranch': checkoutBranchCommand,
  'blackboxTasks.reviewChanges': reviewChangesCommand,
  'blackboxTasks.applyChanges': applyChangesCommand,
  'blackboxTasks.undoApply': undoApplyCommand,
  'blackboxTasks.addReviewComment': addReviewCommentCommand,
  'blackboxTasks.deleteReviewComment': deleteReviewCommentCommand,
  'blackboxTasks.sendReview': sendReviewCommand,
  'blackboxTasks.reviewWithAnotherAgent': reviewWithAnotherAgentCommand,
  'blackboxTasks.filterTasks': filterTasksCommand,
  'blackboxTasks.handOver': handOverCommand,
  'blackboxTasks.createTaskFromSelection': createTaskFromSelectionCommand,
  'blackboxTasks.renameTask': renameTaskCommand,
};
