import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import * as vscode from 'vscode';
import type { CancelTaskResult } from '../../src/commands/cancelTask';
import type { CheckoutBranchResult } from '../../src/commands/checkoutBranch';
import type { ReviewChangesResult } from '../../src/commands/reviewChanges';
import type { SetApiKeyResult } from '../../src/commands/setApiKey';
import type { BlackboxTasksTestApi } from '../../src/extension';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { faults } from '../emulator/faults';
import { scriptedRunLog } from '../emulator/scenarios';
import { EXTENSION_ID, logText, setKey, useEmulator, waitUntil } from './harness';
import { whenLogEnds } from './logEndings';
import { readTasksView, setActivityOverride } from './tasksViewSpy';

/**
 * The security review's points that need the real extension host (docs/security.md):
 * the key in no log file or output channel after the commands have run, workspace
 * settings unable to redirect the key, and the untrusted-workspace behaviour.
 */

/** Recognisable keys, so any trace of them anywhere is unmistakable. */
const PROBE_KEYS = {
  agent: 'sk-SECURITYPROBE-agent-5f1c0e7a9b2d4c63',
  cloud: 'bb_SECURITYPROBE_cloud_8e3a1d6f0c9b2e47',
} as const;
const REPO = 'https://github.com/blackbox-demo/shop-api.git';

function filesUnder(dir: string): string[] {
  const found: string[] = [];
  const walk = (current: string): void => {
    let names: string[];
    try {
      names = readdirSync(current);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(current, name);
      if (statSync(path).isDirectory()) walk(path);
      else found.push(path);
    }
  };
  walk(dir);
  return found;
}

function keyForms(): string[] {
  return Object.values(PROBE_KEYS).flatMap((key) => [key, encodeURIComponent(key), key.slice(3)]);
}

function leaks(text: string): string[] {
  return keyForms().filter((form) => text.includes(form));
}

async function run<T>(command: string, argument?: unknown): Promise<T> {
  return await vscode.commands.executeCommand<T>(command, argument);
}

async function seed(
  api: BlackboxTasksTestApi,
  emulator: Emulator,
  spec: Parameters<Emulator['addTask']>[0],
): Promise<string> {
  const task = emulator.addTask(spec);
  const connection = api.session.current();
  assert.ok(connection, 'a key is set before tasks are seeded');
  const { messages: _messages, ...known } = await connection.api.get(task.id);
  api.store.upsert(known);
  return task.id;
}

