import * as assert from 'node:assert/strict';
import { CompareAgentsPage, type ComparePageState } from '../../../src/core/view/compareAgentsHtml';
import { DetailsPage, type DetailsPageState } from '../../../src/core/view/taskDetailsHtml';
import type { AgentTask } from '../../../src/core/tasks/agentTask';
import type { TaskDetails } from '../../../src/core/tasks/model';

/** The whole details page, as its first load renders it. */
export function firstDetailsLoad(details: TaskDetails, state: DetailsPageState & { readonly nonce: string }): string {
  const { nonce, ...refresh } = state;
  const update = new DetailsPage(() => nonce).update(details, { ...refresh, pageOnScreen: false });
  assert.equal(update.kind, 'load');
  return update.kind === 'load' ? update.html : '';
}

/** The whole Compare Agents page, as its first load renders it. */
export function firstCompareLoad(agentTask: AgentTask, state: ComparePageState & { readonly nonce: string }): string {
  const { nonce, ...content } = state;
  const update = new CompareAgentsPage(() => nonce).update(agentTask, content, false);
  assert.equal(update.kind, 'load');
  return update.kind === 'load' ? update.html : '';
}
