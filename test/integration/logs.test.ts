import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Task, TaskStatus } from '../../src/core/tasks/model';
import { HEADER_RULE } from '../../src/core/logs/taskHeader';
import type { BlackboxTasksTestApi } from '../../src/extension';
import type { Emulator, Fault, TaskSpec } from '../emulator/emulator';
import { cloudRunLog, scriptedRunLog, type CloudLogLine, type RunStep } from '../emulator/logScripts';
import { logText, setKey, setSetting, useEmulator, waitUntil } from './harness';

const REPO = 'https://github.com/blackbox-demo/shop-api.git';
const STREAM_PATH_V1 = '/api/v1/tasks/*/logs/stream';
const STREAM_PATH_CLOUD = '/api/tasks/*/stream';

/** An agent run with everything a log shows: prose (with an emoji), failing and passing tools, files. */
const RUN_STEPS: readonly RunStep[] = [
  { text: 'Looking at the checkout flow first: the coupon is applied too late.' },
  { bash: 'npm test', stdout: '\u001b[31m✘\u001b[39m 1 failing\r\n  checkout › applies coupon\r\n', exitCode: 1 },
  { files: ['src/checkout.ts', 'test/checkout.test.ts'] },
  { bash: 'npm test', stdout: '\u001b[32m✔\u001b[39m 15 passing' },
  { text: 'Fixed: the coupon is applied before the total is locked. 🎉' },
];

/**
 * RUN_STEPS as a person reads them; `{drop}` marks where the notes of a connection dropped
 * in the middle of the first line go: after the whole line, never inside it.
 */
const RUN_BODY = [
  'Looking at the checkout flow first: the coupon is applied too late.{drop}',
  '',
  '▸ bash: npm test',
  '  │ ✘ 1 failing',
  '  │   checkout › applies coupon',
  '  └ exit 1',
  '✎ Files changed (2): src/checkout.ts, test/checkout.test.ts',
  '▸ bash: npm test',
  '  │ ✔ 15 passing',
  '  └ exit 0',
  '',
  'Fixed: the coupon is applied before the total is locked. 🎉',
  '',
].join('\n');

const DROP_NOTES = '\n— connection lost, reconnecting in <n> s —\n— reconnected —';
/**
 * The same notes when the reconnect took longer than notes are held for a half line: the half
 * line is ended, the notes follow, and the whole line is written again after them.
 */
const LATE_DROP_NOTES_BODY = RUN_BODY.replace(
  'Looking at the checkout flow first: the coupon is applied too late.{drop}',
  'Looking at the checkout f\n— connection lost, reconnecting in <n> s —\n— reconnected —\nLooking at the checkout flow first: the coupon is applied too late.',
);

function runLog(seed: string, paceMs: number): TaskSpec['log'] {
  return scriptedRunLog({ steps: RUN_STEPS, paceMs, chunkSize: 5, seed });
}

/** The log body (what follows the header), with the parts that depend on the clock made stable. */
function bodyOf(text: string | undefined): string {
  assert.ok(text !== undefined, 'the channel recorded its text');
  const at = text.indexOf(`${HEADER_RULE}\n`);
  assert.ok(at >= 0, `a header ends with a rule:\n${text}`);
  return text
    .slice(at + HEADER_RULE.length + 2)
    .replace(/^▶ Run started at \d\d:\d\d:\d\d$/gm, '▶ Run started at <time>')
    .replace(/reconnecting in [\d.]+ s/g, 'reconnecting in <n> s')
    .replace(/^(■ Task \w+) (in|after) (\d+(ms|s)|\d+m \d+s|\d+h \d+m)$/gm, '$1 $2 <duration>');
}

function headerOf(text: string | undefined): string {
  assert.ok(text !== undefined);
  return text.slice(0, text.indexOf(HEADER_RULE));
}