describe('security (extension host)', function () {
  this.timeout(60_000);
  const suite = useEmulator({ keys: PROBE_KEYS, keepAliveMs: 0 });
  afterEach(() => suite.emulator.clearFaults());

  it('after the commands have run, the key is in no log file, output channel, message, view or request URL', async function () {
    const { emulator, api } = suite;
    const userDataDir = process.env.BLACKBOX_TEST_USER_DATA_DIR;
    if (!userDataDir) this.skip();
    const said: string[] = [];

    // Set the key through the command, as a user does (verified against the emulator).
    const set = await run<SetApiKeyResult>('blackboxTasks.setApiKey', { key: PROBE_KEYS.agent });
    assert.equal(set.outcome, 'verified', set.message);
    said.push(JSON.stringify(set));

    const running = await seed(api, emulator, {
      api: 'agent',
      prompt: 'Add a health check',
      status: 'running',
      repoUrl: REPO,
    });
    const echoing = await seed(api, emulator, {
      api: 'agent',
      prompt: 'Echo the token',
      status: 'completed',
      log: [
        ...scriptedRunLog({
          steps: [
            { text: `The token in use is ${PROBE_KEYS.agent}.` },
            { bash: 'env', stdout: `BLACKBOX_API_KEY=${PROBE_KEYS.agent}` },
          ],
          seed: 's',
        }),
        { event: { type: 'error', errorText: `upstream rejected Bearer ${PROBE_KEYS.agent}` } },
      ],
    });

    // A live log that prints the key (as a careless agent might): the channel redacts it.
    const echoingTask = api.store.get(echoing);
    assert.ok(echoingTask);
    await run('blackboxTasks.showLogs', echoingTask);
    assert.ok(await whenLogEnds(echoingTask));
    said.push(logText(echoingTask) ?? '');
    assert.match(
      logText(echoingTask) ?? '',
      /The token in use is/,
      `the log was shown: ${JSON.stringify(logText(echoingTask))}`,
    );

    // Failures whose server text echoes the key, through the commands and the view.
    emulator.fault(faults.status(500, { method: 'PATCH', message: `cannot cancel for ${PROBE_KEYS.agent}`, times: 1 }));
    const cancel = await run<CancelTaskResult>('blackboxTasks.cancelTask', { taskId: running, confirm: true });
    said.push(JSON.stringify(cancel));
    emulator.fault(
      faults.status(401, { path: '/api/v1/tasks', message: `token ${PROBE_KEYS.agent} revoked`, times: 1 }),
    );
    await run('blackboxTasks.refresh');
    const view = readTasksView(api);
    said.push(JSON.stringify(view));
    await run('blackboxTasks.refresh');

    // The Cloud key too, then a key that fails verification.
    said.push(JSON.stringify(await run<SetApiKeyResult>('blackboxTasks.setApiKey', { key: PROBE_KEYS.cloud })));
    await run('blackboxTasks.refresh');
    emulator.fault(faults.status(401, { message: `bad token ${PROBE_KEYS.agent}`, times: 1 }));
    said.push(JSON.stringify(await run<SetApiKeyResult>('blackboxTasks.setApiKey', { key: PROBE_KEYS.agent })));
    await run('blackboxTasks.openTask', { taskId: echoing }).catch(() => undefined);

    for (const text of said)
      assert.deepEqual(leaks(text), [], `a message or view shows the key: ${text.slice(0, 300)}`);
    assert.ok(emulator.requests.length > 5);
    for (const request of emulator.requests) {
      const visible = `${request.method} ${request.path} ${JSON.stringify(request.query)} ${JSON.stringify(request.body ?? null)}`;
      assert.deepEqual(leaks(visible), [], `a request carries the key outside its header: ${visible}`);
    }

    // The log files: give the output service a moment to write what was appended.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const files = filesUnder(join(userDataDir, 'logs'));
    const ours = files.filter(
      (file) => file.includes(`${sep}${EXTENSION_ID}${sep}`) || file.includes('output_logging_'),
    );
    const contents = new Map(files.map((file) => [file, readFileSync(file, 'utf8')]));
    assert.ok(
      ours.some((file) => /Activated in/.test(contents.get(file) ?? '')),
      `the extension's own log file was not found among ${files.length} files, so the scan would prove nothing`,
    );
    assert.ok(
      ours.some((file) => /The token in use is/.test(contents.get(file) ?? '')),
      'the task log channel’s file was not found',
    );
    const leaking = [...contents].filter(([, text]) => leaks(text).length > 0).map(([file]) => file);
    assert.deepEqual(leaking, [], 'log files containing the key');
  });

  it('a workspace cannot point the API URLs elsewhere: its settings are ignored and nothing is sent there', async function () {
    const { emulator, api } = suite;
    const workspace = process.env.BLACKBOX_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (!workspace) this.skip();
    // A decoy that would accept the key: had the extension used the workspace's URL, its log would show it.
    const decoy = await startEmulator({ keys: PROBE_KEYS, keepAliveMs: 0 });
    const settingsDir = join(workspace, '.vscode');
    const settingsFile = join(settingsDir, 'settings.json');
    const previous = existsSync(settingsFile) ? readFileSync(settingsFile, 'utf8') : undefined;
    try {
      // What a hostile repository would ship in .vscode/settings.json.
      mkdirSync(settingsDir, { recursive: true });
      writeFileSync(
        settingsFile,
        JSON.stringify(
          {
            'blackboxTasks.agentApiUrl': decoy.url,
            'blackboxTasks.cloudApiUrl': decoy.url,
            'blackboxTasks.api': 'cloud',
          },
          null,
          2,
        ),
      );
      // And what an extension or a script could try through the API.
      for (const target of [vscode.ConfigurationTarget.Workspace, vscode.ConfigurationTarget.WorkspaceFolder]) {
        await vscode.workspace
          .getConfiguration('blackboxTasks', vscode.workspace.workspaceFolders?.[0]?.uri)
          .update('agentApiUrl', decoy.url, target)
          .then(
            () => undefined,
            () => undefined,
          );
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await setKey(PROBE_KEYS.agent);
      await run('blackboxTasks.refresh');
      await waitUntil(() => emulator.requests.some((request) => request.path === '/api/v1/tasks'), {
        what: 'a list call to the user-configured emulator',
      });
      assert.equal(api.session.current()?.kind, 'agent', 'the workspace cannot switch the API either');
      assert.equal(api.session.current()?.api.baseUrl, emulator.url);
      assert.deepEqual(
        decoy.requests.map((request) => request.path),
        [],
        'the decoy received nothing',
      );
    } finally {
      if (previous === undefined) rmSync(settingsFile, { force: true });
      else writeFileSync(settingsFile, previous);
      for (const target of [vscode.ConfigurationTarget.Workspace, vscode.ConfigurationTarget.WorkspaceFolder]) {
        await vscode.workspace
          .getConfiguration('blackboxTasks', vscode.workspace.workspaceFolders?.[0]?.uri)
          .update('agentApiUrl', undefined, target)
          .then(
            () => undefined,
            () => undefined,
          );
      }
      await decoy.close();
    }
  });

  it('in an untrusted workspace Check Out and Review refuse before git is touched', async function () {
    const { emulator, api } = suite;
    await setKey(PROBE_KEYS.agent);
    const id = await seed(api, emulator, {
      api: 'agent',
      prompt: 'Branch me',
      status: 'completed',
      repoUrl: REPO,
      createdBranch: 'blackbox/branch-me',
    });
    // This runtime disables workspace trust (code-server --disable-workspace-trust), so the
    // extension's view of trust is switched for this test only.
    const workspaceApi = vscode.workspace as { isTrusted: boolean };
    const original = Object.getOwnPropertyDescriptor(workspaceApi, 'isTrusted');
    try {
      Object.defineProperty(workspaceApi, 'isTrusted', { configurable: true, get: () => false });
    } catch {
      this.skip();
    }
    try {
      if (vscode.workspace.isTrusted) this.skip();
      const checkout = await run<CheckoutBranchResult>('blackboxTasks.checkoutBranch', { taskId: id });
      assert.equal(checkout.outcome, 'untrusted', JSON.stringify(checkout));
      const review = await run<ReviewChangesResult>('blackboxTasks.reviewChanges', { taskId: id });
      assert.equal(review.outcome, 'untrusted', JSON.stringify(review));
      const loaded = await api.git.load();
      assert.equal(loaded.ok, false);
      assert.equal(loaded.ok ? undefined : loaded.reason, 'untrusted');
    } finally {
      if (original) Object.defineProperty(workspaceApi, 'isTrusted', original);
      else delete (workspaceApi as { isTrusted?: boolean }).isTrusted;
    }
    assert.equal(vscode.workspace.isTrusted, true, 'trust restored');
  });
});

/** Server or agent text written to become a live command link wherever VS Code renders links. */
const HOSTILE_LINKS =
  'Tests failed. [Open the fix](command:workbench.action.openSettings?%5B%22blackbox%22%5D) to continue, see https://evil.example/x or command:workbench.action.terminal.new';

/** What would still read as a link on a VS Code surface: `](`, or a scheme an autolinker takes. */
function assertNoLinks(text: string | undefined, where: string): void {
  assert.ok(text !== undefined, `${where}: nothing was shown`);
  assert.doesNotMatch(text, /\]\(/, `${where} has a markdown link: ${text}`);
  assert.doesNotMatch(text, /\b(?:https?|command|file):(?=\S)/i, `${where} has a link target: ${text}`);
}

interface SurfaceCall {
  readonly surface: 'error' | 'warning' | 'information' | 'quickPick';
  /** The message, the modal's detail, and every quick pick item's label, description and detail. */
  readonly texts: readonly string[];
}

/**
 * Records what the extension hands to notifications, modal messages and quick picks, and
 * answers as a user who dismisses them. Test files receive the extension's own `vscode`
 * object, so these replacements are what the extension calls.
 */
function captureSurfaces(): { readonly calls: SurfaceCall[]; restore(): void } {
  const calls: SurfaceCall[] = [];
  const window = vscode.window as unknown as Record<string, unknown>;
  const names = {
    showErrorMessage: 'error',
    showWarningMessage: 'warning',
    showInformationMessage: 'information',
    showQuickPick: 'quickPick',
  } as const;
  const originals = new Map<string, PropertyDescriptor | undefined>();
  for (const [name, surface] of Object.entries(names)) {
    originals.set(name, Object.getOwnPropertyDescriptor(window, name));
    const replacement = async (first: unknown, ...rest: unknown[]): Promise<undefined> => {
      const texts: string[] = [];
      if (surface === 'quickPick') {
        const items = (await Promise.resolve(first)) as readonly vscode.QuickPickItem[];
        for (const item of items) texts.push(item.label, item.description ?? '', item.detail ?? '');
      } else {
        texts.push(String(first));
        const options = rest[0];
        if (options && typeof options === 'object' && 'detail' in options) texts.push(String(options.detail));
      }
      calls.push({ surface, texts });
      return undefined;
    };
    Object.defineProperty(window, name, { value: replacement, configurable: true, writable: true });
  }
  return {
    calls,
    restore: () => {
      for (const [name, descriptor] of originals) {
        if (descriptor) Object.defineProperty(window, name, descriptor);
        else delete window[name];
      }
    },
  };
}

describe('security (extension host): server text becomes no link on any surface', function () {
  this.timeout(90_000);
  const suite = useEmulator({ keepAliveMs: 0 });
  let capture: ReturnType<typeof captureSurfaces> | undefined;
  beforeEach(() => {
    capture = captureSurfaces();
  });
  afterEach(() => {
    capture?.restore();
    capture = undefined;
    suite.emulator.clearFaults();
  });
  const shown = (surface: SurfaceCall['surface'], containing: string): SurfaceCall | undefined =>
    capture?.calls.find((call) => call.surface === surface && call.texts.some((text) => text.includes(containing)));

  it('a failed task’s hostile error reaches the "task failed" notification without a link', async () => {
    const { emulator } = suite;
    emulator.addTask({
      api: 'agent',
      prompt: 'Fix the tests',
      status: 'running',
      lifecycle: [{ afterMs: 6_000, status: 'failed', error: HOSTILE_LINKS }],
    });
    await setKey(emulator.keys.agent);
    setActivityOverride({ visible: true, focused: true });
    try {
      const call = await waitUntil(() => shown('error', 'Open the fix'), {
        timeoutMs: 30_000,
        what: 'the "task failed" notification',
      });
      for (const text of call.texts) assertNoLinks(text, 'the "task failed" notification');
      assert.match(call.texts[0] ?? '', /failed: Tests failed\. \[Open the fix\] \(command\[:\]workbench/);
    } finally {
      setActivityOverride(undefined);
    }
  });

  it('hostile prompts and server refusals reach quick picks, modals, messages, the status bar and the tree without a link', async () => {
    const { emulator, api } = suite;
    await setKey(emulator.keys.agent);
    const id = await seed(api, emulator, { api: 'agent', prompt: HOSTILE_LINKS, status: 'running', repoUrl: REPO });

    // Quick pick: the palette's task pick lists the prompt.
    await run('blackboxTasks.cancelTask');
    const pick = shown('quickPick', 'Open the fix');
    assert.ok(pick, JSON.stringify(capture?.calls));
    for (const text of pick.texts) assertNoLinks(text, 'the task quick pick');

    // Modal: the confirmation names the task by its prompt.
    const declined = await run<CancelTaskResult>('blackboxTasks.cancelTask', { taskId: id });
    assert.equal(declined.outcome, 'declined');
    const modal = shown('warning', 'Open the fix');
    assert.ok(modal, JSON.stringify(capture?.calls));
    for (const text of modal.texts) assertNoLinks(text, 'the cancel confirmation');

    // A refusal quoting the server ("The server said: …"), and a server error through the error presenter.
    const patch = { api: 'agent', method: 'PATCH', path: `/api/v1/tasks/${id}` } as const;
    emulator.fault({ ...patch, kind: 'status', status: 400, message: HOSTILE_LINKS, times: 1 });
    const refused = await run<CancelTaskResult>('blackboxTasks.cancelTask', { taskId: id, confirm: true });
    assert.equal(refused.outcome, 'refused', refused.message);
    const refusal = shown('warning', 'The server said');
    assert.ok(refusal, JSON.stringify(capture?.calls));
    for (const text of refusal.texts) assertNoLinks(text, 'the refusal message');
    emulator.fault({ ...patch, kind: 'status', status: 500, message: HOSTILE_LINKS, times: 1 });
    const failed = await run<CancelTaskResult>('blackboxTasks.cancelTask', { taskId: id, confirm: true });
    assert.equal(failed.outcome, 'failed');
    const error = await waitUntil(() => shown('error', 'Open the fix'), { what: 'the error message' });
    for (const text of error.texts) assertNoLinks(text, 'the error message');

    // Status bar: counts only, whatever the tasks say.
    await waitUntil(() => readTasksView(api).statusBar, { what: 'the status bar item' });
    assertNoLinks(readTasksView(api).statusBar, 'the status bar');

    // The view's message, when the server refuses the list with hostile text.
    emulator.fault({
      api: 'agent',
      method: 'GET',
      path: '/api/v1/tasks',
      kind: 'status',
      status: 403,
      message: HOSTILE_LINKS,
    });
    await api.view.refresh();
    const message = await waitUntil(
      () => {
        const current = readTasksView(api).message;
        return typeof current === 'string' && current.includes('Open the fix') ? current : undefined;
      },
      { what: 'the view message' },
    );
    assertNoLinks(message, 'the tree view message');
  });

  it('a task tooltip is built escaped, untrusted and without HTML or theme icons', async () => {
    const { emulator, api } = suite;
    await setKey(emulator.keys.cloud);
    const hostile = `${HOSTILE_LINKS}\n<img src=x onerror=alert(1)> ![pixel](https://evil.example/p.png) $(alert)`;
    const id = await seed(api, emulator, { api: 'cloud', prompt: hostile, status: 'failed', error: hostile });
    const row = await waitUntil(
      () =>
        readTasksView(api)
          .groups.flatMap((group) => group.rows)
          .find((candidate) => candidate.taskId === id),
      { what: 'the hostile row' },
    );
    const tooltip = row.tooltip;
    assert.ok(tooltip, 'the row has a hover');
    assert.equal(tooltip.trusted, false, 'command links never run from it');
    assert.equal(tooltip.supportHtml, false);
    assert.equal(tooltip.supportThemeIcons, false);
    const markdown = tooltip.markdown.replace(/(?<!\\)`[^`\n]*`/g, '``');
    assert.doesNotMatch(markdown, /(^|[^\\])\[[^\]]*(?<!\\)\]\(/m, `a live link: ${markdown}`);
    assert.doesNotMatch(markdown, /(^|[^\\])</m, `live HTML: ${markdown}`);
    assert.doesNotMatch(markdown, /(^|[^\\])!\[/m, `a live image: ${markdown}`);
    assert.ok(tooltip.markdown.includes('Open the fix'), 'the text is still there to read');
  });
});
