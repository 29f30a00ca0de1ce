import * as assert from 'node:assert/strict';
import { firstCompareLoad } from './support/webviewPages';
import { CompareAgentsPage, PAGE_ACTIONS, readPageMessage, type LaneLog } from '../../src/core/view/compareAgentsHtml';
import type { AgentLane, AgentTask } from '../../src/core/tasks/agentTask';
import type { Task } from '../../src/core/tasks/model';
import { LaneLogBook } from '../../src/core/logs/laneLogs';
import { activeLanes, agentsDescription, laneDurationMs, laneTask, laneTitle } from '../../src/core/tasks/agentLanes';

const HOSTILE = `<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>' \` "`;
const NOW = 1_000_000;

function run(overrides: Partial<Task> = {}): Task {
  return {
    id: 'task-1',
    api: 'cloud',
    status: 'running',
    rawStatus: 'processing',
    prompt: 'Add rate limiting',
    repoUrl: 'https://github.com/blackbox-demo/shop-api.git',
    baseBranch: 'main',
    createdBranch: 'blackbox/first-agent',
    pullRequestUrl: 'https://github.com/blackbox-demo/shop-api/pull/1',
    startedAt: NOW - 60_000,
    ...overrides,
  };
}

function lane(overrides: Partial<AgentLane> & { key: string }): AgentLane {
  return { status: 'running', rawStatus: 'running', run: run(), earlierRuns: [], ...overrides };
}

function threeAgents(overrides: { lanes?: AgentLane[]; prompt?: string } = {}): AgentTask {
  return {
    key: 'task-1',
    api: 'cloud',
    prompt: overrides.prompt ?? 'Add rate limiting to the orders endpoint',
    repoUrl: 'https://github.com/blackbox-demo/shop-api.git',
    baseBranch: 'main',
    status: 'running',
    multiAgent: true,
    lanes: overrides.lanes ?? [
      lane({
        key: 'task-1#0',
        agent: 'claude',
        model: 'blackboxai/anthropic/claude-sonnet-4.6',
        startedAt: NOW - 90_000,
      }),
      lane({
        key: 'task-1#1',
        agent: 'codex',
        model: 'gpt-5-codex',
        status: 'completed',
        rawStatus: 'completed',
        branch: 'blackbox/codex-rate-limit',
        pullRequestUrl: 'https://github.com/blackbox-demo/shop-api/pull/42',
        diffStats: { filesChanged: 3, linesAdded: 120, linesRemoved: 7 },
        startedAt: NOW - 300_000,
        completedAt: NOW - 60_000,
      }),
      lane({
        key: 'task-1#2',
        agent: 'gemini',
        status: 'failed',
        rawStatus: 'error',
        branch: 'blackbox/gemini-rate-limit',
        error: 'Tests failed: 2 of 40',
      }),
    ],
  };
}

const state = { nonce: 'N0nce123', now: NOW };

function columnOf(html: string, key: string): string {
  const start = html.indexOf(`<section class="column`, html.indexOf(`data-lane="${key}"`) - 60);
  return html.slice(start, html.indexOf('</section>', start));
}

