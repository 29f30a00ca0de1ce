import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import * as vscode from 'vscode';
import { extension, EXTENSION_ID, startupObservation, testApi, waitUntil } from './harness';
import { networkAttempts, networkAttemptsFrom } from './networkSpy';

/** Log files of this window's extension host (the server keeps them under the user-data-dir). */
function extensionHostLogs(): string[] {
  const userDataDir = process.env.BLACKBOX_TEST_USER_DATA_DIR;
  if (!userDataDir) return [];
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.log')) found.push(path);
    }
  };
  walk(join(userDataDir, 'logs'));
  return found;
}

describe('activation', () => {
  it('activates in the real extension host and returns the test API', async () => {
    const api = await testApi();
    assert.equal(extension().isActive, true);
    for (const part of ['session', 'store', 'view', 'logs', 'git', 'logger'] as const) {
      assert.ok(api[part], `test API lacks ${part}`);
    }
    // activate() only composes parts; anything slow (network, disk) happens after it returns.
    assert.ok(api.activationMs < 1_000, `activate took ${api.activationMs.toFixed(0)} ms`);
  });

  it('makes no network request while activating or idling without a key', async function () {
    const startup = startupObservation();
    // VS Code may (rarely) activate before the entry installs the spy; then this run cannot tell.
    if (!startup.observed) this.skip();
    assert.equal(startup.keySource, 'none', 'the run starts without a key');
    assert.deepEqual(
      startup.networkFromExtension.map((attempt) => `${attempt.via} ${attempt.target}`),
      [],
      'network attempts made by the extension',
    );
    // The spy must really see traffic and attribute it by call site, or the empty list proves nothing.
    const before = networkAttempts().length;
    await fetch('data:text/plain,probe');
    assert.equal(networkAttempts().length, before + 1, 'network spy is not recording fetch');
    const probeSite = `${sep}test${sep}integration${sep}activation.test.`;
    assert.ok(
      networkAttemptsFrom(probeSite).some((attempt) => attempt.target.startsWith('data:')),
      'network spy does not attribute a call to its call site',
    );
  });

  it('starts in the no-key state with the matching context keys', () => {
    const { contextKeys } = startupObservation();
    assert.equal(contextKeys.get('blackboxTasks.hasKey'), false);
    assert.equal(contextKeys.get('blackboxTasks.keySource'), 'none');
  });

  it('logs no error while activating', async function () {
    if (!process.env.BLACKBOX_TEST_USER_DATA_DIR) this.skip();
    const { endedAt } = startupObservation();
    const logs = await waitUntil(
      () => {
        const found = extensionHostLogs();
        return found.length > 0 ? found : undefined;
      },
      { what: 'extension host logs' },
    );
    const problems: string[] = [];
    for (const file of logs) {
      // Our own output channel: any error line. Other logs: error lines that name the extension.
      const ours = file.includes(`${sep}${EXTENSION_ID}${sep}`);
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const isError = /\[error\]|Activating extension .* failed|Activation failed/i.test(line);
        if (!isError || !(ours || line.includes(EXTENSION_ID))) continue;
        // Later suites provoke errors on purpose; only the startup period is ours to judge.
        const stamp = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3})/.exec(line);
        if (stamp && new Date(`${stamp[1]}T${stamp[2]}`).getTime() > endedAt) continue;
        problems.push(line);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('runs inside code-server (VS Code for the Web) with the git extension present', () => {
    assert.equal(vscode.env.uiKind, vscode.UIKind.Web);
    assert.ok(vscode.extensions.getExtension('vscode.git'), 'built-in git extension missing');
  });
});
