import * as assert from 'node:assert/strict';
import { HEADER_RULE, channelTitle, renderTaskHeader, repositoryName, taskTitle } from '../../src/core/logs/taskHeader';
import type { Task } from '../../src/core/tasks/model';

const AT = (h: number, m: number, s: number) => Date.UTC(2026, 10, 23, h, m, s);

function task(overrides: Partial<Task> = {}): Task {
  return { id: 'run-1', api: 'agent', status: 'running', rawStatus: 'running', ...overrides };
}

describe('task header', () => {
  it('shows a running repository task: title, status, repo, base → pending branch, model, times, prompt', () => {
    const text = renderTaskHeader(
      task({
        id: '3f2a9c1e-0000-4000-8000-000000000001',
        prompt: 'Fix the flaky checkout test\n\nAlso add a regression test.',
        repoUrl: 'https://github.com/blackbox-demo/shop-api.git',
        baseBranch: 'main',
        model: 'blackboxai/anthropic/claude-sonnet-4.6',
        agent: 'claude',
        createdAt: AT(16, 17, 1),
        startedAt: AT(16, 17, 5),
      }),
      { timeZone: 'UTC' },
    );
    assert.equal(
      text,
      [
        'Fix the flaky checkout test',
        '',
        'Status     running',
        'Repository blackbox-demo/shop-api',
        'Branch     main → (not pushed yet)',
        'Model      blackboxai/anthropic/claude-sonnet-4.6 (agent claude)',
        'Created    2026-11-23 16:17:01',
        'Started    2026-11-23 16:17:05',
        'Task ID    3f2a9c1e-0000-4000-8000-000000000001',
        'Prompt     Fix the flaky checkout test',
        '           ',
        '           Also add a regression test.',
        HEADER_RULE,
        '',
        '',
      ].join('\n'),
    );
  });

  it('shows a finished Cloud task: raw status, created branch, PR, diff stats, completion with duration, error', () => {
    const text = renderTaskHeader(
      task({
        id: 'k3x9',
        api: 'cloud',
        status: 'failed',
        rawStatus: 'error',
        error: 'Tests failed\nafter push',
        title: 'Upgrade dependencies',
        prompt: 'Upgrade dependencies',
        repoUrl: 'git@github.com:acme/widgets.git',
        baseBranch: 'develop',
        createdBranch: 'blackbox/upgrade-deps',
        pullRequestUrl: 'https://github.com/acme/widgets/pull/7',
        diffStats: { filesChanged: 3, linesAdded: 40, linesRemoved: 12 },
        agent: 'codex',
        startedAt: AT(9, 0, 0),
        completedAt: AT(9, 4, 12),
        previousRunId: 'k3x8',
      }),
      { timeZone: 'UTC' },
    );
    assert.equal(
      text,
      [
        'Upgrade dependencies',
        '',
        'Status     failed (error)',
        'Error      Tests failed after push',
        'Repository acme/widgets',
        'Branch     develop → blackbox/upgrade-deps',
        'PR         https://github.com/acme/widgets/pull/7',
        'Changes    3 files, +40 −12',
        'Agent      codex',
        'Started    2026-11-23 09:00:00',
        'Completed  2026-11-23 09:04:12 (took 4m 12s)',
        'Task ID    k3x9',
        'Continues  k3x8',
        HEADER_RULE,
        '',
        '',
      ].join('\n'),
    );
  });

  it('handles a standalone task with nothing known but its id, and an unknown status', () => {
    const text = renderTaskHeader(task({ status: 'unknown', rawStatus: 'paused' }));
    assert.equal(
      text,
      [
        'Task run-1',
        '',
        'Status     unknown (paused)',
        'Repository (none: a standalone prompt)',
        'Task ID    run-1',
        HEADER_RULE,
        '',
        '',
      ].join('\n'),
    );
  });

  it('lists the agents of a multi-agent task', () => {
    const text = renderTaskHeader(
      task({
        prompt: 'x',
        agentRuns: [
          { agent: 'claude', status: 'completed', rawStatus: 'completed' },
          { agent: 'codex', status: 'unknown', rawStatus: 'thinking' },
        ],
      }),
    );
    assert.ok(text.includes('\nAgents     claude (completed), codex (thinking)\n'), text);
  });

  it('cleans untrusted text and caps a long prompt', () => {
    const prompt = `\u001b[31mRed\u001b[0m title\u202E\n${Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n')}`;
    const text = renderTaskHeader(task({ prompt, model: 'm\u0007x' }));
    assert.ok(text.startsWith('Red title\n'), text);
    assert.ok(!/[\u0000-\u0008\u000b-\u001f\u202e]/.test(text), 'no control characters');
    assert.ok(text.includes('\nModel      mx\n'));
    assert.ok(text.includes('           … (19 more lines)\n'), text);
  });

  it('names tasks and channels for people', () => {
    assert.equal(taskTitle(task({ prompt: '\n\n  Fix   the bug  \nmore' })), 'Fix the bug');
    assert.equal(taskTitle(task({ title: 'Renamed', prompt: 'Original' })), 'Renamed');
    assert.equal(taskTitle(task({ id: 'abc' })), 'Task abc');
    assert.equal(
      channelTitle(task({ prompt: 'Add a dark mode toggle to the settings page of the app' })),
      'BLACKBOX: Add a dark mode toggle to the settings…',
    );
    assert.equal(channelTitle(task({ prompt: 'Short' })), 'BLACKBOX: Short');
    assert.equal(channelTitle(task({ prompt: 'x'.repeat(60) })), `BLACKBOX: ${'x'.repeat(39)}…`);
  });

  it('shortens GitHub URLs to owner/repo and leaves others alone', () => {
    assert.equal(repositoryName('https://github.com/o/r.git'), 'o/r');
    assert.equal(repositoryName('https://github.com/o/r'), 'o/r');
    assert.equal(repositoryName('git@github.com:o/r.git'), 'o/r');
    assert.equal(repositoryName('https://gitlab.com/o/r.git'), 'https://gitlab.com/o/r.git');
  });
});
