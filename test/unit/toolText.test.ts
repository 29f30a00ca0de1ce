import * as assert from 'node:assert/strict';
import type { TaskDetails } from '../../src/core/tasks/model';
import {
  isPlausibleTaskId,
  logTailLines,
  statusFromInput,
  taskDetailsText,
  taskListText,
} from '../../src/core/handover/toolText';

const CREATED = Date.UTC(2026, 10, 20, 9, 30);

function details(overrides: Partial<TaskDetails> = {}): TaskDetails {
  return {
    id: 'run-1',
    api: 'agent',
    status: 'completed',
    rawStatus: 'completed',
    prompt: 'Add rate limiting\n\nto the orders endpoint',
    repoUrl: 'https://github.com/acme/shop.git',
    baseBranch: 'main',
    createdBranch: 'blackbox/rate-limit',
    createdAt: CREATED,
    messages: [],
    ...overrides,
  };
}

describe('language model tool text', () => {
  it('lists tasks one per line with id, status, repository and branch, and the prompt', () => {
    assert.equal(
      taskListText([details(), details({ id: 'run-2', status: 'running', repoUrl: undefined, prompt: undefined })], {
        more: true,
        scope: 'all repositories',
      }),
      [
        '2 tasks (all repositories), newest first:',
        '- id run-1 · completed · acme/shop@blackbox/rate-limit · created 2026-11-20 09:30 UTC · "Add rate limiting to the orders endpoint"',
        '- id run-2 · running · created 2026-11-20 09:30 UTC · (prompt not loaded)',
        'More tasks exist: raise limit or filter by status to see them.',
      ].join('\n'),
    );
    assert.equal(taskListText([], { more: false, scope: 'acme/shop' }), 'No tasks (acme/shop).');
  });

  it('describes a task with its facts, prompt and log tail as plain text', () => {
    const text = taskDetailsText(
      details({
        pullRequestUrl: 'https://github.com/acme/shop/pull/7',
        diffStats: { filesChanged: 3, linesAdded: 40, linesRemoved: 2 },
        error: 'boom\u001b[2J',
      }),
      ['▸ bash: npm test', '✓ completed'],
    );
    assert.match(text, /^Task run-1 \(Agent API\)\nStatus: completed\n/);
    assert.match(text, /\nRepository: acme\/shop\nBase branch: main\nCreated branch: blackbox\/rate-limit\n/);
    assert.match(text, /\nPull request: https:\/\/github\.com\/acme\/shop\/pull\/7\n/);
    assert.match(text, /\nChanges: 3 files, \+40 -2 lines\n/);
    assert.match(text, /\nError: boom\n/);
    assert.match(text, /\nPrompt:\n {2}Add rate limiting\n\n {2}to the orders endpoint\n/);
    assert.match(text, /\nLog \(last 2 lines\):\n {2}▸ bash: npm test\n {2}✓ completed$/);
    assert.doesNotMatch(text, /\u001b/);
  });

  it('says when there is no log', () => {
    assert.match(taskDetailsText(details(), undefined), /Log: not available\.$/);
    assert.match(taskDetailsText(details(), []), /Log: empty so far\.$/);
  });

  it('keeps the last non-empty log lines, clipped', () => {
    const text = Array.from({ length: 50 }, (_, index) => `line ${index}`).join('\n\n') + '\n' + 'z'.repeat(500);
    const tail = logTailLines(text, 3);
    assert.deepEqual(tail.slice(0, 2), ['line 48', 'line 49']);
    assert.equal(tail[2]?.length, 240);
  });

  it('reads statuses in either API vocabulary', () => {
    assert.equal(statusFromInput('pending'), 'queued');
    assert.equal(statusFromInput('Running'), 'running');
    assert.equal(statusFromInput('stopped'), 'cancelled');
    assert.equal(statusFromInput('unknown'), undefined);
    assert.equal(statusFromInput('nonsense'), undefined);
  });

  it('accepts task ids that look like ids only', () => {
    assert.ok(isPlausibleTaskId('3f2a1c9e-0000-4000-8000-000000000001'));
    assert.ok(isPlausibleTaskId('tsk_AbC123'));
    assert.ok(!isPlausibleTaskId('../etc/passwd'));
    assert.ok(!isPlausibleTaskId('https://example.com'));
    assert.ok(!isPlausibleTaskId(''));
  });
});
