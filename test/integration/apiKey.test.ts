import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ClearApiKeyResult } from '../../src/commands/clearApiKey';
import type { SetApiKeyResult } from '../../src/commands/setApiKey';
import { faults } from '../emulator/faults';
import { scriptedRunLog } from '../emulator/scenarios';
import { logText, setKey, setSetting, useEmulator, waitForContextKey, waitUntil } from './harness';
import { whenLogEnds } from './logEndings';
import { readTasksView } from './tasksViewSpy';

/** The SecretStorage entry the session keeps the key under. */
const SECRET_NAME = 'blackboxTasks.apiKey';
const ENV_KEY = 'BLACKBOX_API_KEY';

async function setApiKey(argument: Record<string, unknown>): Promise<SetApiKeyResult> {
  return await vscode.commands.executeCommand<SetApiKeyResult>('blackboxTasks.setApiKey', argument);
}

async function clearApiKey(): Promise<ClearApiKeyResult> {
  return await vscode.commands.executeCommand<ClearApiKeyResult>('blackboxTasks.clearApiKey', {
    confirm: true,
  });
}

/**
 * The extension's own SecretStorage, reached through the session, so a test can change the
 * stored key the way another window would: behind the session's back.
 */
function extensionSecrets(session: object): vscode.SecretStorage {
  const context = (session as { readonly context?: { readonly secrets?: vscode.SecretStorage } }).context;
  assert.ok(context?.secrets, 'ApiSession no longer keeps its ExtensionContext as `context`: update this test');
  return context.secrets;
}

