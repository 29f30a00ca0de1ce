import * as assert from 'node:assert/strict';
import { LogRenderer, renderEventStream, renderLive } from '../../src/core/logs/logRenderer';
import { renderEvents } from './support/renderEvents';
import { FakeClock, waitFor } from './support/fakeClock';
import type { LogStreamEvent } from '../../src/core/logs/logEvents';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** V8's collector without a command-line flag, so the heap test always runs. */
function exposedGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const AT = (h: number, m: number, s: number) => Date.UTC(2026, 10, 23, h, m, s);

/** Builders for the normalised events, so scripts read like the log they produce. */
const e = {
  connected: (attempt = 0): LogStreamEvent => ({ kind: 'connected', attempt }),
  start: (startedAt?: number): LogStreamEvent =>
    startedAt === undefined ? { kind: 'start' } : { kind: 'start', startedAt },
  textStart: (blockId: string): LogStreamEvent => ({ kind: 'text-start', blockId }),
  text: (blockId: string | undefined, text: string): LogStreamEvent =>
    blockId === undefined ? { kind: 'text', text } : { kind: 'text', blockId, text },
  toolStart: (toolCallId: string, toolName = 'bash'): LogStreamEvent => ({ kind: 'tool-start', toolCallId, toolName }),
  toolInput: (toolCallId: string, input: unknown, toolName = 'bash'): LogStreamEvent => ({
    kind: 'tool-input',
    toolCallId,
    toolName,
    input,
  }),
  toolOutput: (toolCallId: string, output: unknown, toolName = 'bash'): LogStreamEvent => ({
    kind: 'tool-output',
    toolCallId,
    toolName,
    output,
  }),
  bash: (id: string, command: string, stdout: string, exitCode = 0): LogStreamEvent[] => [
    e.toolStart(id),
    e.toolInput(id, { command }),
    e.toolOutput(id, { stdout, exitCode }),
  ],
  files: (...files: string[]): LogStreamEvent => ({ kind: 'files', files }),
  log: (message: string, step?: string, level = 'info', agent = 'blackbox'): LogStreamEvent => ({
    kind: 'log',
    level,
    contentType: 'system',
    message,
    agent,
    ...(step ? { step } : {}),
  }),
  status: (
    status: 'queued' | 'running' | 'completed' | 'failed' | 'unknown',
    rawStatus: string = status,
    error?: string,
  ): LogStreamEvent =>
    error === undefined ? { kind: 'status', status, rawStatus } : { kind: 'status', status, rawStatus, error },
  finish: (status: 'completed' | 'failed' | 'cancelled' | 'interrupted' = 'completed'): LogStreamEvent => ({
    kind: 'finish',
    status,
    rawStatus: status,
  }),
  error: (message: string): LogStreamEvent => ({ kind: 'error', message }),
  unknown: (type: string): LogStreamEvent => ({ kind: 'unknown', type }),
  malformed: (sample = '{oops'): LogStreamEvent => ({ kind: 'malformed', sample }),
  reconnecting: (attempt: number, delayMs = 2000, reason = 'the connection broke'): LogStreamEvent => ({
    kind: 'reconnecting',
    attempt,
    delayMs,
    reason,
  }),
  gaveUp: (reason: string): LogStreamEvent => ({ kind: 'gave-up', reason }),
};

function deltas(blockId: string, text: string, size: number): LogStreamEvent[] {
  const out: LogStreamEvent[] = [];
  for (let i = 0; i < text.length; i += size) out.push(e.text(blockId, text.slice(i, i + size)));
  return out;
}