/** The store's applyStatus, watched (and still applied) for the duration of a test. */
function watchStatuses(api: BlackboxTasksTestApi): {
  readonly seen: Array<[string, TaskStatus, string]>;
  restore(): void;
} {
  const seen: Array<[string, TaskStatus, string]> = [];
  const store = api.store as { applyStatus: BlackboxTasksTestApi['store']['applyStatus'] };
  const original = store.applyStatus;
  store.applyStatus = (id, status, raw, error) => {
    seen.push([id, status, raw]);
    original.call(api.store, id, status, raw, error);
  };
  return {
    seen,
    restore: () => {
      store.applyStatus = original;
    },
  };
}

function streamRequests(emulator: Emulator, id: string) {
  return emulator.requests.filter(
    (r) =>
      r.method === 'GET' && (r.path.endsWith(`/tasks/${id}/logs/stream`) || r.path.endsWith(`/tasks/${id}/stream`)),
  );
}

async function openAndFinish(api: BlackboxTasksTestApi, id: string, task?: Task): Promise<string | undefined> {
  await api.logs.show(id, { preserveFocus: true, ...(task ? { task } : {}) });
  return api.logs.whenStreamEnds(id);
}

/** Output channel log files the workbench wrote for this window (code-server keeps them under the user-data-dir). */
function outputChannelFiles(): string[] {
  const userDataDir = process.env.BLACKBOX_TEST_USER_DATA_DIR;
  if (!userDataDir) return [];
  const found: string[] = [];
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.log') && path.includes('output_logging_')) found.push(path);
    }
  };
  walk(join(userDataDir, 'logs'));
  return found;
}