describe('compareAgentsHtml', () => {
  it('allows no network and only its own nonce’d style sheet and script', () => {
    const html = firstCompareLoad(threeAgents(), state);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1]?.replace(/&#39;/g, "'");
    assert.ok(csp);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-N0nce123'/);
    assert.match(csp, /style-src 'nonce-N0nce123'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
    assert.equal(html.match(/<script\b/g)?.length, 1, 'one script');
    assert.match(html, /<script nonce="N0nce123">/);
    assert.doesNotMatch(html, /\sstyle="/, 'no inline style attribute (the CSP would block it)');
    assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handler');
  });

  it('shows one column per agent with status, time taken, files, lines, branch, PR and error', () => {
    const html = firstCompareLoad(threeAgents(), state);
    assert.equal(html.match(/<section class="column/g)?.length, 3);
    const claude = columnOf(html, 'task-1#0');
    assert.match(claude, /claude · claude-sonnet-4\.6/);
    assert.match(claude, /Running/);
    assert.match(claude, /Working for<\/th><td>1m 30s/);
    const codex = columnOf(html, 'task-1#1');
    assert.match(codex, /Completed/);
    assert.match(codex, /Time taken<\/th><td>4m 0s/);
    assert.match(codex, /Files changed<\/th><td>3</);
    assert.match(codex, /\+120<\/span> <span class="removed">−7/);
    assert.match(codex, /<code>blackbox\/codex-rate-limit<\/code>/);
    assert.match(codex, /<a href="https:\/\/github\.com\/blackbox-demo\/shop-api\/pull\/42">#42<\/a>/);
    const gemini = columnOf(html, 'task-1#2');
    assert.match(gemini, /Failed/);
    assert.match(gemini, /Tests failed: 2 of 40/);
    assert.match(html, /3 agents · 1 running/);
    assert.match(html, /blackbox-demo\/shop-api/);
  });

  it('offers each agent’s buttons, enabled only where they apply', () => {
    const html = firstCompareLoad(threeAgents(), state);
    const claude = columnOf(html, 'task-1#0');
    for (const action of PAGE_ACTIONS) assert.match(claude, new RegExp(`data-action="${action}" data-lane="task-1#0"`));
    assert.match(claude, /data-action="showLogs" data-lane="task-1#0">/, 'Show Logs always works');
    assert.match(claude, /data-action="checkoutBranch" data-lane="task-1#0" disabled>/, 'no branch yet');
    assert.match(claude, /data-action="openPullRequest" data-lane="task-1#0" disabled>/);
    const codex = columnOf(html, 'task-1#1');
    assert.match(codex, /data-action="checkoutBranch" data-lane="task-1#1">Check Out This Agent&#39;s Branch/);
    assert.match(codex, /data-action="openPullRequest" data-lane="task-1#1">Open PR/);
    assert.match(codex, /data-action="applyChanges" data-lane="task-1#1">/);
  });

  it('offers Compare Branches between the agents that pushed one, two different ones preselected', () => {
    const html = firstCompareLoad(threeAgents(), state);
    const left = /<select id="compare-left">([\s\S]*?)<\/select>/.exec(html)?.[1] ?? '';
    const right = /<select id="compare-right">([\s\S]*?)<\/select>/.exec(html)?.[1] ?? '';
    assert.equal(left.match(/<option/g)?.length, 2, 'only the two agents with a branch');
    assert.match(left, /<option value="task-1#1" selected>/);
    assert.match(right, /<option value="task-1#2" selected>/);
    assert.match(html, /<button type="button" data-action="compareBranches">/);

    const one = threeAgents();
    const lanes = one.lanes.map((l) => (l.key === 'task-1#2' ? { ...l, branch: undefined } : l));
    const fewer = firstCompareLoad({ ...one, lanes }, state);
    assert.doesNotMatch(fewer, /<button type="button" data-action="compareBranches">/);
    assert.match(fewer, /needs two agents that have pushed a branch/);
  });

  it('shows the last lines of each agent’s log and its final message, escaped', () => {
    const logs = new Map<string, LaneLog>([
      ['task-1#0', { lines: ['▸ bash: npm test', `${HOSTILE}`], finalMessage: `All done ${HOSTILE}`, state: 'live' }],
      ['task-1#1', { lines: [], state: 'ended' }],
    ]);
    const html = firstCompareLoad(threeAgents(), { ...state, logs });
    const claude = columnOf(html, 'task-1#0');
    assert.match(claude, /<pre class="log" data-lane="task-1#0">▸ bash: npm test\n&lt;script&gt;/);
    assert.match(claude, /All done &lt;script&gt;/);
    assert.match(claude, />Live</);
    assert.match(columnOf(html, 'task-1#1'), /No log lines yet\./);
    assert.match(columnOf(html, 'task-1#2'), /Loading the log…/);
  });

  it('never lets server text act as markup: agent, model, branch, PR, error, prompt, log and message', () => {
    const lanes = [
      lane({
        key: `k${HOSTILE}`,
        agent: HOSTILE,
        model: HOSTILE,
        branch: HOSTILE,
        pullRequestUrl: `javascript:alert(1)//${HOSTILE}`,
        error: HOSTILE,
        rawStatus: HOSTILE,
        status: 'unknown',
      }),
      lane({ key: 'plain', agent: 'codex', branch: `x${HOSTILE}` }),
    ];
    const logs = new Map<string, LaneLog>([
      [`k${HOSTILE}`, { lines: [HOSTILE], finalMessage: HOSTILE, state: 'ended' }],
    ]);
    const html = firstCompareLoad(threeAgents({ lanes, prompt: HOSTILE }), { ...state, logs });
    const withoutScript = html.replace(/<script nonce="N0nce123">[\s\S]*?<\/script>/, '');
    assert.doesNotMatch(withoutScript, /<script|<img|<a href="javascript/i);
    assert.doesNotMatch(withoutScript, /onerror="/i, 'no attribute opened by server text');
    assert.doesNotMatch(withoutScript, /href="(?!https:\/\/github\.com\/)/, 'only github.com links');
    assert.match(withoutScript, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });

  it('reads only the messages the page is meant to post', () => {
    assert.deepEqual(readPageMessage({ type: 'action', action: 'checkoutBranch', laneKey: 'a#1' }), {
      type: 'action',
      action: 'checkoutBranch',
      laneKey: 'a#1',
    });
    assert.deepEqual(readPageMessage({ type: 'compareBranches', left: 'a', right: 'b' }), {
      type: 'compareBranches',
      left: 'a',
      right: 'b',
    });
    assert.equal(readPageMessage({ type: 'action', action: 'runShell', laneKey: 'a' }), undefined);
    assert.equal(readPageMessage({ type: 'action', action: 'showLogs' }), undefined);
    assert.equal(readPageMessage({ type: 'action', action: 'showLogs', laneKey: 'x'.repeat(400) }), undefined);
    assert.equal(readPageMessage({ type: 'compareBranches', left: 1, right: 'b' }), undefined);
    assert.equal(readPageMessage('showLogs'), undefined);
    assert.equal(readPageMessage(null), undefined);
  });

  describe('CompareAgentsPage (in-place updates)', () => {
    it('loads first, patches the page on screen with the new body, and leaves it alone when nothing changed', () => {
      let nonces = 0;
      const page = new CompareAgentsPage(() => `n${++nonces}`);
      const first = page.update(threeAgents(), { now: NOW }, false);
      assert.equal(first.kind, 'load');
      assert.equal(page.update(threeAgents(), { now: NOW }, true).kind, 'unchanged');

      const logs = new Map<string, LaneLog>([['task-1#0', { lines: ['new line'], state: 'live' }]]);
      const patch = page.update(threeAgents(), { now: NOW, logs }, true);
      assert.equal(patch.kind, 'patch');
      if (patch.kind !== 'patch') return;
      assert.ok(
        firstCompareLoad(threeAgents(), { nonce: 'n', now: NOW, logs }).includes(
          `<main id="page">${patch.body}</main>`,
        ),
        'the patch is the body a fresh load of the same content shows',
      );
      assert.match(patch.body, /new line/);
      assert.doesNotMatch(patch.body, /<script|<html/, 'a patch is the body only');
      assert.ok(patch.html.includes(patch.body), 'the next load shows the same content');

      // A page not on screen is loaded whole, with a fresh nonce.
      const load = page.update(threeAgents(), { now: NOW + 1000 }, false);
      assert.equal(load.kind, 'load');
      if (load.kind === 'load') assert.match(load.html, /nonce="n3"/);
    });

    it('the page script keeps the reader’s place: scroll, each log’s scroll or end, chosen branches, focus', () => {
      const html = firstCompareLoad(threeAgents(), state);
      const script = /<script nonce="N0nce123">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
      assert.match(script, /data\.type !== 'update'/);
      assert.match(script, /root\.scrollTop = top/);
      assert.match(script, /pre\.scrollTop = !was \|\| was\.atEnd \? pre\.scrollHeight : was\.top/);
      assert.match(script, /compare-left/);
      assert.match(script, /again\.focus\(\)/);
      assert.match(script, /vscode\.postMessage\(\{ type: 'action', action, laneKey/);
    });
  });
});

describe('agentLanes', () => {
  it('a Cloud agent’s task carries that agent’s branch, PR, stats and model, never another agent’s', () => {
    const task = threeAgents();
    const [claude, codex] = task.lanes;
    assert.ok(claude && codex);
    const forClaude = laneTask(task, claude);
    assert.equal(forClaude.id, 'task-1');
    assert.equal(forClaude.createdBranch, undefined, 'not the task’s branchName, which is another agent’s');
    assert.equal(forClaude.pullRequestUrl, undefined);
    assert.equal(forClaude.agent, 'claude');
    const forCodex = laneTask(task, codex);
    assert.equal(forCodex.createdBranch, 'blackbox/codex-rate-limit');
    assert.equal(forCodex.pullRequestUrl, 'https://github.com/blackbox-demo/shop-api/pull/42');
    assert.deepEqual(forCodex.diffStats, { filesChanged: 3, linesAdded: 120, linesRemoved: 7 });
    assert.equal(forCodex.model, 'gpt-5-codex');
  });

  it('a v1 agent’s task is its own run', () => {
    const own = run({ id: 'run-b', api: 'agent', createdBranch: 'b' });
    const task: AgentTask = {
      ...threeAgents(),
      api: 'agent',
      lanes: [lane({ key: 'run-a', run: run({ id: 'run-a', api: 'agent' }) }), lane({ key: 'run-b', run: own })],
    };
    const second = task.lanes[1];
    assert.ok(second);
    assert.equal(laneTask(task, second), own);
  });

  it('names agents and counts the working ones', () => {
    const task = threeAgents();
    assert.equal(agentsDescription(task), 'claude, codex, gemini');
    assert.equal(laneTitle(lane({ key: 'x' }), 1), 'Agent 2');
    assert.deepEqual(
      activeLanes(task).map((l) => l.key),
      ['task-1#0'],
    );
  });

  it('time taken: start to end, start to now while running, unknown when an end is not the agent’s own', () => {
    assert.equal(laneDurationMs(lane({ key: 'a', startedAt: 10, completedAt: 70 }), NOW), 60);
    assert.equal(laneDurationMs(lane({ key: 'a', startedAt: NOW - 5 }), NOW), 5);
    const finished = lane({ key: 'a', status: 'completed', run: run({ startedAt: 1, completedAt: 99 }) });
    assert.equal(laneDurationMs(finished, NOW), undefined);
    assert.equal(laneDurationMs(lane({ key: 'a', run: run({ startedAt: undefined }) }), NOW), undefined);
  });
});

describe('LaneLogBook', () => {
  const lanes = [
    { key: 'c', agent: 'claude', status: 'running' as const },
    { key: 'x', agent: 'Codex', status: 'running' as const },
  ];

  it('splits a Cloud task’s log by agent; lines that name no agent go to every agent', () => {
    const book = new LaneLogBook(lanes);
    book.feedTask({ kind: 'log', level: 'info', message: 'Cloning the repository', step: 'git_cloning' });
    book.feedTask({ kind: 'log', level: 'info', message: 'claude is thinking', agent: 'claude' });
    book.feedTask({
      kind: 'log',
      level: 'info',
      contentType: 'agentResponse',
      message: 'I added a token bucket.',
      agent: 'codex',
    });
    const claude = book.get('c');
    const codex = book.get('x');
    assert.ok(claude && codex);
    assert.ok(claude.lines.some((line) => line.includes('claude is thinking')));
    assert.ok(!codex.lines.some((line) => line.includes('claude is thinking')));
    assert.ok(claude.lines.some((line) => line.includes('Cloning')) && codex.lines.some((l) => l.includes('Cloning')));
    assert.equal(codex.finalMessage, 'I added a token bucket.');
    assert.equal(claude.finalMessage, undefined);
    assert.equal(claude.state, 'live');
  });

  it('keeps a v1 run’s last text block as its final message, and redacts what it shows', () => {
    const book = new LaneLogBook(lanes, (text) => text.split('sk-secret').join('‹redacted›'));
    book.feed('c', { kind: 'text-start', blockId: 'b1' });
    book.feed('c', { kind: 'text', blockId: 'b1', text: 'Looking at the code.' });
    book.feed('c', { kind: 'tool-input', toolCallId: 't', toolName: 'bash', input: { command: 'npm test' } });
    book.feed('c', { kind: 'text-start', blockId: 'b2' });
    book.feed('c', { kind: 'text', blockId: 'b2', text: 'Done; key sk-secret ' });
    book.feed('c', { kind: 'text', blockId: 'b2', text: 'is not used.' });
    book.finish('c', 'ended');
    const log = book.get('c');
    assert.ok(log);
    assert.equal(log.finalMessage, 'Done; key ‹redacted› is not used.');
    assert.equal(log.state, 'ended');
    assert.ok(log.lines.some((line) => line.includes('npm test')));
    assert.ok(!log.lines.join('\n').includes('sk-secret'));
    assert.equal(book.get('x')?.state, 'loading');
  });

  it('keeps memory bounded however long the log', () => {
    const book = new LaneLogBook(lanes);
    for (let i = 0; i < 5_000; i++)
      book.feed('c', { kind: 'log', level: 'info', message: `line ${i} ${'x'.repeat(50)}` });
    const log = book.get('c');
    assert.ok(log);
    assert.ok(log.lines.length <= 30);
    assert.ok(log.lines.at(-1)?.includes('line 4999'));
  });
});