describe('LogRenderer', () => {
  describe('a scripted Agent API run', () => {
    it('renders the whole run exactly: prose, tool calls, files, finish with duration', () => {
      const events: LogStreamEvent[] = [
        e.connected(),
        e.start(AT(16, 17, 5)),
        e.unknown('session-init'),
        e.textStart('m1'),
        ...deltas('m1', "I'll start by looking at the project to work on: Fix the flaky checkout test", 7),
        ...e.bash(
          'tc1',
          'git clone https://github.com/blackbox-demo/shop-api.git /vercel/sandbox',
          "Cloning into '/vercel/sandbox'...\ndone.\n",
        ),
        ...e.bash('tc2', 'ls', 'README.md\npackage.json\nsrc\ntest'),
        e.textStart('m2'),
        ...deltas('m2', 'The project has a standard layout. Making the change now.', 5),
        e.files('src/index.ts', 'test/index.test.ts'),
        ...e.bash('tc3', 'npm test', '\u001b[32m✔\u001b[39m 14 passing (212ms)'),
        e.textStart('m3'),
        ...deltas('m3', 'Done: the change is in place and the tests pass.', 11),
        e.unknown('result'),
        e.finish('completed'),
      ];
      const text = renderEvents(events, { timeZone: 'UTC', completedAt: AT(16, 21, 17) });
      assert.equal(
        text,
        [
          '▶ Run started at 16:17:05',
          '',
          "I'll start by looking at the project to work on: Fix the flaky checkout test",
          '',
          '▸ bash: git clone https://github.com/blackbox-demo/shop-api.git /vercel/sandbox',
          "  │ Cloning into '/vercel/sandbox'...",
          '  │ done.',
          '  └ exit 0',
          '▸ bash: ls',
          '  │ README.md',
          '  │ package.json',
          '  │ src',
          '  │ test',
          '  └ exit 0',
          '',
          'The project has a standard layout. Making the change now.',
          '',
          '✎ Files changed (2): src/index.ts, test/index.test.ts',
          '▸ bash: npm test',
          '  │ ✔ 14 passing (212ms)',
          '  └ exit 0',
          '',
          'Done: the change is in place and the tests pass.',
          '',
          '■ Task completed in 4m 12s',
          '',
        ].join('\n'),
      );
    });

    it('gives the same text whatever the events are split into (one renderer, event by event)', () => {
      const events = [
        e.textStart('a'),
        ...deltas('a', 'Hello there, world.', 1),
        ...e.bash('t', 'ls', 'x'),
        e.finish(),
      ];
      const renderer = new LogRenderer();
      const pieces = events.map((event) => renderer.render(event));
      assert.equal(pieces.join('') + renderer.end(), renderEvents(events));
      assert.ok(pieces.filter((p) => p.length > 0).length > 10, 'prose streams out delta by delta, not at the end');
    });
  });

  describe('renderEventStream', () => {
    it('renders an async stream into a sink as it arrives and reports the counts', async () => {
      const events = [e.connected(), e.text('a', 'Hi '), e.unknown('x'), e.text('a', 'there.'), e.finish()];
      async function* stream() {
        yield* events;
      }
      const written: string[] = [];
      const stats = await renderEventStream(stream(), (text) => written.push(text));
      assert.equal(written.join(''), renderEvents(events));
      assert.deepEqual(written.slice(0, 2), ['Hi ', 'there.'], 'no empty writes, prose as it comes');
      assert.equal(stats.events, 5);
      assert.equal(stats.unknown, 1);
    });
  });

  describe('renderLive', () => {
    it('keeps a line whole through a short drop and reports a long one once the hold time has passed', async () => {
      const clock = new FakeClock();
      let release: (() => void) | undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      async function* stream(): AsyncGenerator<LogStreamEvent> {
        yield e.text('a', 'The flaky test is auth/redi');
        yield e.reconnecting(1, 30_000);
        await gate;
        yield e.connected(1);
        yield e.text('a', 'rect.spec.ts.\n');
      }
      const renderer = new LogRenderer();
      const written: string[] = [];
      const done = (async () => {
        for await (const step of renderLive(stream(), renderer, { clock, holdNotesMs: 3000 })) written.push(step.text);
      })();
      await waitFor(() => clock.pending().includes(3000));
      assert.equal(written.join(''), 'The flaky test is auth/redi', 'the note waits for the line');
      clock.advance(3000);
      await waitFor(() => written.join('').includes('reconnecting'));
      release?.();
      await done;
      assert.equal(
        written.join(''),
        'The flaky test is auth/redi\n— connection lost, reconnecting in 30 s —\n— reconnected —\nThe flaky test is auth/redirect.spec.ts.\n',
      );
    });
  });

  describe('prose', () => {
    it('joins deltas into flowing text, not one line per delta', () => {
      const text = renderEvents([
        e.textStart('m'),
        e.text('m', 'The quick '),
        e.text('m', 'brown fox '),
        e.text('m', 'jumps.'),
      ]);
      assert.equal(text, 'The quick brown fox jumps.\n');
    });

    it('keeps the agent’s own line breaks and separates blocks by one blank line', () => {
      const text = renderEvents([
        e.textStart('a'),
        e.text('a', 'First paragraph.\n\nSecond paragraph,\n'),
        e.text('a', 'still the same block.'),
        e.textStart('b'),
        e.text('b', '\n\nNext block.\n'),
        e.text(undefined, ' More of it.'),
      ]);
      assert.equal(text, 'First paragraph.\n\nSecond paragraph,\nstill the same block.\n\nNext block.\n More of it.\n');
    });

    it('starts a new block when the block id changes even without text-start', () => {
      assert.equal(renderEvents([e.text('a', 'One.'), e.text('b', 'Two.')]), 'One.\n\nTwo.\n');
    });

    it('sets prose off from tool lines with a blank line on both sides', () => {
      const text = renderEvents([e.text('a', 'Looking.'), ...e.bash('t', 'ls', ''), e.text('b', 'Seen.')]);
      assert.equal(text, 'Looking.\n\n▸ bash: ls\n  └ exit 0\n\nSeen.\n');
    });

    it('keeps emoji, right-to-left text and combining marks intact', () => {
      const text = renderEvents([
        e.text('a', 'Fertig 🎉 — '),
        e.text('a', 'שלום עולם, '),
        e.text('a', 'cafe\u0301 👩‍💻'),
      ]);
      assert.equal(text, 'Fertig 🎉 — שלום עולם, cafe\u0301 👩‍💻\n');
    });
  });

  describe('tool calls', () => {
    it('renders one line per call with the tool and its key input', () => {
      const text = renderEvents([
        e.toolStart('1', 'read_file'),
        e.toolInput('1', { path: 'src/app.ts' }, 'read_file'),
        e.toolStart('2', 'write'),
        e.toolInput('2', { file_path: 'src/app.ts', content: 'a\nb\nc\n' }, 'write'),
        e.toolStart('3', 'grep'),
        e.toolInput('3', { pattern: 'TODO', path: 'src' }, 'grep'),
        e.toolStart('4', 'bash'),
        e.toolInput('4', { command: ['npm', 'run', 'build'] }),
        e.toolStart('5', 'custom'),
        e.toolInput('5', { flag: true, target_thing: 'the thing' }, 'custom'),
        e.toolStart('6', 'noinput'),
        e.toolInput('6', { n: 3 }, 'noinput'),
      ]);
      assert.equal(
        text,
        [
          '▸ read_file: src/app.ts',
          '▸ write: src/app.ts (3 lines)',
          '▸ grep: TODO',
          '▸ bash: npm run build',
          '▸ custom: the thing',
          '▸ noinput',
          '',
        ].join('\n'),
      );
    });

    it('shows a multi-line command by its first line and how many more there are', () => {
      const text = renderEvents([e.toolStart('1'), e.toolInput('1', { command: "cat > a.txt <<'EOF'\nhello\nEOF" })]);
      assert.equal(text, "▸ bash: cat > a.txt <<'EOF' … (+2 lines)\n");
    });

    it('names a call whose input never came before the next thing is printed', () => {
      const text = renderEvents([e.toolStart('1', 'think'), e.text('a', 'Hmm.'), e.toolStart('2', 'bash'), e.finish()]);
      assert.equal(text, '▸ think\n\nHmm.\n\n▸ bash\n\n■ Task completed\n');
    });

    it('repeats the call line when output arrives under another call (parallel calls)', () => {
      const text = renderEvents([
        e.toolStart('a'),
        e.toolStart('b'),
        e.toolInput('a', { command: 'sleep 1; echo a' }),
        e.toolInput('b', { command: 'echo b' }),
        e.toolOutput('b', { stdout: 'b\n', exitCode: 0 }),
        e.toolOutput('a', { stdout: 'a\n', exitCode: 0 }),
      ]);
      assert.equal(
        text,
        '▸ bash: sleep 1; echo a\n▸ bash: echo b\n  │ b\n  └ exit 0\n▸ bash: sleep 1; echo a\n  │ a\n  └ exit 0\n',
      );
    });

    it('renders output of any shape: string, stderr, error, failing exit, unknown object, nothing', () => {
      const text = renderEvents([
        e.toolStart('1', 'read_file'),
        e.toolInput('1', { path: 'a.ts' }, 'read_file'),
        e.toolOutput('1', 'export const a = 1;\n', 'read_file'),
        ...e.bash('2', 'npm test', '1 failing', 1),
        e.toolStart('3'),
        e.toolInput('3', { command: 'make' }),
        e.toolOutput('3', { stdout: '', stderr: 'make: *** No rule\n', exit_code: 2 }),
        e.toolStart('4', 'web'),
        e.toolInput('4', { url: 'https://example.com' }, 'web'),
        e.toolOutput('4', { error: 'timed out\nafter 30 s' }, 'web'),
        e.toolStart('5', 'edit'),
        e.toolInput('5', { path: 'b.ts' }, 'edit'),
        e.toolOutput('5', { ok: true, changed: 2 }, 'edit'),
        e.toolStart('6', 'noop'),
        e.toolOutput('6', undefined, 'noop'),
        e.toolOutput('7', { stdout: 'orphan' }, 'bash'),
      ]);
      assert.equal(
        text,
        [
          '▸ read_file: a.ts',
          '  │ export const a = 1;',
          '  └ done',
          '▸ bash: npm test',
          '  │ 1 failing',
          '  └ exit 1',
          '▸ bash: make',
          '  ! make: *** No rule',
          '  └ exit 2',
          '▸ web: https://example.com',
          '  └ error: timed out after 30 s',
          '▸ edit: b.ts',
          '  │ {"ok":true,"changed":2}',
          '  └ done',
          '▸ noop',
          '  └ done',
          '▸ bash',
          '  │ orphan',
          '  └ done',
          '',
        ].join('\n'),
      );
    });
  });

  describe('tool output shortening', () => {
    const numbered = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join('\n');

    it('keeps the first and last lines and says how many were left out', () => {
      const text = renderEvents(e.bash('1', 'seq', `${numbered(100)}\n`, 0));
      assert.equal(
        text,
        [
          '▸ bash: seq',
          ...[1, 2, 3, 4, 5, 6].map((n) => `  │ line ${n}`),
          '  │ … 90 more lines …',
          ...[97, 98, 99, 100].map((n) => `  │ line ${n}`),
          '  └ exit 0',
          '',
        ].join('\n'),
      );
    });

    it('shows everything when it fits, and a single skipped line instead of a marker for it', () => {
      const fits = renderEvents(e.bash('1', 'seq', numbered(10)));
      assert.equal((fits.match(/line \d+/g) ?? []).length, 10);
      const oneOver = renderEvents(e.bash('1', 'seq', numbered(11)));
      assert.equal((oneOver.match(/line \d+/g) ?? []).length, 11);
      assert.ok(!oneOver.includes('more line'));
      const twoOver = renderEvents(e.bash('1', 'seq', numbered(12)));
      assert.ok(twoOver.includes('  │ … 2 more lines …\n'));
    });

    it('honours other head/tail settings and keeps blank lines', () => {
      const text = renderEvents(e.bash('1', 'x', 'a\n\nb\nc\nd\ne\n\n'), { headLines: 2, tailLines: 2 });
      assert.equal(text, '▸ bash: x\n  │ a\n  │ \n  │ … 3 more lines …\n  │ e\n  │ \n  └ exit 0\n');
    });

    it('clips long lines, and a multi-megabyte output costs no more than its excerpt', () => {
      const huge = `${'x'.repeat(5_000_000)}\n${numbered(50_000)}\n${'y'.repeat(3_000_000)}`;
      const started = process.hrtime.bigint();
      const text = renderEvents(e.bash('1', 'cat big', huge), { maxLineChars: 80 });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const lines = text.split('\n');
      assert.equal(lines[1], `  │ ${'x'.repeat(79)}…`);
      assert.equal(lines[2], '  │ line 1');
      assert.ok(text.includes('  │ line 5\n  │ … 49,992 more lines …\n  │ line 49998\n'), text);
      assert.equal(lines[lines.length - 3], `  │ ${'y'.repeat(79)}…`);
      assert.ok(text.length < 2_000, `excerpt is ${text.length} chars`);
      assert.ok(ms < 1_000, `took ${ms} ms`);
    });

    it('keeps only what a progress bar finally shows on a carriage-return line', () => {
      const text = renderEvents(
        e.bash('1', 'npm ci', 'progress 10%\rprogress 50%\rprogress 100%\r\nadded 12 packages\r\n'),
      );
      assert.equal(text, '▸ bash: npm ci\n  │ progress 100%\n  │ added 12 packages\n  └ exit 0\n');
    });
  });

  describe('untrusted text', () => {
    it('removes ANSI colour, cursor and title sequences from prose and output', () => {
      const text = renderEvents([
        e.text('a', '\u001b[1mBold\u001b[0m and \u001b]0;evil title\u0007plain'),
        ...e.bash(
          '1',
          '\u001b[31mrm\u001b[0m -rf build',
          '\u001b[2K\u001b[1G\u001b[32m✔ ok\u001b[39m\n\u001b[?25hdone',
        ),
      ]);
      assert.equal(text, 'Bold and plain\n\n▸ bash: rm -rf build\n  │ ✔ ok\n  │ done\n  └ exit 0\n');
    });

    it('removes an escape sequence split across deltas, and a CRLF split across deltas', () => {
      const text = renderEvents([
        e.text('a', 'red: \u001b[3'),
        e.text('a', '1mX\u001b'),
        e.text('a', '[0m end\r'),
        e.text('a', '\nnext'),
      ]);
      assert.equal(text, 'red: X end\nnext\n');
    });

    it('drops control characters and bidirectional overrides but keeps tabs and newlines', () => {
      const text = renderEvents([e.text('a', 'a\u0000b\u0007c\u0008d\tz\u202Eevil\u202C\u2066x\u2069\u0085!')]);
      assert.equal(text, 'abcd\tzevilx!\n');
    });

    it('cleans tool names, inputs, file names, errors and Cloud messages too', () => {
      const text = renderEvents([
        e.toolStart('1', 'ba\u001b[31msh'),
        e.toolInput('1', { command: 'echo \u202Ehi' }, 'ba\u001b[31msh'),
        e.files('a\u0000.ts', 'b\n.ts'),
        e.error('bad \u001b[1mthing\u001b[0m'),
        e.log('\u001b[33mwarn\u001b[0m', 'step\u0007one', 'warning'),
      ]);
      assert.equal(
        text,
        '▸ bash: echo hi\n✎ Files changed (2): a.ts, b .ts\n✘ Error: bad thing\n── stepone ──\n⚠ warn\n',
      );
    });
  });

  describe('Cloud API log lines', () => {
    it('groups lines under their step, marks levels and removes ANSI', () => {
      const text = renderEvents([
        e.connected(),
        e.log('Sandbox created', 'sandbox_created', 'system'),
        e.log('Cloning https://github.com/blackbox-demo/shop-api.git', 'git_cloning'),
        e.log('Working on: Fix the flaky checkout test', 'agent_executing'),
        e.log('$ npm test\n\u001b[32m✔\u001b[39m 14 passing', 'agent_executing'),
        e.log('Disk almost full', 'agent_executing', 'warning'),
        e.log('Committed and pushed blackbox/fix-flaky', 'git_committed', 'success'),
        e.log('   ', 'git_committed'),
        e.status('completed'),
        e.finish('completed'),
      ]);
      assert.equal(
        text,
        [
          '── sandbox created ──',
          'Sandbox created',
          '── git cloning ──',
          'Cloning https://github.com/blackbox-demo/shop-api.git',
          '── agent executing ──',
          'Working on: Fix the flaky checkout test',
          '$ npm test',
          '✔ 14 passing',
          '⚠ Disk almost full',
          '── git committed ──',
          '✔ Committed and pushed blackbox/fix-flaky',
          '',
          '■ Task completed',
          '',
        ].join('\n'),
      );
    });

    it('names the agent once a second agent speaks, or always when asked', () => {
      const events = [
        e.log('a1', 'agent_executing', 'info', 'claude'),
        e.log('b1', 'agent_executing', 'info', 'codex'),
        e.log('a2', 'agent_executing', 'error', 'claude'),
      ];
      assert.equal(
        renderEvents(events),
        '── agent executing ──\na1\n── agent executing · codex ──\nb1\n── agent executing ──\n✘ a2\n',
      );
      assert.equal(
        renderEvents(events, { showAgents: true }),
        '── agent executing · claude ──\na1\n── agent executing · codex ──\nb1\n── agent executing · claude ──\n✘ a2\n',
      );
    });

    it('indents continuation lines of a marked message and shortens a huge one', () => {
      const long = Array.from({ length: 500 }, (_, i) => `row ${i}`).join('\n');
      const text = renderEvents([e.log(`first\nsecond`, 's', 'error'), e.log(long, 's')]);
      const lines = text.split('\n');
      assert.deepEqual(lines.slice(0, 3), ['── s ──', '✘ first', '  second']);
      assert.ok(text.includes('\n… 450 more lines …\nrow 490\n'), 'keeps 40 first and 10 last lines');
      assert.ok(lines.length < 60);
    });
  });

  describe('status, errors and the end', () => {
    it('prints a status change once, and a terminal status as the finish line (only one)', () => {
      const text = renderEvents([
        e.status('queued', 'pending'),
        e.status('running', 'processing'),
        e.status('running', 'processing'),
        e.status('failed', 'error', 'Agent crashed'),
        e.finish('failed'),
      ]);
      assert.equal(text, '● Status: queued\n● Status: running\n✘ Error: Agent crashed\n\n■ Task failed\n');
    });

    it('writes the log lines that follow a terminal status, and the finish line last', () => {
      const text = renderEvents([
        e.status('completed', 'completed'),
        e.log('Cloning', 'git_cloning'),
        e.log('All tests pass', 'agent_executing', 'success'),
        e.finish('completed'),
      ]);
      assert.equal(text, '── git cloning ──\nCloning\n── agent executing ──\n✔ All tests pass\n\n■ Task completed\n');
    });

    it('writes the finish line of a terminal status at the end when no finish follows', () => {
      const renderer = new LogRenderer();
      const text = renderer.render(e.status('failed', 'error')) + renderer.render(e.log('boom')) + renderer.end();
      assert.equal(text, 'boom\n\n■ Task failed\n');
    });

    it('shows an unknown status by its raw value', () => {
      assert.equal(renderEvents([e.status('unknown', 'paused_by_admin')]), '● Status: paused_by_admin\n');
      assert.equal(
        renderEvents([{ kind: 'finish', status: 'unknown', rawStatus: 'exploded' }]),
        '■ Task ended with status exploded\n',
      );
      assert.equal(
        renderEvents([{ kind: 'finish', status: 'unknown' }]),
        '■ Task ended\n',
        'a finish that names no status',
      );
    });

    it('prints no status the header already showed', () => {
      assert.equal(
        renderEvents([e.status('running', 'processing'), e.status('completed')], { status: 'running' }),
        '■ Task completed\n',
      );
    });

    it('measures the duration from the start event to completedAt, or to now while watching live', () => {
      const events = [e.start(AT(10, 0, 0)), e.finish('cancelled')];
      assert.equal(
        renderEvents(events, { completedAt: AT(10, 0, 42), timeZone: 'UTC' }),
        '▶ Run started at 10:00:00\n\n■ Task cancelled after 42s\n',
      );
      assert.equal(
        renderEvents(events, { now: () => AT(11, 2, 3), timeZone: 'UTC' }),
        '▶ Run started at 10:00:00\n\n■ Task cancelled after 1h 02m\n',
      );
      assert.equal(
        renderEvents([e.finish('interrupted')], { startedAt: AT(10, 0, 0), now: () => AT(10, 0, 0) + 850 }),
        '■ Task interrupted after 850ms\n',
      );
      assert.equal(renderEvents(events.slice(1)), '■ Task cancelled\n', 'no start known: no duration');
    });

    it('renders an error event with its details indented under it', () => {
      assert.equal(
        renderEvents([e.text('a', 'Trying.'), e.error('Build failed\nmissing module x')]),
        'Trying.\n\n✘ Error: Build failed\n         missing module x\n',
      );
    });

    it('closes an open line at the end and names calls that never got input', () => {
      const renderer = new LogRenderer();
      assert.equal(renderer.render(e.text('a', 'half a sentence')), 'half a sentence');
      assert.equal(renderer.render(e.toolStart('x', 'search')), '');
      assert.equal(renderer.end(), '\n\n▸ search\n');
    });
  });

  describe('unknown and malformed events', () => {
    it('skips them silently and counts them by type', () => {
      const renderer = new LogRenderer();
      const out = [
        e.unknown('reasoning-delta'),
        e.text('a', 'Hi.'),
        e.unknown('reasoning-delta'),
        e.malformed(),
        e.unknown('tool-input-delta'),
        { kind: 'from-the-future', x: 1 } as unknown as LogStreamEvent,
      ]
        .map((event) => renderer.render(event))
        .join('');
      assert.equal(out + renderer.end(), 'Hi.\n');
      assert.deepEqual(renderer.stats, {
        events: 6,
        unknown: 4,
        malformed: 1,
        unknownTypes: { 'reasoning-delta': 2, 'tool-input-delta': 1, 'from-the-future': 1 },
        openToolCalls: 0,
        heldChars: 0,
      });
    });

    it('names at most a few dozen distinct unknown types', () => {
      const renderer = new LogRenderer();
      for (let i = 0; i < 1000; i++) renderer.render(e.unknown(`type-${i}`));
      assert.equal(renderer.stats.unknown, 1000);
      assert.ok(Object.keys(renderer.stats.unknownTypes).length <= 32);
    });
  });

  describe('connection notes', () => {
    it('never splits a line of prose: a note in mid-line waits for the line to end', () => {
      const withoutDrop = renderEvents([
        e.connected(0),
        e.text('a', 'The flaky test is auth/redi'),
        e.text('a', 'rect.spec.ts — it depends\non the clock.'),
        ...e.bash('1', 'ls', 'x'),
      ]);
      const text = renderEvents([
        e.connected(0),
        e.text('a', 'The flaky test is auth/redi'),
        e.reconnecting(1, 1000),
        e.connected(1),
        e.text('a', 'rect.spec.ts — it depends\non the clock.'),
        ...e.bash('1', 'ls', 'x'),
      ]);
      assert.equal(
        text,
        [
          'The flaky test is auth/redirect.spec.ts — it depends',
          '— connection lost, reconnecting in 1 s —',
          '— reconnected —',
          'on the clock.',
          '',
          '▸ bash: ls',
          '  │ x',
          '  └ exit 0',
          '',
        ].join('\n'),
      );
      const lines = new Set(text.split('\n'));
      for (const line of withoutDrop.split('\n')) assert.ok(lines.has(line), `line broken: ${JSON.stringify(line)}`);
    });

    it('a note held for a line that never ends goes out after it when the block closes', () => {
      const text = renderEvents([e.text('a', 'Half of the'), e.reconnecting(1, 2000), e.connected(1), e.finish()]);
      assert.equal(
        text,
        'Half of the\n— connection lost, reconnecting in 2 s —\n— reconnected —\n\n■ Task completed\n',
      );
    });

    it('released on time, the notes end the half line and the whole line is written again after them', () => {
      const renderer = new LogRenderer();
      let text = renderer.render(e.text('a', 'The flaky test is auth/redi'));
      text += renderer.render(e.reconnecting(1, 30_000));
      assert.equal(renderer.holdsNotes, true);
      text += renderer.releaseHeldNotes();
      assert.equal(renderer.holdsNotes, false);
      text += renderer.render(e.connected(1));
      text += renderer.render(e.text('a', 'rect.spec.ts — it depends.'));
      text += renderer.end();
      assert.equal(
        text,
        [
          'The flaky test is auth/redi',
          '— connection lost, reconnecting in 30 s —',
          '— reconnected —',
          'The flaky test is auth/redirect.spec.ts — it depends.',
          '',
        ].join('\n'),
      );
    });

    it('resumes a released line too long to keep after a continuation mark', () => {
      const renderer = new LogRenderer();
      const long = 'x'.repeat(2500);
      let text = renderer.render(e.text('a', long));
      text += renderer.render(e.reconnecting(1, 30_000));
      text += renderer.releaseHeldNotes();
      text += renderer.render(e.text('a', 'y.'));
      assert.equal(text, `${long}\n— connection lost, reconnecting in 30 s —\n↪ y.`);
    });

    it('says how many attempts were made before giving up, and why', () => {
      const text = renderEvents([
        ...e.bash('1', 'ls', ''),
        e.reconnecting(1, 1000),
        e.connected(1),
        e.reconnecting(2, 500),
        e.connected(2),
        e.reconnecting(3, 12_400),
        e.gaveUp('The BLACKBOX API is unavailable (503).\nTry later'),
      ]);
      assert.equal(
        text,
        [
          '▸ bash: ls',
          '  └ exit 0',
          '— connection lost, reconnecting in 1 s —',
          '— reconnected —',
          '— connection lost, reconnecting in 0.5 s —',
          '— reconnected —',
          '— connection lost, reconnecting in 12 s —',
          '— gave up after 3 attempts: The BLACKBOX API is unavailable (503). Try later —',
          '',
        ].join('\n'),
      );
    });

    it('counts attempts only since the last real progress', () => {
      const text = renderEvents([
        e.reconnecting(1),
        e.connected(1),
        e.text('a', 'x'),
        e.reconnecting(2),
        e.gaveUp('gone'),
      ]);
      assert.ok(text.endsWith('— gave up after 1 attempt: gone —\n'), text);
    });
  });

  describe('bounded memory', () => {
    it('keeps no log text however long the stream (200k deltas, 20k tool calls)', () => {
      const renderer = new LogRenderer();
      let chars = 0;
      let maxHeld = 0;
      let maxOpen = 0;
      renderer.render(e.textStart('a'));
      for (let i = 0; i < 200_000; i++) {
        chars += renderer.render(e.text('a', i % 1000 === 999 ? 'end of a sentence.\n' : 'word \u001b[1m')).length;
        maxHeld = Math.max(maxHeld, renderer.stats.heldChars);
      }
      for (let i = 0; i < 20_000; i++) {
        for (const event of e.bash(`t${i}`, `echo ${i}`, `${i}\n`)) {
          chars += renderer.render(event).length;
          maxOpen = Math.max(maxOpen, renderer.stats.openToolCalls);
        }
      }
      assert.ok(chars > 1_000_000, 'the text went out as it was rendered');
      assert.equal(maxHeld, 0);
      assert.equal(maxOpen, 1);
      assert.deepEqual({ open: renderer.stats.openToolCalls, held: renderer.stats.heldChars }, { open: 0, held: 0 });
    });

    it('forgets the oldest of many calls that never finish, and holds back only a short escape tail', () => {
      const renderer = new LogRenderer({ maxOpenToolCalls: 16 });
      for (let i = 0; i < 10_000; i++) renderer.render(e.toolStart(`never-${i}`));
      assert.equal(renderer.stats.openToolCalls, 16);
      renderer.render(e.text('a', `x\u001b]0;${'t'.repeat(100)}`));
      assert.equal(renderer.stats.heldChars, 104);
      renderer.render(e.text('a', 'u'.repeat(1000)));
      assert.ok(renderer.stats.heldChars <= 256);
    });

    it('does not grow the heap over a long stream', () => {
      const gc = exposedGc();
      const renderer = new LogRenderer();
      const run = (n: number) => {
        for (let i = 0; i < n; i++) {
          renderer.render(e.text(`b${i % 7}`, 'some words of prose '));
          if (i % 10 === 0) for (const event of e.bash(`t${i}`, 'ls', 'a\nb\n')) renderer.render(event);
        }
      };
      run(20_000);
      gc();
      const before = process.memoryUsage().heapUsed;
      run(200_000);
      gc();
      const grown = process.memoryUsage().heapUsed - before;
      assert.ok(grown < 2_000_000, `heap grew by ${grown} bytes`);
    });
  });
});