describe('live task logs (Agent API v1)', () => {
  const suite = useEmulator();

  beforeEach(async () => {
    await setKey(suite.emulator.keys.agent);
  });

  afterEach(() => {
    suite.emulator.clearFaults();
    for (const id of suite.api.logs.openTaskIds()) suite.api.logs.close(id);
  });

  const framings: ReadonlyArray<{ readonly name: string; readonly fault: Fault }> = [
    {
      name: '7-byte writes, CRLF, comments, unknown events',
      fault: { kind: 'sse', split: 7, lineEnding: 'crlf', comments: true, unknownEvents: true },
    },
    {
      name: 'writes split inside UTF-8 characters, CR line endings',
      fault: { kind: 'sse', split: 'utf8', lineEnding: 'cr', unknownEvents: true },
    },
    {
      // Not replayed identically: the skip after the drop must count log events only.
      name: 'keep-alive data lines in different places per connection, a session-init on the first only',
      fault: { kind: 'sse', heartbeats: true, sessionInitOnce: true },
    },
  ];

  for (const framing of framings) {
    it(`renders a scripted run exactly once under ${framing.name}, with a drop in the middle`, async () => {
      const { emulator, api } = suite;
      const statuses = watchStatuses(api);
      try {
        const emulated = emulator.addTask({
          api: 'agent',
          prompt: 'Fix the coupon bug in checkout\nThe total is locked before the coupon applies.',
          status: 'running',
          repoUrl: REPO,
          baseBranch: 'main',
          model: 'blackboxai/anthropic/claude-sonnet-4.6',
          log: runLog('f', 10),
          onLogEnd: { status: 'completed', createdBranch: 'blackbox/fix-coupon' },
        });
        emulator.fault({ ...framing.fault, path: STREAM_PATH_V1 });
        // start, session-init, text-start and five deltas, then the connection breaks mid-sentence.
        emulator.fault({ kind: 'drop', afterEvents: 8, path: STREAM_PATH_V1, times: 1 });

        assert.equal(await openAndFinish(api, emulated.id), 'finished');

        const text = logText(api, emulated.id);
        const body = bodyOf(text);
        const expected = (runBody: string) => `▶ Run started at <time>\n\n${runBody}\n■ Task completed in <duration>\n`;
        if (body !== expected(LATE_DROP_NOTES_BODY))
          assert.equal(body, expected(RUN_BODY.replace('{drop}', DROP_NOTES)));
        const header = headerOf(text);
        assert.ok(header.startsWith('Fix the coupon bug in checkout\n\n'), header);
        assert.match(header, /^Status {5}running$/m);
        assert.match(header, /^Repository blackbox-demo\/shop-api$/m);
        assert.match(header, /^Branch {5}main → \(not pushed yet\)$/m);
        assert.ok(header.includes(`\nTask ID    ${emulated.id}\n`), header);
        assert.equal(streamRequests(emulator, emulated.id).length, 2, 'one reconnect after the drop');
        assert.equal(api.logs.channelName(emulated.id), 'BLACKBOX: Fix the coupon bug in checkout');
        assert.deepEqual(
          statuses.seen.filter(([id]) => id === emulated.id).at(-1),
          [emulated.id, 'completed', 'completed'],
          'the stream’s end reaches the store at once',
        );
        const state = api.logs.state(emulated.id);
        assert.ok(
          state && state.appends * 2 < state.events,
          `appends are batched: ${state?.appends} appends for ${state?.events} events`,
        );
      } finally {
        statuses.restore();
      }
    });
  }

  it('redacts the key streamed one character per event, whatever the append batches', async () => {
    const { emulator, api } = suite;
    const key = emulator.keys.agent;
    const emulated = emulator.addTask({
      api: 'agent',
      prompt: 'Print the configuration',
      status: 'running',
      // One character per text-delta, 20 ms apart: the key spans many 75 ms append batches.
      log: scriptedRunLog({ steps: [{ text: `The API key is ${key}, as configured.` }], paceMs: 20, chunkSize: 1 }),
      onLogEnd: { status: 'completed' },
    });
    assert.equal(await openAndFinish(api, emulated.id), 'finished');
    const text = logText(api, emulated.id) ?? '';
    const state = api.logs.state(emulated.id);
    assert.ok(state && state.appends > 4, `the text came in several appends (${state?.appends})`);
    assert.ok(!text.includes(key), `the key reached the channel:\n${text}`);
    assert.ok(text.includes('The API key is ‹redacted›, as configured.'), text);
  });

  it('replays a finished task’s whole log, with its real duration, over one request', async () => {
    const { emulator, api } = suite;
    const startedAt = Date.now() - 3_600_000;
    const emulated = emulator.addTask({
      api: 'agent',
      prompt: 'Add rate limiting to the orders endpoint',
      status: 'completed',
      repoUrl: REPO,
      baseBranch: 'main',
      createdBranch: 'blackbox/rate-limit-orders',
      startedAt,
      completedAt: startedAt + 252_000,
      log: runLog('r', 0),
    });

    assert.equal(await openAndFinish(api, emulated.id), 'finished');

    const text = logText(api, emulated.id);
    assert.equal(
      bodyOf(text).replace(/■ Task completed in <duration>/, '■ Task completed in 4m 12s'),
      `${RUN_BODY.replace('{drop}', '')}\n■ Task completed in 4m 12s\n`,
    );
    assert.ok(text?.includes('\n■ Task completed in 4m 12s\n'), 'the duration is the run’s own, not the time since');
    assert.match(headerOf(text), /^Branch {5}main → blackbox\/rate-limit-orders$/m);
    assert.match(headerOf(text), /^Completed {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(took 4m 12s\)$/m);
    assert.equal(streamRequests(emulator, emulated.id).length, 1);
    const state = api.logs.state(emulated.id);
    assert.ok(state && state.appends <= 3, `a replayed burst is written in a few appends (${state?.appends})`);

    // Shown again: the same channel, no second request, nothing added.
    await api.logs.show(emulated.id, { preserveFocus: true });
    assert.equal(logText(api, emulated.id), text);
    assert.equal(streamRequests(emulator, emulated.id).length, 1);
  });

  it('streams two tasks at once, each into its own channel', async () => {
    const { emulator, api } = suite;
    const first = emulator.addTask({
      api: 'agent',
      prompt: 'First task',
      status: 'running',
      log: runLog('a', 40),
      onLogEnd: { status: 'completed' },
    });
    const second = emulator.addTask({
      api: 'agent',
      prompt: 'Second task',
      status: 'running',
      log: scriptedRunLog({
        steps: [{ text: 'Only the second task says this.' }, { bash: 'echo two', stdout: 'two' }],
        paceMs: 60,
        chunkSize: 4,
        seed: 'b',
      }),
      onLogEnd: { status: 'failed', error: 'Out of credits' },
    });
    await Promise.all([
      api.logs.show(first.id, { preserveFocus: true }),
      api.logs.show(second.id, { preserveFocus: true }),
    ]);
    await waitUntil(
      () => api.logs.isStreaming(first.id) && api.logs.isStreaming(second.id) && emulator.openStreams === 2,
      {
        what: 'both streams open at once',
      },
    );
    const [firstEnd, secondEnd] = await Promise.all([
      api.logs.whenStreamEnds(first.id),
      api.logs.whenStreamEnds(second.id),
    ]);
    assert.deepEqual([firstEnd, secondEnd], ['finished', 'finished']);

    assert.equal(
      bodyOf(logText(api, first.id)),
      `▶ Run started at <time>\n\n${RUN_BODY.replace('{drop}', '')}\n■ Task completed in <duration>\n`,
    );
    assert.equal(
      bodyOf(logText(api, second.id)),
      [
        '▶ Run started at <time>',
        '',
        'Only the second task says this.',
        '',
        '▸ bash: echo two',
        '  │ two',
        '  └ exit 0',
        '✘ Error: Out of credits',
        '',
        '■ Task failed after <duration>',
        '',
      ].join('\n'),
    );
    assert.notEqual(api.logs.channelName(first.id), api.logs.channelName(second.id));
  });

  it('stops the request when the channel closes', async () => {
    const { emulator, api } = suite;
    const steps: RunStep[] = Array.from({ length: 60 }, (_, i) => ({ text: `Step ${i} of a long run.` }));
    const emulated = emulator.addTask({
      api: 'agent',
      prompt: 'A long run',
      status: 'running',
      log: scriptedRunLog({ steps, paceMs: 200, seed: 'l' }),
    });
    await api.logs.show(emulated.id, { preserveFocus: true });
    // A few paced events in, so the channel is fully set up in the workbench before it closes.
    await waitUntil(() => emulator.openStreams === 1 && (api.logs.state(emulated.id)?.events ?? 0) >= 4, {
      what: 'the stream delivering',
    });

    api.logs.close(emulated.id);

    assert.equal(api.logs.isStreaming(emulated.id), false);
    assert.equal(api.logs.channelName(emulated.id), undefined);
    await waitUntil(() => emulator.openStreams === 0, {
      timeoutMs: 3_000,
      what: 'the emulator to see the connection closed',
    });
    const requests = streamRequests(emulator, emulated.id).length;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal(streamRequests(emulator, emulated.id).length, requests, 'no reconnect after closing');
  });

  it('keeps at most blackboxTasks.maxLogChannels channels, closing the least recently shown and its stream', async () => {
    const { emulator, api } = suite;
    await setSetting('maxLogChannels', 2);
    const long = (seed: string) =>
      scriptedRunLog({ steps: Array.from({ length: 40 }, (_, i) => ({ text: `Line ${i}.` })), paceMs: 250, seed });
    const [a, b, c] = ['a', 'b', 'c'].map((seed) =>
      emulator.addTask({ api: 'agent', prompt: `Task ${seed.toUpperCase()}`, status: 'running', log: long(seed) }),
    );
    assert.ok(a && b && c);
    await api.logs.show(a.id, { preserveFocus: true });
    await api.logs.show(b.id, { preserveFocus: true });
    await waitUntil(() => emulator.openStreams === 2, { what: 'two streams' });
    await api.logs.show(a.id, { preserveFocus: true });
    await api.logs.show(c.id, { preserveFocus: true });

    assert.deepEqual(api.logs.openTaskIds(), [a.id, c.id], 'B was the least recently shown');
    assert.equal(api.logs.isStreaming(b.id), false);
    await waitUntil(() => emulator.openStreams === 2 && api.logs.isStreaming(c.id), {
      timeoutMs: 3_000,
      what: 'B’s stream closed, C’s open',
    });
  });

  it('gives up after repeated failures, says so, and Retry starts over cleanly', async () => {
    const { emulator, api } = suite;
    const emulated = emulator.addTask({
      api: 'agent',
      prompt: 'Flaky network task',
      status: 'running',
      log: runLog('g', 15),
      onLogEnd: { status: 'completed' },
    });
    emulator.fault({ kind: 'drop', afterEvents: 8, path: STREAM_PATH_V1, times: 1 });
    await api.logs.show(emulated.id, { preserveFocus: true });
    await waitUntil(() => streamRequests(emulator, emulated.id).length === 1, { what: 'the first stream request' });
    // Every reconnect is answered 429 with Retry-After: 0, so the client gives up quickly.
    emulator.fault({ kind: 'status', status: 429, retryAfter: 0, path: STREAM_PATH_V1 });

    assert.equal(await api.logs.whenStreamEnds(emulated.id), 'gave-up');
    const failed = logText(api, emulated.id) ?? '';
    assert.match(failed, /— gave up after 5 attempts: [^\n]+ —\n$/);
    assert.equal((failed.match(/— connection lost, reconnecting in/g) ?? []).length, 5);

    emulator.clearFaults();
    await api.logs.retry(emulated.id);
    assert.equal(await api.logs.whenStreamEnds(emulated.id), 'finished');
    assert.equal(
      bodyOf(logText(api, emulated.id)),
      `▶ Run started at <time>\n\n${RUN_BODY.replace('{drop}', '')}\n■ Task completed in <duration>\n`,
    );
    assert.equal(api.logs.state(emulated.id)?.restarts, 1);
  });

  it('follows a task only when blackboxTasks.followLogs is on', async () => {
    const { emulator, api } = suite;
    const emulated = emulator.addTask({ api: 'agent', prompt: 'Follow me', status: 'completed', log: runLog('w', 0) });
    await setSetting('followLogs', false);
    api.logs.follow(emulated.id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(api.logs.openTaskIds(), []);
    assert.equal(streamRequests(emulator, emulated.id).length, 0);

    await setSetting('followLogs', true);
    api.logs.follow(emulated.id);
    await waitUntil(() => api.logs.channelName(emulated.id), { what: 'the followed task’s channel' });
    assert.equal(await api.logs.whenStreamEnds(emulated.id), 'finished');
  });

  it('Show Task Logs opens the channel of the task it is given, named after it', async () => {
    const { emulator, api } = suite;
    const emulated = emulator.addTask({
      api: 'agent',
      prompt: 'Rename the checkout service',
      status: 'completed',
      log: runLog('s', 0),
    });
    const connection = api.session.current();
    assert.ok(connection);
    const { messages: _messages, ...task } = await connection.api.get(emulated.id);
    await vscode.commands.executeCommand('blackboxTasks.showLogs', task);
    assert.equal(api.logs.channelName(emulated.id), 'BLACKBOX: Rename the checkout service');
    assert.equal(await api.logs.whenStreamEnds(emulated.id), 'finished');
  });

  it('writes the same text to the real Output channel', async function () {
    const { emulator, api } = suite;
    const emulated = emulator.addTask({
      api: 'agent',
      prompt: 'Output file check',
      status: 'completed',
      log: runLog('o', 0),
    });
    assert.equal(await openAndFinish(api, emulated.id), 'finished');
    const recorded = logText(api, emulated.id) ?? '';
    const file = await waitUntil(
      () =>
        outputChannelFiles().find(
          (path) => path.includes('Output file check') && readFileSync(path, 'utf8') === recorded,
        ),
      { timeoutMs: 5_000, what: 'the channel’s log file with the recorded text' },
    ).catch(() => undefined);
    if (!file && outputChannelFiles().length === 0) this.skip();
    assert.ok(file, `no output log file holds the recorded text; files: ${outputChannelFiles().join(', ')}`);
  });
});

describe('live task logs (Cloud API)', () => {
  const suite = useEmulator();

  const LINES: readonly CloudLogLine[] = [
    { message: 'Sandbox created', type: 'system', step: 'sandbox_created' },
    { message: `Cloning ${REPO}`, step: 'git_cloning' },
    { message: 'Working on: Make coupon codes case-insensitive', contentType: 'agentResponse' },
    { message: '$ npm test\n\u001b[32m✔\u001b[39m 14 passing', contentType: 'ansi' },
    { message: 'Disk usage is high', type: 'warning' },
    { message: 'Committed and pushed blackbox/coupon-case', type: 'success', step: 'git_committed' },
  ];

  beforeEach(async () => {
    await setKey(suite.emulator.keys.cloud);
  });

  afterEach(() => {
    suite.emulator.clearFaults();
    for (const id of suite.api.logs.openTaskIds()) suite.api.logs.close(id);
  });

  it('renders log lines by step, resumes after a drop from the next index, and prints nothing twice', async () => {
    const { emulator, api } = suite;
    const emulated = emulator.addTask({
      api: 'cloud',
      prompt: 'Make coupon codes case-insensitive',
      status: 'running',
      repoUrl: REPO,
      baseBranch: 'main',
      agent: 'claude',
      // Three lines are already there when the stream opens, so the drop below always falls after them.
      log: cloudRunLog(LINES, { paceMs: 30, buffered: 3 }),
      onLogEnd: { status: 'completed', createdBranch: 'blackbox/coupon-case' },
    });
    emulator.fault({
      kind: 'sse',
      split: 5,
      lineEnding: 'crlf',
      comments: true,
      unknownEvents: true,
      path: STREAM_PATH_CLOUD,
    });
    // `connected` and three log lines, then the connection breaks.
    emulator.fault({ kind: 'drop', afterEvents: 4, path: STREAM_PATH_CLOUD, times: 1 });

    assert.equal(await openAndFinish(api, emulated.id), 'finished');

    assert.equal(
      bodyOf(logText(api, emulated.id)),
      [
        '── sandbox created ──',
        'Sandbox created',
        '── git cloning ──',
        `Cloning ${REPO}`,
        '── agent executing ──',
        'Working on: Make coupon codes case-insensitive',
        '— connection lost, reconnecting in <n> s —',
        '— reconnected —',
        '$ npm test',
        '✔ 14 passing',
        '⚠ Disk usage is high',
        '── git committed ──',
        '✔ Committed and pushed blackbox/coupon-case',
        '',
        '■ Task completed in <duration>',
        '',
      ].join('\n'),
    );
    const requests = streamRequests(emulator, emulated.id);
    assert.deepEqual(
      requests.map((r) => r.query.fromIndex ?? '0'),
      ['0', '3'],
      'the reconnect resumes after the last line shown',
    );
    assert.match(headerOf(logText(api, emulated.id)), /^Status {5}running \(processing\)$/m);
  });

  it('replays a finished Cloud task', async () => {
    const { emulator, api } = suite;
    const emulated = emulator.addTask({
      api: 'cloud',
      prompt: 'Bump dependencies',
      status: 'completed',
      log: cloudRunLog(LINES.slice(0, 2)),
    });
    assert.equal(await openAndFinish(api, emulated.id), 'finished');
    assert.equal(
      bodyOf(logText(api, emulated.id)).replace(/ in <duration>/, ''),
      [
        '── sandbox created ──',
        'Sandbox created',
        '── git cloning ──',
        `Cloning ${REPO}`,
        '',
        '■ Task completed',
        '',
      ].join('\n'),
    );
  });
});
