// Starts and stops code-server (a real VS Code 1.139 on Node 24) and headless Debian Chromium.
// Shared by the extension-test shim, the UI tests and the demo. Everything binds 127.0.0.1 only.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { chromiumBinary, codeServerEntry, node24Binary, runtimeEnv } from './provision.mjs';

/** Settings that give a clean, quiet workbench (no walkthroughs, chat, telemetry or update checks). */
export const quietSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.enableExperiments': false,
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'git.openRepositoryInParentFolders': 'never',
  // Set explicitly, so the workbench does not ask whether to fetch periodically.
  'git.autofetch': false,
  'security.workspace.trust.enabled': false,
};

/** Picks a free loopback port (other engineers' runs may be using the usual ones). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Merges `settings` into `<userDataDir>/User/settings.json`. */
export function writeUserSettings(userDataDir, settings) {
  const dir = join(userDataDir, 'User');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'settings.json');
  let current = {};
  if (existsSync(file)) {
    try {
      current = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      current = {};
    }
  }
  writeFileSync(file, JSON.stringify({ ...quietSettings, ...current, ...settings }, null, 2));
}

/** Installs a packaged extension the way a user does (`--install-extension`). */
export function installExtension({ vsix, userDataDir, extensionsDir }) {
  const result = spawnSync(
    node24Binary,
    [
      codeServerEntry,
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extensionsDir,
      '--install-extension',
      vsix,
      '--force',
    ],
    { encoding: 'utf8', env: runtimeEnv(), timeout: 60_000 },
  );
  if (result.status !== 0) {
    throw new Error(
      `code-server --install-extension ${vsix} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout}`,
    );
  }
  return result.stdout.trim();
}

/**
 * Starts code-server in its own process group and resolves once it listens.
 * @param {{ userDataDir: string, extensionsDir: string, folder?: string, smokeTestDriver?: boolean,
 *   env?: NodeJS.ProcessEnv, onOutput?: (line: string) => void, startTimeoutMs?: number, port?: number }} options
 */
export async function startCodeServer(options) {
  const {
    userDataDir,
    extensionsDir,
    folder,
    smokeTestDriver = false,
    env = process.env,
    onOutput = () => {},
  } = options;
  const port = options.port || (await freePort());
  const args = [
    codeServerEntry,
    '--config',
    '/dev/null',
    '--bind-addr',
    `127.0.0.1:${port}`,
    // --auth none is only acceptable because the server listens on loopback.
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
  ];
  if (smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver', '--reconnection-grace-time', '5');
  if (folder) args.push(folder);

  const child = spawn(node24Binary, args, { env: runtimeEnv(env), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const killGroup = () => killProcessGroup(child.pid, 'SIGKILL');
  process.on('exit', killGroup);

  let exited = false;
  /** @type {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} */
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
  });
  const recent = [];
  const listening = new Promise((resolve, reject) => {
    const onLine = (line) => {
      recent.push(line);
      if (recent.length > 40) recent.shift();
      onOutput(line);
      if (/HTTP server listening on/.test(line)) resolve(undefined);
    };
    forwardLines(child.stdout, onLine);
    forwardLines(child.stderr, onLine);
    child.on('error', reject);
    exitPromise.then(({ code, signal }) =>
      reject(new Error(`code-server exited before listening (${code ?? signal}):\n${recent.join('\n')}`)),
    );
  });
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  let timer;
  try {
    await Promise.race([
      listening,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`code-server did not listen within ${timeoutMs} ms:\n${recent.join('\n')}`)),
          timeoutMs,
        );
      }),
    ]);
  } catch (error) {
    killGroup();
    process.off('exit', killGroup);
    throw error;
  } finally {
    clearTimeout(timer);
  }

  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    pid: child.pid,
    /** Resolves when code-server exits for any reason (crash included). */
    exited: exitPromise,
    get running() {
      return !exited;
    },
    /** Stops code-server and its children (file watchers, extension hosts): TERM, then KILL. */
    async stop() {
      process.off('exit', killGroup);
      if (!exited) {
        killProcessGroup(child.pid, 'SIGTERM');
        const stopped = await Promise.race([exitPromise.then(() => true), delay(3_000).then(() => false)]);
        if (!stopped) killProcessGroup(child.pid, 'SIGKILL');
      }
      // The group can outlive its leader (watchers); make sure nothing of it is left.
      killProcessGroup(child.pid, 'SIGKILL');
    },
  };
}

/** Reads the remote authority the workbench uses for `vscode-remote://` URIs from the served page. */
export async function remoteAuthorityOf(serverUrl) {
  const response = await fetch(serverUrl);
  const html = await response.text();
  const match = /id="vscode-workbench-web-configuration"\s+data-settings="([^"]*)"/.exec(html);
  if (!match) throw new Error(`no workbench configuration in ${serverUrl} (HTTP ${response.status})`);
  const decoded = match[1]
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  const configuration = JSON.parse(decoded);
  if (typeof configuration.remoteAuthority !== 'string')
    throw new Error('workbench configuration has no remoteAuthority');
  return configuration.remoteAuthority;
}

/**
 * Launches headless Debian Chromium through playwright-core (no browser download needed).
 * @param {{ headless?: boolean }} [options]
 */
export async function launchChromium(options = {}) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: chromiumBinary,
    headless: options.headless ?? true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

export function killProcessGroup(pid, signal) {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

export function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function forwardLines(stream, onLine) {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    buffered += chunk;
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      onLine(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
    }
  });
  stream.on('end', () => {
    if (buffered) onLine(buffered);
  });
}
