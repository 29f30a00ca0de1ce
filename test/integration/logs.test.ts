import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Task, TaskStatus } from '../../src/core/tasks/model';
import { HEADER_RULE } from '../../src/core/logs/taskHeader';
import type { BlackboxTasksTestApi } from '../../src/extension';
import type { Emulator, Fault, TaskSpec } from '../emulator/emulator';
import { cloudRunLog, scriptedRunLog, type CloudLogLine, type RunStep } from '../emulator/logScripts';
import { logChannel, setKey, setSetting, useEmulator, waitUntil } from './harness';
import { whenLogEnds, type LogEnding } from './logEndings';
import { channelsCreatedBy, openOutputChannels, type RecordedChannel } from './outputChannelSpy';

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

/** Shows a task's log, which opens one channel, and waits for its stream to end. */
async function openAndFinish(
  api: BlackboxTasksTestApi,
  id: string,
  task?: Task,
): Promise<{ readonly channel: RecordedChannel; readonly end: LogEnding }> {
  const opened = await channelsCreatedBy(() => api.logs.show(id, { preserveFocus: true, ...(task ? { task } : {}) }));
  assert.equal(opened.length, 1, `one channel opened: ${opened.map((channel) => channel.name).join(', ')}`);
  const [channel] = opened;
  assert.ok(channel);
  return { channel, end: await whenLogEnds(channel) };
}

