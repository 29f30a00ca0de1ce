import * as assert from 'node:assert/strict';
import type { TaskDetails } from '../../src/core/tasks/model';
import { DETAILS_PAGE_COMMANDS } from '../../src/core/view/taskDetailsHtml';
import { firstDetailsLoad } from './support/webviewPages';

function details(overrides: Partial<TaskDetails> = {}): TaskDetails {
  return {
    id: 'run-1',
    api: 'agent',
    status: 'completed',
    rawStatus: 'completed',
    prompt: 'Add tests',
    repoUrl: 'https://github.com/blackbox-demo/shop-api.git',
    baseBranch: 'main',
    createdBranch: 'blackbox/tests',
    messages: [],
    ...overrides,
  };
}

const labels = { reviewLabel: 'Review Changes', applyLabel: 'Apply Changes…' };
const state = { nonce: 'n', formatTime: () => 'then' };
const commandLinks = (html: string): string[] => [...html.matchAll(/href="(command:[^"]*)"/g)].map((m) => m[1] ?? '');

describe('details page: Review Changes and Apply Changes links', () => {
  it('links a task with a branch to exactly the two allowed commands, with its id as the only argument', () => {
    const html = firstDetailsLoad(details(), { ...state, branchActions: labels });
    assert.deepEqual(commandLinks(html), [
      'command:blackboxTasks.reviewChanges?%5B%22run-1%22%5D',
      'command:blackboxTasks.applyChanges?%5B%22run-1%22%5D',
    ]);
    assert.deepEqual([...DETAILS_PAGE_COMMANDS], ['blackboxTasks.reviewChanges', 'blackboxTasks.applyChanges']);
  });

  it('offers no links without a branch, or when the panel does not allow command links', () => {
    assert.deepEqual(
      commandLinks(firstDetailsLoad(details({ createdBranch: undefined }), { ...state, branchActions: labels })),
      [],
    );
    assert.deepEqual(commandLinks(firstDetailsLoad(details(), state)), []);
  });

  it('keeps a hostile task id inside the argument: it cannot end the attribute or add arguments', () => {
    const html = firstDetailsLoad(details({ id: '"]><script>x</script>,{"files":["a"]}' }), {
      ...state,
      branchActions: labels,
    });
    for (const link of commandLinks(html)) {
      const [, query] = link.split('?');
      assert.deepEqual(JSON.parse(decodeURIComponent(query ?? '')), ['"]><script>x</script>,{"files":["a"]}']);
    }
    assert.doesNotMatch(html, /<script>/);
  });
});
