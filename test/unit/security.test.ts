import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkBaseUrl } from '../../src/core/api/apiConfig';
import { checkBranchName, quoteBranchName } from '../../src/core/git/branchName';
import { createTasksApi, type TasksApiOptions } from '../../src/core/api/createTasksApi';
import { describeError } from '../../src/core/view/errorDescription';
import { ApiError, InvalidInputError, ProtocolError, redactSecrets } from '../../src/core/http/errors';
import type { LogStreamEvent } from '../../src/core/logs/logEvents';
import { renderEvents } from './support/renderEvents';
import type { Task, TaskDetails } from '../../src/core/tasks/model';
import { firstDetailsLoad } from './support/webviewPages';
import { renderTaskHeader } from '../../src/core/logs/taskHeader';
import { agentTasksOf } from '../../src/core/tasks/agentTask';
import {
  agentTaskTooltipMarkdown,
  laneLabel,
  presentAgentTask,
  presentAgentLane,
  presentFollowUp,
  presentTask,
  taskTooltipMarkdown,
} from '../../src/core/view/taskPresentation';
import type { TasksApi } from '../../src/core/api/tasksApi';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { faults } from '../emulator/faults';
import { scriptedRunLog } from '../emulator/scenarios';
import { FakeClock } from './support/fakeClock';
import { closedPort, FAKE_AGENT_KEY, FAKE_CLOUD_KEY, startLoopbackServer } from './support/loopbackServer';

/**
 * The security review's points that plain Node can assert (docs/security.md lists each
 * with its test). The extension-host points (log files, output channels, workspace
 * settings) are in test/integration/security.test.ts.
 */

const repoRoot = join(__dirname, '..', '..', '..');
const KEYS = [FAKE_AGENT_KEY, FAKE_CLOUD_KEY];
const RUN = '22222222-0000-4000-8000-000000000001';
const CLOUD = 'tskSecure0001';

/** Every text form an error can take on its way to a person or a log. */
function textsOf(error: unknown): string[] {
  const texts: string[] = [String(error), describeError(error, 'Doing it').message];
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    texts.push(current.message, current.stack ?? '', JSON.stringify(current));
    if (ApiError.is(current)) texts.push(current.userMessage);
    current = current.cause;
  }
  return texts;
}

function assertNoKey(texts: readonly string[], where: string): void {
  for (const text of texts) {
    for (const key of KEYS) {
      for (const form of [key, encodeURIComponent(key), key.slice(3)]) {
        assert.ok(!text.includes(form), `${where} contains the key: ${text.slice(0, 300)}`);
      }
    }
  }
}

