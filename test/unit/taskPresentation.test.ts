import * as assert from 'node:assert/strict';
import {
  contextValueFor,
  escapeMarkdown,
  presentAgentLane,
  presentFollowUp,
  presentTask,
  relativeTime,
  safePullRequestUrl,
  taskDescription,
  taskLabel,
  taskTooltipMarkdown,
} from '../../src/core/view/taskPresentation';
import type { Task, TaskStatus } from '../../src/core/tasks/model';

const NOW = Date.parse('2025-03-01T12:00:00Z');

function task(overrides: Partial<Task> = {}): Task {
  return {
    id: '7f3c2a1e-0000-4000-8000-000000000001',
    api: 'agent',
    status: 'completed',
    rawStatus: 'completed',
    ...overrides,
  };
}

/** The text a reader sees: backslash escapes resolved, bold markers gone. */
function rendered(md: string): string {
  return md.replace(/\\([!-/:-@[-`{-~])/g, '$1').replace(/\*\*/g, '');
}

function tokens(value: string): string[] {
  return value.split(' ');
}

describe('taskPresentation', () => {
  describe('label', () => {
    it('is the first non-empty line of the prompt, whitespace folded', () => {
      assert.equal(taskLabel(task({ prompt: '\n\n   Fix   the login\tbug  \nand add tests' })), 'Fix the login bug');
    });

    it('is cut at 80 characters with an ellipsis', () => {
      const label = taskLabel(task({ prompt: 'x'.repeat(200) }));
      assert.equal(label.length, 80);
      assert.ok(label.endsWith('…'));
    });

    it('drops control and bidi-override characters from the prompt', () => {
      assert.equal(taskLabel(task({ prompt: 'safe\u202eexe.txt\u001b[31m red' })), 'safeexe.txt red');
    });

    it('shows the title first (a renamed task), else the prompt, else a short id', () => {
      assert.equal(taskLabel(task({ title: 'Chat title' })), 'Chat title');
      assert.equal(taskLabel(task({ title: 'Renamed', prompt: 'The prompt' })), 'Renamed');
      assert.equal(taskLabel(task()), 'Task 7f3c2a1e');
    });
  });

  describe('description', () => {
    it('shows relative time and the short model name', () => {
      const text = taskDescription(
        task({ createdAt: NOW - 5 * 60_000, model: 'blackboxai/anthropic/claude-sonnet-4.6' }),
        { now: NOW },
      );
      assert.equal(text, '5 min ago · claude-sonnet-4.6');
    });

    it('names the agent when the model does not', () => {
      assert.equal(taskDescription(task({ agent: 'codex', model: 'gpt-5' }), { now: NOW }), 'codex · gpt-5');
    });

    it('says Cancelling… for an active task with a cancel under way, and links follow-ups', () => {
      const text = taskDescription(task({ status: 'running', rawStatus: 'running', createdAt: NOW }), {
        now: NOW,
        pendingCancel: true,
        earlierRuns: 2,
      });
      assert.match(text, /^Cancelling… · just now/);
      assert.match(text, /follow-up · 3 runs/);
    });

    it('places an earlier run of a chat', () => {
      assert.equal(
        taskDescription(task({ createdAt: NOW - 60 * 60_000 }), {
          now: NOW,
          runOfThread: { index: 1, total: 3 },
          latestInThread: false,
        }),
        'run 1 of 3 · 1 h ago',
      );
    });

    it('keeps an unknown raw status visible', () => {
      assert.match(
        taskDescription(task({ status: 'unknown', rawStatus: 'paused_by_admin' }), { now: NOW }),
        /paused_by_admin/,
      );
    });
  });

  describe('relative time', () => {
    it('moves from seconds to dates', () => {
      assert.equal(relativeTime(NOW - 10_000, NOW), 'just now');
      assert.equal(relativeTime(NOW - 3 * 3_600_000, NOW), '3 h ago');
      assert.equal(relativeTime(NOW - 2 * 86_400_000, NOW), '2 d ago');
      assert.equal(relativeTime(Date.parse('2025-01-15T00:00:00Z'), NOW), '2025-01-15');
    });
  });

  describe('contextValue', () => {
    it('makes a running task cancellable and active, not continuable', () => {
      const value = tokens(contextValueFor(task({ status: 'running', rawStatus: 'running' })));
      assert.deepEqual(value, ['task', 'running', 'active', 'cancellable', 'renamable']);
    });

    it('offers rename for Agent API tasks only (the Cloud API has none)', () => {
      assert.ok(tokens(contextValueFor(task())).includes('renamable'));
      assert.ok(!tokens(contextValueFor(task({ api: 'cloud' }))).includes('renamable'));
    });

    it('offers cancel only where the API can stop the task: a Cloud task once it runs, a v1 run while queued too', () => {
      const cloud = (status: Task['status'], rawStatus: string) =>
        tokens(contextValueFor(task({ api: 'cloud', status, rawStatus })));
      assert.ok(!cloud('queued', 'pending').includes('cancellable'), 'the Cloud API refuses to stop a pending task');
      assert.ok(cloud('queued', 'pending').includes('active'));
      assert.ok(cloud('running', 'processing').includes('cancellable'));
      assert.ok(cloud('running', 'saving').includes('cancellable'));
      assert.ok(tokens(contextValueFor(task({ status: 'queued', rawStatus: 'queued' }))).includes('cancellable'));
    });

    it('drops cancellable while a cancel is under way', () => {
      const value = tokens(contextValueFor(task({ status: 'queued', rawStatus: 'queued' }), { pendingCancel: true }));
      assert.ok(!value.includes('cancellable'));
      assert.ok(value.includes('cancelling'));
    });

    it('makes a finished latest run continuable, an earlier run of the chat not', () => {
      assert.ok(tokens(contextValueFor(task())).includes('continuable'));
      assert.ok(!tokens(contextValueFor(task(), { latestInThread: false })).includes('continuable'));
      assert.ok(!tokens(contextValueFor(task({ status: 'unknown', rawStatus: '?' }))).includes('continuable'));
    });

    it('offers branch and pull request actions only when they exist', () => {
      const plain = tokens(contextValueFor(task()));
      assert.ok(!plain.includes('hasBranch') && !plain.includes('hasPullRequest'));
      const rich = tokens(
        contextValueFor(
          task({
            repoUrl: 'https://github.com/o/r.git',
            createdBranch: 'blackbox/fix',
            pullRequestUrl: 'https://github.com/o/r/pull/12',
          }),
        ),
      );
      assert.ok(rich.includes('hasBranch') && rich.includes('hasPullRequest'));
      assert.ok(!tokens(contextValueFor(task({ pullRequestUrl: 'javascript:alert(1)' }))).includes('hasPullRequest'));
    });

    it('never contains a token that a \\bcancellable\\b or \\btask\\b menu would match by accident', () => {
      const value = contextValueFor(task({ status: 'cancelled', rawStatus: 'cancelled' }));
      assert.ok(!/\bcancellable\b/.test(value));
      assert.ok(/\btask\b/.test(value));
    });
  });

  describe('icons', () => {
    it('spins while running and colours each status', () => {
      const iconOf = (status: TaskStatus) => presentTask(task({ status, rawStatus: status }), { now: NOW }).icon;
      assert.deepEqual(iconOf('running'), { id: 'sync~spin', color: 'charts.blue' });
      assert.equal(iconOf('failed').id, 'error');
      assert.equal(iconOf('cancelled').id, 'circle-slash');
      assert.equal(iconOf('interrupted').id, 'debug-disconnect');
      assert.equal(iconOf('queued').id, 'clock');
      assert.equal(iconOf('completed').id, 'pass');
    });

    it('shows a cancelling task with its own icon', () => {
      const shown = presentTask(task({ status: 'running', rawStatus: 'running' }), { now: NOW, pendingCancel: true });
      assert.notEqual(shown.icon.id, 'sync~spin');
    });
  });

  describe('tooltip markdown', () => {
    it('escapes markdown, links, HTML and command links in untrusted text', () => {
      const hostile =
        'Click [here](command:workbench.action.terminal.new) <img src=x onerror=alert(1)> **bold** `code`';
      const md = taskTooltipMarkdown(task({ prompt: hostile, error: '<script>x</script> [a](http://evil)' }), {
        now: NOW,
      });
      assert.ok(!md.includes('[here](command:'), md);
      assert.ok(!/<img/.test(md.replace(/\\</g, '')), 'raw <img must not survive');
      assert.ok(md.includes('\\[here\\]\\(command\\:workbench'), md);
      assert.ok(md.includes('\\*\\*bold\\*\\*'));
      assert.ok(!md.includes('<script>'));
    });

    it('shows status, times and duration, repository, branches, PR, diff and error', () => {
      const md = taskTooltipMarkdown(
        task({
          prompt: 'Add tests',
          createdAt: NOW - 20 * 60_000,
          startedAt: NOW - 19 * 60_000,
          completedAt: NOW - 7 * 60_000,
          repoUrl: 'https://github.com/acme/shop.git',
          baseBranch: 'main',
          createdBranch: 'blackbox/add-tests',
          pullRequestUrl: 'https://github.com/acme/shop/pull/42',
          diffStats: { filesChanged: 3, linesAdded: 40, linesRemoved: 2 },
          status: 'failed',
          rawStatus: 'failed',
          error: 'Tests failed',
        }),
        { now: NOW },
      );
      const shown = rendered(md);
      assert.match(md, /^\*\*Failed\*\*/);
      assert.match(shown, /Duration: 12 min/);
      assert.match(shown, /Repository: acme\/shop/);
      assert.match(md, /`main` → `blackbox\/add-tests`/);
      assert.match(md, /\]\(https:\/\/github\.com\/acme\/shop\/pull\/42\)/);
      assert.match(shown, /\[acme\/shop\/pull\/42\]/);
      assert.match(shown, /3 files, \+40 −2/);
      assert.match(shown, /Error: Tests failed/);
    });

    it('never turns a non-GitHub pull request URL into a link', () => {
      const md = taskTooltipMarkdown(task({ pullRequestUrl: 'https://evil.example/pull/1' }), { now: NOW });
      assert.ok(!md.includes('](https://evil'));
      assert.equal(safePullRequestUrl('https://github.com/a/b/pull/3'), 'https://github.com/a/b/pull/3');
      assert.equal(safePullRequestUrl('https://github.com/a/b/pull/3?x=<'), undefined);
    });

    it('cannot break out of the task id code span', () => {
      const md = taskTooltipMarkdown(task({ id: 'a`b\n# heading' }), { now: NOW });
      assert.ok(md.endsWith('Task id: `a b # heading`'), md);
    });
  });

  it('escapeMarkdown escapes every ASCII punctuation character', () => {
    assert.equal(escapeMarkdown('a*b_c[d](e)#<f>!'), 'a\\*b\\_c\\[d\\]\\(e\\)\\#\\<f\\>\\!');
  });

  it('presents Cloud follow-ups and agents as child rows with escaped tooltips', () => {
    const followUp = presentFollowUp('Also *update* docs', 'running', NOW - 60_000, NOW);
    assert.equal(followUp.label, 'Also *update* docs');
    assert.match(followUp.description, /follow-up · Running · 1 min ago/);
    assert.ok(followUp.tooltip.includes('\\*update\\*'));
    const run = presentAgentLane(
      {
        key: 'k#1',
        agent: 'codex',
        model: 'openai/gpt-5',
        status: 'failed',
        rawStatus: 'error',
        error: '<b>boom</b>',
        startedAt: NOW - 5 * 60_000,
        completedAt: NOW - 60_000,
        run: task({ api: 'cloud', status: 'failed' }),
        earlierRuns: [],
      },
      { now: NOW },
    );
    assert.equal(run.label, 'codex · gpt-5');
    assert.equal(run.description, '4 min');
    assert.equal(run.icon.id, 'error');
    assert.ok(!run.tooltip.includes('<b>'));
  });
});