/** Closes every log channel a test left open (their keys are the emulator's task ids). */
function closeLogs(api: BlackboxTasksTestApi, emulator: Emulator): void {
  for (const task of emulator.tasks()) api.logs.close(task.id);
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
    closeLogs(suite.api, suite.emulator);
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

        const { channel, end } = await openAndFinish(api, emulated.id);
        assert.equal(end, 'finished');

        const text = channel.text;
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
        assert.equal(channel.name, 'BLACKBOX: Fix the coupon bug in checkout');
        assert.deepEqual(
          statuses.seen.filter(([id]) => id === emulated.id).at(-1),
          [emulated.id, 'completed', 'completed'],
          'the stream’s end reaches the store at once',
        );
        const events = emulator.task(emulated.id)?.events.length ?? 0;
        assert.ok(
          channel.appends * 2 < events,
          `appends are batched: ${channel.appends} appends for the ${events} events of the log`,
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
    const { channel, end } = await openAndFinish(api, emulated.id);
    assert.equal(end, 'finished');
    const { text } = channel;
    assert.ok(channel.appends > 4, `the text came in several appends (${channel.appends})`);
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

    const { channel, end } = await openAndFinish(api, emulated.id);
    assert.equal(end, 'finished');

    const { text } = channel;
    assert.equal(
      bodyOf(text).replace(/■ Task completed in <duration>/, '■ Task completed in 4m 12s'),
      `${RUN_BODY.replace('{drop}', '')}\n■ Task completed in 4m 12s\n`,
    );
    assert.ok(text.includes('\n■ Task completed in 4m 12s\n'), 'the duration is the run’s own, not the time since');
    assert.match(headerOf(text), /^Branch {5}main → blackbox\/rate-limit-orders$/m);
    assert.match(headerOf(text), /^Completed {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(took 4m 12s\)$/m);
    assert.equal(streamRequests(emulator, emulated.id).length, 1);
    assert.ok(channel.appends <= 3, `a replayed burst is written in a few appends (${channel.appends})`);

    // Shown again: the same channel, no second request, nothing added.
    const shownBefore = channel.lastShown;
    assert.deepEqual(await channelsCreatedBy(() => api.logs.show(emulated.id, { preserveFocus: true })), []);
    assert.ok(channel.lastShown > shownBefore, 'the channel was shown again');
    assert.equal(channel.text, text);
    assert.equal(channel.clears, 0);
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
    const opened = await channelsCreatedBy(() =>
      Promise.all([
        api.logs.show(first.id, { preserveFocus: true }),
        api.logs.show(second.id, { preserveFocus: true }),
      ]),
    );
    assert.deepEqual(opened.map((channel) => channel.name).sort(), ['BLACKBOX: First task', 'BLACKBOX: Second task']);
    const firstLog = logChannel(first);
    const secondLog = logChannel(second);
    assert.ok(firstLog && secondLog);
    await waitUntil(() => emulator.openStreamsOf(first.id) === 1 && emulator.openStreamsOf(second.id) === 1, {
      what: 'both streams open at once',
    });
    const [firstEnd, secondEnd] = await Promise.all([whenLogEnds(firstLog), whenLogEnds(secondLog)]);
    assert.deepEqual([firstEnd, secondEnd], ['finished', 'finished']);

    assert.equal(
      bodyOf(firstLog.text),
      `▶ Run started at <time>\n\n${RUN_BODY.replace('{drop}', '')}\n■ Task completed in <duration>\n`,
    );
    assert.equal(
      bodyOf(secondLog.text),
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
    const [channel] = await channelsCreatedBy(() => api.logs.show(emulated.id, { preserveFocus: true }));
    assert.ok(channel);
    // A few paced events in, so the channel is fully set up in the workbench before it closes.
    await waitUntil(() => emulator.openStreamsOf(emulated.id) === 1 && channel.text.includes('Step 1 of a long run.'), {
      what: 'the stream delivering',
    });

    api.logs.close(emulated.id);

    assert.equal(channel.disposed, true, 'the channel is closed at once');
    assert.equal(logChannel(emulated), undefined);
    const written = channel.text;
    await waitUntil(() => emulator.openStreamsOf(emulated.id) === 0, {
      timeoutMs: 3_000,
      what: 'the emulator to see the connection closed',
    });
    const requests = streamRequests(emulator, emulated.id).length;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal(streamRequests(emulator, emulated.id).length, requests, 'no reconnect after closing');
    assert.equal(channel.text, written, 'nothing written after closing');
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
    await waitUntil(() => emulator.openStreamsOf(a.id) === 1 && emulator.openStreamsOf(b.id) === 1, {
      what: 'two streams',
    });
    const channelOfB = logChannel(b);
    assert.ok(channelOfB);
    await api.logs.show(a.id, { preserveFocus: true });
    await api.logs.show(c.id, { preserveFocus: true });

    assert.deepEqual(
      openOutputChannels().map((channel) => channel.name),
      ['BLACKBOX: Task A', 'BLACKBOX: Task C'],
      'B was the least recently shown',
    );
    assert.equal(channelOfB.disposed, true);
    await waitUntil(
      () =>
        emulator.openStreams === 2 &&
        emulator.openStreamsOf(a.id) === 1 &&
        emulator.openStreamsOf(b.id) === 0 &&
        emulator.openStreamsOf(c.id) === 1,
      {
        timeoutMs: 3_000,
        what: 'B’s stream closed, C’s open',
      },
    );
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
    const [channel] = await channelsCreatedBy(() => api.logs.show(emulated.id, { preserveFocus: true }));
    assert.ok(channel);
    await waitUntil(() => streamRequests(emulator, emulated.id).length === 1, { what: 'the first stream request' });
    // Every reconnect is answered 429 with Retry-After: 0, so the client gives up quickly.
    emulator.fault({ kind: 'status', status: 429, retryAfter: 0, path: STREAM_PATH_V1 });

    assert.equal(await whenLogEnds(channel), 'gave-up');
    const failed = channel.text;
    assert.match(failed, /— gave up after 5 attempts: [^\n]+ —\n$/);
    assert.equal((failed.match(/— connection lost, reconnecting in/g) ?? []).length, 5);

    emulator.clearFaults();
    assert.deepEqual(await channelsCreatedBy(() => api.logs.retry(emulated.id)), [], 'the same channel');
    assert.equal(channel.clears, 1, 'cleared to start over');
    assert.equal(await whenLogEnds(channel), 'finished');
    assert.equal(
      bodyOf(channel.text),
      `▶ Run started at <time>\n\n${RUN_BODY.replace('{drop}', '')}\n■ Task completed in <duration>\n`,
    );
    assert.equal(channel.clears, 1, 'started over once');
  });

  it('follows a task only when blackboxTasks.followLogs is on', async () => {
    const { emulator, api } = suite;
    const emulated = emulator.addTask({ api: 'agent', prompt: 'Follow me', status: 'completed', log: runLog('w', 0) });
    await setSetting('followLogs', false);
    api.logs.follow(emulated.id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(openOutputChannels(), []);
    assert.equal(streamRequests(emulator, emulated.id).length, 0);

    await setSetting('followLogs', true);
    api.logs.follow(emulated.id);
    const channel = await waitUntil(() => logChannel(emulated), { what: 'the followed task’s channel' });
    assert.equal(await whenLogEnds(channel), 'finished');
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
    const opened = await channelsCreatedBy(() => vscode.commands.executeCommand('blackboxTasks.showLogs', task));
    assert.deepEqual(
      opened.map((channel) => channel.name),
      ['BLACKBOX: Rename the checkout service'],
    );
    assert.ok(opened[0]);
    assert.equal(await whenLogEnds(opened[0]), 'finished');
  });

  it('writes the same text to the real Output channel', async function () {
    const { emulator, api } = suite;
    const emulated = emulator.addTask({
      api: 'agent',
      prompt: 'Output file check',
      status: 'completed',
      log: runLog('o', 0),
    });
    const { channel, end } = await openAndFinish(api, emulated.id);
    assert.equal(end, 'finished');
    const recorded = channel.text;
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
    closeLogs(suite.api, suite.emulator);
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

    const { channel, end } = await openAndFinish(api, emulated.id);
    assert.equal(end, 'finished');

    assert.equal(
      bodyOf(channel.text),
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
    assert.match(headerOf(channel.text), /^Status {5}running \(processing\)$/m);
  });

  it('replays a finished Cloud task', async () => {
    const { emulator, api } = suite;
    const emulated = emulator.addTask({
      api: 'cloud',
      prompt: 'Bump dependencies',
      status: 'completed',
      log: cloudRunLog(LINES.slice(0, 2)),
    });
    const { channel, end } = await openAndFinish(api, emulated.id);
    assert.equal(end, 'finished');
    assert.equal(
      bodyOf(channel.text).replace(/ in <duration>/, ''),
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