/** Tokens that would mean markup reached a view unescaped. */
function assertNoLiveMarkdown(tooltip: string, where: string): void {
  // Inside a code span everything is literal text; outside, an unescaped [ … ]( or < starts a
  // link, an image or HTML in CommonMark.
  const markdown = tooltip.replace(/(?<!\\)`[^`\n]*`/g, '``');
  assert.doesNotMatch(markdown, /(^|[^\\])\[[^\]]*(?<!\\)\]\(/m, `${where} has a live link: ${markdown}`);
  assert.doesNotMatch(markdown, /(^|[^\\])</m, `${where} has live HTML: ${markdown}`);
  assert.doesNotMatch(markdown, /(^|[^\\])!\[/m, `${where} has a live image: ${markdown}`);
  assert.doesNotMatch(markdown, /\]\((?:javascript|command):/, `${where} has a live link target: ${markdown}`);
}

const HOSTILE = [
  '[Clear your key](command:blackboxTasks.clearApiKey) <img src=x onerror=alert(1)> <script>alert(1)</script>',
  '![pixel](https://evil.example/track.png) **bold** `code` <a href="javascript:alert(1)">x</a>',
  'Trojan \u202Eexe.txt\u202C and \u001b]8;;https://evil.example\u0007a hyperlink\u001b]8;;\u0007 and \u001b[31mred\u001b[0m\u0007',
].join('\n');

describe('security', function () {
  this.timeout(15_000);

  describe('the API key never appears in an error, a diagnostic or a URL', () => {
    let emulator: Emulator;
    const diagnostics: string[] = [];
    const client = (kind: 'agent' | 'cloud', options: Partial<TasksApiOptions> = {}): TasksApi =>
      createTasksApi({
        kind,
        baseUrl: emulator.url,
        apiKey: kind === 'agent' ? FAKE_AGENT_KEY : FAKE_CLOUD_KEY,
        clock: new FakeClock(Date.now(), 60_000),
        timeoutMs: 120_000,
        random: () => 0.5,
        stream: { baseDelayMs: 5, maxDelayMs: 10, idleTimeoutMs: 300 },
        onDiagnostic: (line) => diagnostics.push(line),
        ...options,
      });

    beforeEach(async () => {
      diagnostics.length = 0;
      emulator = await startEmulator({ keys: { agent: FAKE_AGENT_KEY, cloud: FAKE_CLOUD_KEY }, keepAliveMs: 0 });
      emulator.addTask({
        api: 'agent',
        id: RUN,
        prompt: 'Fix it',
        status: 'completed',
        log: scriptedRunLog({ steps: [{ text: 'done' }] }),
      });
      emulator.addTask({ api: 'cloud', id: CLOUD, prompt: 'Fix it', status: 'completed' });
    });
    afterEach(() => emulator.close());

    it('in no error of any status or body shape, even when the server echoes the key back', async () => {
      const echoed = `Invalid token ${FAKE_AGENT_KEY} (Bearer ${FAKE_AGENT_KEY}) ${encodeURIComponent(FAKE_AGENT_KEY)}`;
      let checked = 0;
      for (const status of [400, 401, 402, 403, 404, 409, 422, 429, 500, 502, 503, 504]) {
        for (const body of ['json', 'json-object', 'text', 'html'] as const) {
          emulator.fault(faults.status(status, { body, message: echoed, times: 1 }));
          const error = await client('agent', { maxRetries: 0 })
            .get(RUN)
            .catch((e: unknown) => e);
          assert.ok(ApiError.is(error), `HTTP ${status} ${body} gave ${String(error)}`);
          assertNoKey(textsOf(error), `HTTP ${status} (${body})`);
          checked++;
        }
      }
      assert.equal(checked, 48);
      assertNoKey(diagnostics, 'diagnostics');
    });

    it('in no network, timeout or protocol error', async () => {
      const port = await closedPort();
      const refused = await createTasksApi({
        kind: 'agent',
        baseUrl: `http://127.0.0.1:${port}`,
        apiKey: FAKE_AGENT_KEY,
        maxRetries: 0,
      })
        .list()
        .catch((e: unknown) => e);
      emulator.fault(faults.hang({ path: '/api/v1/tasks', times: 1 }));
      const timedOut = await client('agent', { clock: undefined, timeoutMs: 200, maxRetries: 0 })
        .list()
        .catch((e: unknown) => e);
      emulator.fault(faults.malformedJson({ path: '/api/v1/tasks', times: 1 }, `{"tasks": "${FAKE_AGENT_KEY}`));
      const malformed = await client('agent')
        .list()
        .catch((e: unknown) => e);
      emulator.fault(faults.drop({ afterBytes: 10 }, { path: '/api/v1/tasks', times: 1 }));
      const reset = await client('agent', { maxRetries: 0 })
        .list()
        .catch((e: unknown) => e);
      for (const [name, error] of Object.entries({ refused, timedOut, malformed, reset })) {
        assert.ok(ApiError.is(error), `${name}: ${String(error)}`);
        assertNoKey(textsOf(error), name);
      }
      assert.ok(ProtocolError.is(malformed));
    });

    it('in no log stream event or reconnect note, even for a data line carrying the key', async () => {
      const runId = '22222222-0000-4000-8000-000000000002';
      emulator.addTask({
        api: 'agent',
        id: runId,
        prompt: 'Echo',
        status: 'completed',
        log: [
          { event: { type: 'text-start', id: 't' } },
          { event: { type: 'error', errorText: `auth failed for ${FAKE_AGENT_KEY}` } },
        ],
      });
      emulator.fault(faults.sse({ unknownEvents: true }, { path: `/api/v1/tasks/${runId}/logs/stream` }));
      emulator.fault(faults.drop({ afterEvents: 1 }, { path: `/api/v1/tasks/${runId}/logs/stream`, times: 1 }));
      const events: LogStreamEvent[] = [];
      for await (const event of client('agent').streamLogs(runId)) events.push(event);
      assert.ok(events.some((event) => event.kind === 'reconnecting'));
      // The renderer's text goes to the output channel, which redacts every append with the
      // session's keys (src/adapters/logs/logChannels.ts; asserted in the integration suite).
      const samples = events
        .filter((event) => event.kind === 'malformed' || event.kind === 'reconnecting')
        .map((event) => JSON.stringify(event));
      assertNoKey(samples, 'stream notes');
      assertNoKey(diagnostics, 'stream diagnostics');
    });

    it('in no URL, query or body of any request: only the Authorization header carries it', async () => {
      for (const kind of ['agent', 'cloud'] as const) {
        const api = client(kind);
        const id = kind === 'agent' ? RUN : CLOUD;
        await api.list();
        await api.get(id);
        await api.status(id);
        const created = await api.create({
          prompt: 'Add a health check',
          repoUrl: 'https://github.com/blackbox-demo/shop-api.git',
        });
        await api.cancel(created.id);
        await api.continue(id, { prompt: 'And a readiness check' }).catch(() => undefined);
        for await (const event of api.streamLogs(id)) void event;
      }
      assert.ok(emulator.requests.length >= 14);
      assert.ok(
        emulator.requests.every((request) => request.authorized),
        'every request carried the key in its header',
      );
      assertNoKey(
        emulator.requests.map(
          (request) =>
            `${request.method} ${request.path} ${JSON.stringify(request.query)} ${JSON.stringify(request.body ?? null)}`,
        ),
        'a recorded request',
      );
      assertNoKey(diagnostics, 'diagnostics');
    });

    it('in no message about a key that cannot be sent, and redactSecrets removes every form of it', () => {
      for (const bad of [`${FAKE_AGENT_KEY} trailing words`, `${FAKE_AGENT_KEY}\nsecond line`, `${FAKE_AGENT_KEY}é`]) {
        let thrown: unknown;
        try {
          createTasksApi({ kind: 'agent', baseUrl: 'https://agent.blackbox.ai', apiKey: bad });
        } catch (error) {
          thrown = error;
        }
        assert.ok(InvalidInputError.is(thrown));
        assertNoKey(textsOf(thrown), 'the refusal');
      }
      const redacted = redactSecrets(
        `a ${FAKE_AGENT_KEY} b ${encodeURIComponent(FAKE_AGENT_KEY)} c Authorization: Bearer sk-other-key`,
        [FAKE_AGENT_KEY],
      );
      assertNoKey([redacted], 'redacted text');
      assert.doesNotMatch(redacted, /sk-other-key/);
    });
  });

  describe('the API URL settings cannot be set by a workspace', () => {
    it('declares every setting that decides where the key goes with scope "application"', () => {
      const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
        contributes: { configuration: { properties: Record<string, { scope?: string }> } };
      };
      const properties = manifest.contributes.configuration.properties;
      for (const name of ['blackboxTasks.api', 'blackboxTasks.agentApiUrl', 'blackboxTasks.cloudApiUrl']) {
        assert.equal(properties[name]?.scope, 'application', name);
      }
    });
  });

  describe('plain http is refused except on loopback', () => {
    const allowed = [
      'https://agent.blackbox.ai',
      'https://cloud.blackbox.ai/',
      'http://127.0.0.1:8123',
      'http://localhost:3000',
      'http://[::1]:9000',
      'http://127.1.2.3',
    ];
    const refused = [
      'http://agent.blackbox.ai',
      'http://localhost.evil.example',
      'http://127.0.0.1.nip.io',
      'http://10.0.0.5',
      'http://192.168.1.10:8080',
      'http://0.0.0.0',
      'https://user:pass@agent.blackbox.ai',
      'https://agent.blackbox.ai/?next=http://evil.example',
      'https://agent.blackbox.ai/#x',
      'ftp://agent.blackbox.ai',
      'javascript:alert(1)',
      'file:///etc/passwd',
      '',
    ];

    it('accepts https anywhere and http only for 127.0.0.0/8, localhost and [::1]', () => {
      for (const url of allowed) assert.equal(checkBaseUrl(url).ok, true, url);
      for (const url of refused) assert.equal(checkBaseUrl(url).ok, false, url);
    });

    it('refuses a client for a refused URL before any request is made', () => {
      const calls: string[] = [];
      const spy = (async (input: string | URL | Request) => {
        calls.push(String(input));
        return new Response('{}');
      }) as typeof fetch;
      for (const url of refused) {
        assert.throws(
          () => createTasksApi({ kind: 'agent', baseUrl: url, apiKey: FAKE_AGENT_KEY, fetch: spy }),
          (e: unknown) => InvalidInputError.is(e),
          url,
        );
      }
      assert.deepEqual(calls, []);
    });

    it('never follows a redirect, so the key cannot be carried to another host', async () => {
      const elsewhere = await startLoopbackServer((_request, response) => {
        response.end('{}');
      });
      const redirecting = await startLoopbackServer((_request, response) => {
        response.writeHead(307, { Location: `${elsewhere.url}/api/v1/tasks` });
        response.end();
      });
      try {
        const error = await createTasksApi({
          kind: 'agent',
          baseUrl: redirecting.url,
          apiKey: FAKE_AGENT_KEY,
          maxRetries: 0,
        })
          .list()
          .catch((e: unknown) => e);
        assert.ok(ProtocolError.is(error), String(error));
        assert.equal(elsewhere.requests.length, 0, 'the other host received nothing');
      } finally {
        await redirecting.close();
        await elsewhere.close();
      }
    });
  });

  describe('branch names from the API cannot inject git options', () => {
    const hostile = [
      '--upload-pack=touch /tmp/pwned',
      '-b',
      '--output=/tmp/x',
      '-c core.sshCommand=evil',
      'refs/heads/main',
      'main..evil',
      'feature\nrm -rf /',
      'feature;rm -rf ~',
      'feature $(id)',
      'a\u202Eb',
      'a\u200Bb',
      'HEAD',
      '@',
      'x@{1}',
      'feature.lock',
      '.hidden',
      'a//b',
      'trailing/',
      'x'.repeat(251),
    ];

    it('refuses anything git would read as an option, a full ref, or that hides what it is', () => {
      for (const name of hostile) assert.equal(checkBranchName(name).ok, false, JSON.stringify(name));
      for (const name of ['blackbox/fix-login', 'feature/ünïcode-✓', 'release-1.2.3', 'user@host-branch']) {
        assert.equal(checkBranchName(name).ok, true, name);
      }
    });

    it('shows a refused name quoted, with invisible characters spelled out', () => {
      assert.equal(quoteBranchName('a\u202Eb'), '"a\\u{202e}b"');
      assert.equal(quoteBranchName('x\ny'), '"x\\u{a}y"');
    });
  });

  describe('task text cannot inject markup or script into any view', () => {
    const now = Date.parse('2026-03-02T12:00:00Z');
    const task: Task = {
      id: RUN,
      api: 'agent',
      status: 'failed',
      rawStatus: 'failed',
      prompt: HOSTILE,
      title: HOSTILE,
      model: 'blackboxai/[x](command:evil)',
      agent: '<b>agent</b>',
      repoUrl: 'https://github.com/blackbox-demo/shop-api.git',
      baseBranch: 'main`](command:evil)',
      createdBranch: 'blackbox/`x`<img src=x>',
      pullRequestUrl: 'javascript:alert(1)',
      error: HOSTILE,
      createdAt: now - 60_000,
      followUps: [{ prompt: HOSTILE, createdAt: now, status: 'queued' }],
      agentRuns: [
        {
          agent: '[a](command:evil)',
          model: '<i>m</i>',
          status: 'failed',
          rawStatus: 'error',
          branch: 'b`<x>',
          error: HOSTILE,
        },
      ],
    };

    it('tree labels and descriptions are plain text without controls or direction overrides', () => {
      const shown = presentTask(task, { now });
      for (const text of [shown.label, shown.description]) {
        assert.doesNotMatch(text, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/, text);
      }
    });

    it('tooltips escape every markdown and HTML construct', () => {
      assertNoLiveMarkdown(taskTooltipMarkdown(task, { now }), 'task tooltip');
      assertNoLiveMarkdown(presentFollowUp(HOSTILE, 'queued', now, now).tooltip, 'follow-up tooltip');
      const execution = task.agentRuns?.[0] as NonNullable<Task['agentRuns']>[number];
      assertNoLiveMarkdown(
        presentAgentLane({ key: 'k#0', ...execution, pullRequestUrl: HOSTILE, run: task, earlierRuns: [] }, { now })
          .tooltip,
        'agent tooltip',
      );
      const several = agentTasksOf([{ ...task, agentRuns: [execution, { ...execution, agent: HOSTILE }] }]);
      assertNoLiveMarkdown(agentTaskTooltipMarkdown(several[0], { now }), 'multi-agent task tooltip');
      const shown = presentAgentTask(several[0], { now });
      for (const text of [shown.label, shown.description, ...(several[0]?.lanes ?? []).map(laneLabel)])
        assert.doesNotMatch(text, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/, text);
    });

    it('the details page escapes all task text and allows no script but its own nonce’d one under its CSP', () => {
      const details: TaskDetails = {
        ...task,
        messages: [
          { role: 'user', parts: [{ type: 'text', text: HOSTILE }] },
          {
            role: 'assistant<script>',
            parts: [
              { type: 'tool', toolName: '<svg onload=alert(1)>', summary: HOSTILE },
              { type: 'other', kind: '<iframe>' },
            ],
          },
        ],
      };
      const html = firstDetailsLoad(details, { nonce: 'n0nce', formatTime: () => 'then' });
      const csp = (/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '').replace(
        /&#39;/g,
        "'",
      );
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /(^|; )script-src 'nonce-n0nce'(;|$)/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      // The page's own script (one, nonce'd) is checked in taskDetailsHtml.test.ts; task text adds none.
      assert.equal(html.split('<script nonce="n0nce">').length - 1, 1);
      const page = html.replace(/<script nonce="n0nce">[\s\S]*?<\/script>/, '');
      // Task text may appear only as text: every tag on the page is one of its own, with no handler.
      const forbiddenTags = new Set([
        'script',
        'img',
        'svg',
        'iframe',
        'object',
        'embed',
        'link',
        'form',
        'input',
        'base',
        'frame',
        'math',
        'video',
        'audio',
      ]);
      for (const [, name, attributes] of page.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>/g)) {
        assert.ok(!forbiddenTags.has((name ?? '').toLowerCase()), `a <${name}> tag on the page`);
        assert.doesNotMatch(attributes ?? '', /\son[a-z]+\s*=/i, `an event handler on <${name}>`);
      }
      assert.doesNotMatch(html, /href="(?!https:\/\/github\.com\/)/, 'links only to https://github.com');
      // Every field, not only message text, is cleaned of terminal escapes, controls and direction overrides.

      assert.doesNotMatch(html, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      assert.ok(html.includes('Trojan exe.txt and a hyperlink and red'));
      assert.equal((html.match(/<style nonce="n0nce">/g) ?? []).length, 1, 'only the page’s own style sheet');
    });

    it('log channel text has no terminal escapes, control characters or direction overrides', () => {
      const events: LogStreamEvent[] = [
        { kind: 'text-start', blockId: 't' },
        { kind: 'text', blockId: 't', text: HOSTILE },
        { kind: 'tool-start', toolCallId: 'c', toolName: 'bash\u001b[2J' },
        {
          kind: 'tool-input',
          toolCallId: 'c',
          toolName: 'bash',
          input: { command: `echo \u001b]0;title\u0007 ${HOSTILE}` },
        },
        {
          kind: 'tool-output',
          toolCallId: 'c',
          toolName: 'bash',
          output: { stdout: `${HOSTILE}\r\nprogress 10%\rprogress 100%`, exitCode: 0 },
        },
        { kind: 'log', level: 'error', message: HOSTILE, step: 'agent_executing\u001b[1m' },
        { kind: 'error', message: HOSTILE },
        { kind: 'finish', status: 'failed', rawStatus: 'failed' },
      ];
      const texts = [renderEvents(events), renderTaskHeader(task)];
      for (const text of texts) {
        assert.doesNotMatch(
          text,
          /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/,
          JSON.stringify(text.slice(0, 400)),
        );
      }
    });
  });

  describe('the extension declares how it behaves in untrusted workspaces', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      capabilities: { untrustedWorkspaces: { supported: unknown; description?: string } };
      contributes: { menus: { commandPalette: { command: string; when?: string }[] } };
    };

    it('declares limited support, and says what is limited', () => {
      assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
      const nls = JSON.parse(readFileSync(join(repoRoot, 'package.nls.json'), 'utf8')) as Record<string, string>;
      const description = manifest.capabilities.untrustedWorkspaces.description ?? '';
      assert.match(nls[/^%(.+)%$/.exec(description)?.[1] ?? ''] ?? description, /checked out|git/);
    });

    it('hides Check Out and Review from the Command Palette in an untrusted workspace', () => {
      // That the commands themselves refuse (and git is never loaded) is asserted at run time
      // in the extension host: test/integration/security.test.ts.
      for (const command of ['blackboxTasks.checkoutBranch', 'blackboxTasks.reviewChanges']) {
        const entry = manifest.contributes.menus.commandPalette.find((item) => item.command === command);
        assert.match(entry?.when ?? '', /\bisWorkspaceTrusted\b/, command);
      }
    });
  });
});