describe('API key: Set API Key…, Clear API Key, environment fallback', () => {
  // Before the harness's own reset (hooks run in the order they are declared), so no
  // environment key outlives its test.
  afterEach(() => {
    delete process.env[ENV_KEY];
  });
  const suite = useEmulator();

  it('verifies an Agent key with one cheap request before storing it, and says which API it connected to', async () => {
    const { emulator, api } = suite;
    const result = await setApiKey({ key: emulator.keys.agent });
    assert.equal(result.outcome, 'verified');
    assert.equal(result.stored, true);
    assert.equal(result.kind, 'agent');
    assert.match(result.message ?? '', /Connected to the Agent API v1 at 127\.0\.0\.1:\d+\./);
    assert.doesNotMatch(result.message ?? '', /\[:\]/, 'our own address is not shown as neutralised link syntax');
    assert.ok(!(result.message ?? '').includes(emulator.keys.agent), 'the message must not echo the key');

    const checks = emulator.requests.filter((r) => r.method === 'GET' && r.path === '/api/v1/tasks');
    assert.equal(checks.length >= 1, true, 'the key was checked against the Agent API');
    assert.equal(checks[0]?.query.limit, '1');
    assert.equal(checks[0]?.authorized, true);

    assert.equal(api.session.keySource, 'secret');
    assert.equal(api.session.current()?.kind, 'agent');
    await waitForContextKey('blackboxTasks.keySource', 'secret');
    await waitForContextKey('blackboxTasks.hasKey', true);
  });

  it('sends a bb_ key to the Cloud API', async () => {
    const { emulator, api } = suite;
    const result = await setApiKey({ key: emulator.keys.cloud });
    assert.equal(result.outcome, 'verified');
    assert.equal(result.kind, 'cloud');
    assert.match(result.message ?? '', /Cloud API/);
    assert.ok(
      emulator.requests.some(
        (r) => r.method === 'GET' && r.path === '/api/tasks' && r.query.limit === '1' && r.authorized,
      ),
    );
    assert.equal(api.session.current()?.kind, 'cloud');
  });

  it('does not store a key the API rejects (401), says why, and never echoes it', async () => {
    const { emulator, api } = suite;
    const wrong = 'sk-this-key-is-not-valid-0000000000';
    const result = await setApiKey({ key: wrong });
    assert.equal(result.outcome, 'rejected');
    assert.equal(result.stored, false);
    assert.match(result.message ?? '', /did not accept this key \(HTTP 401\), so it was not stored/);
    assert.ok(!JSON.stringify(result).includes(wrong), 'the result must not contain the key');
    assert.ok(emulator.requests.some((r) => r.path === '/api/v1/tasks' && !r.authorized && r.status === 401));
    assert.equal(api.session.keySource, 'none');
    assert.equal(await extensionSecrets(api.session).get(SECRET_NAME), undefined);
  });

  it('keeps the key already stored when a new one is rejected', async () => {
    const { emulator, api } = suite;
    await setKey(emulator.keys.cloud);
    const result = await setApiKey({ key: 'bb_wrong_0000000000000000' });
    assert.equal(result.outcome, 'rejected');
    assert.equal(await extensionSecrets(api.session).get(SECRET_NAME), emulator.keys.cloud);
    assert.equal(api.session.current()?.kind, 'cloud');
  });

  it('lets the user choose the API for a key whose prefix says nothing, and keeps that choice', async () => {
    const { emulator, api } = suite;
    // The emulator accepts only its own keys; an unknown prefix is checked against the API chosen.
    const result = await setApiKey({ key: 'zz-unknown-prefix-key-0000000', kind: 'cloud' });
    assert.equal(result.outcome, 'rejected');
    assert.ok(
      emulator.requests.some((r) => r.api === 'cloud' && r.path === '/api/tasks'),
      'checked against the chosen Cloud API',
    );
    assert.equal(api.session.keySource, 'none');
  });

  it('offers to store a key it could not check (server unreachable) and stores it only when told to', async () => {
    const { emulator, api } = suite;
    // Retry-After 0 lets the client's own retries of the read run out at once.
    const fault = emulator.fault({
      api: 'agent',
      method: 'GET',
      path: '/api/v1/tasks',
      kind: 'status',
      status: 503,
      retryAfter: 0,
    });
    try {
      const declined = await setApiKey({ key: emulator.keys.agent, storeUnverified: false });
      assert.equal(declined.outcome, 'notStored');
      assert.match(declined.message ?? '', /could not be checked/);
      assert.equal(api.session.keySource, 'none');

      const accepted = await setApiKey({ key: emulator.keys.agent, storeUnverified: true });
      assert.equal(accepted.outcome, 'storedUnverified');
      assert.match(accepted.message ?? '', /without checking it/);
      assert.equal(api.session.keySource, 'secret');
    } finally {
      fault.clear();
    }
  });

  it('refuses text that cannot be a key without sending it anywhere', async () => {
    const { emulator } = suite;
    const result = await setApiKey({ key: 'sk-has a space-0000000' });
    assert.equal(result.outcome, 'invalid');
    assert.equal(emulator.requests.length, 0);
  });

  it('clears the stored key', async () => {
    const { emulator, api } = suite;
    await setKey(emulator.keys.agent);
    const result = await clearApiKey();
    assert.equal(result.cleared, true);
    assert.equal(result.keySource, 'none');
    assert.match(result.message ?? '', /Set a key/);
    assert.equal(api.session.current(), undefined);
    await waitForContextKey('blackboxTasks.keySource', 'none');
    assert.equal(await extensionSecrets(api.session).get(SECRET_NAME), undefined);
  });

  it('falls back to BLACKBOX_API_KEY from the environment and says so', async () => {
    const { emulator, api } = suite;
    process.env[ENV_KEY] = emulator.keys.cloud;
    await setKey(emulator.keys.agent);
    assert.equal(api.session.current()?.kind, 'agent', 'a stored key wins over the environment');

    const cleared = await clearApiKey();
    assert.equal(cleared.keySource, 'env');
    assert.match(cleared.message ?? '', /BLACKBOX_API_KEY from the environment is still used/);
    assert.equal(api.session.current()?.kind, 'cloud');
    assert.equal(api.session.current()?.keySource, 'env');
    await waitForContextKey('blackboxTasks.keySource', 'env');

    const nothingToClear = await clearApiKey();
    assert.equal(nothingToClear.cleared, false);
    assert.match(nothingToClear.message ?? '', /comes from the BLACKBOX_API_KEY environment variable/);

    const stored = await setApiKey({ key: emulator.keys.agent });
    assert.match(stored.message ?? '', /takes precedence over BLACKBOX_API_KEY/);
  });

  it('follows a key stored or removed outside this session, as another window would', async () => {
    const { emulator, api } = suite;
    const secrets = extensionSecrets(api.session);
    await secrets.store(SECRET_NAME, emulator.keys.cloud);
    await waitUntil(() => api.session.keySource === 'secret' && api.session.current()?.kind === 'cloud', {
      what: 'the session to pick up the new key',
    });
    await waitForContextKey('blackboxTasks.keySource', 'secret');

    await secrets.delete(SECRET_NAME);
    await waitUntil(() => api.session.keySource === 'none', { what: 'the session to drop the removed key' });
    await waitForContextKey('blackboxTasks.hasKey', false);
  });

  it('treats the same account as the same: storing its key again (here or in another window) or an equivalent settings change resets nothing', async () => {
    const { emulator, api } = suite;
    const id = emulator.addTask({ api: 'agent', prompt: 'Keep my place', status: 'running', createdAgoMs: 5_000 }).id;
    const doneTask = emulator.addTask({
      api: 'agent',
      prompt: 'Already done',
      status: 'completed',
      createdAgoMs: 60_000,
      log: scriptedRunLog({ steps: [{ text: 'All done.' }] }),
    });
    const done = doneTask.id;
    assert.equal((await setApiKey({ key: emulator.keys.agent })).outcome, 'verified');
    await api.store.refresh();
    await waitUntil(() => api.store.get(id), { what: 'the tasks to load' });
    await api.logs.show(done, { preserveFocus: true });
    await whenLogEnds(doneTask);
    const transcript = logText(doneTask);
    assert.match(transcript ?? '', /All done\./);
    api.store.setPendingCancel(id, true);
    const client = api.session.current()?.api;
    const streams = () => emulator.requests.filter((r) => r.path.endsWith('/logs/stream')).length;
    const streamsBefore = streams();
    let sessionEvents = 0;
    let resets = 0;
    const subscriptions = [
      api.session.onDidChange(() => sessionEvents++),
      api.store.onDidChange((change) => {
        if ('all' in change) resets++;
      }),
    ];
    try {
      // The command (which also fires SecretStorage's change event), another window storing
      // the same key, and a settings event that changes nothing that decides where the key goes.
      assert.equal((await setApiKey({ key: emulator.keys.agent })).outcome, 'verified');
      await extensionSecrets(api.session).store(SECRET_NAME, emulator.keys.agent);
      await setSetting('agentApiUrl', `${emulator.url}/`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      assert.equal(sessionEvents, 0, 'no connection change was announced');
      assert.equal(resets, 0, 'the tree was not reset');
      assert.equal(api.session.current()?.api, client, 'the same client goes on');
      assert.equal(api.store.isPendingCancel(id), true, 'the pending cancel is kept');
      assert.ok(api.store.get(id), 'the tasks are kept');
      assert.equal(streams(), streamsBefore, 'the open log was not replayed');
      assert.equal(logText(doneTask), transcript, 'the open log was not cleared');
    } finally {
      for (const subscription of subscriptions) subscription.dispose();
      api.store.setPendingCancel(id, false);
      api.logs.close(done);
    }
  });
});

describe('API key: the same key stored again after it was refused', () => {
  const suite = useEmulator();

  it('tries the refresh again without resetting anything', async () => {
    const { emulator, api } = suite;
    emulator.addTask({ api: 'agent', prompt: 'Still here', status: 'completed', createdAgoMs: 5_000 });
    assert.equal((await setApiKey({ key: emulator.keys.agent })).outcome, 'verified');
    await api.store.refresh();
    const shown = api.store.tasks().length;
    assert.ok(shown > 0);
    emulator.fault(faults.status(401, { path: '/api/v1/tasks', times: 1 }));
    await api.store.refresh();
    assert.match(readTasksView(api).message ?? '', /did not accept the API key/);
    assert.equal((await setApiKey({ key: emulator.keys.agent })).outcome, 'verified');
    await waitUntil(() => readTasksView(api).message === undefined, { what: 'the refused-key message to go' });
    assert.equal(api.store.tasks().length, shown, 'the tasks were kept throughout');
  });
});

describe('API key: a key whose prefix names no API', () => {
  const customKey = 'team-token-0123456789abcdef';
  const suite = useEmulator({ keys: { cloud: customKey } });

  it('is checked against the API the user chose, and that choice is kept with the key', async () => {
    const { emulator, api } = suite;
    const result = await setApiKey({ key: customKey, kind: 'cloud' });
    assert.equal(result.outcome, 'verified');
    assert.equal(result.kind, 'cloud');
    assert.ok(emulator.requests.some((r) => r.api === 'cloud' && r.path === '/api/tasks' && r.authorized));
    assert.equal(api.session.current()?.kind, 'cloud');
    // Read again as at the next start: the choice survives, the prefix alone could not tell.
    await api.session.initialize();
    assert.equal(api.session.current()?.kind, 'cloud');
  });
});
