#!/usr/bin/env node
// Stands in for the VS Code executable: accepts VS Code's extension-test CLI
// (--extensionDevelopmentPath=… --extensionTestsPath=… --user-data-dir=… --extensions-dir=… [folder])
// and runs the tests in code-server's real extension host, driven by headless Chromium through
// the smoke-test driver. `@vscode/test-electron`'s runTests({ vscodeExecutablePath }) spawns this
// unchanged. Exits with the extension-test run's exit code.
//
// Environment: BLACKBOX_TEST_TIMEOUT_MS (overall limit, default 10 min),
// BLACKBOX_TEST_ARTIFACTS (folder for the workbench logs when a run fails).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { format } from 'node:util';
import { launchChromium, remoteAuthorityOf, startCodeServer, writeUserSettings } from './codeServer.mjs';

const startedAt = Date.now();
const timeoutMs = Number(process.env.BLACKBOX_TEST_TIMEOUT_MS) || 10 * 60_000;

function parseCli(argv) {
  /** @type {Record<string, string>} */
  const options = {};
  const positional = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    if (equals > 0) options[arg.slice(2, equals)] = arg.slice(equals + 1);
    else options[arg.slice(2)] = 'true';
  }
  return { options, positional };
}

function say(message) {
  process.stdout.write(`[code-shim +${((Date.now() - startedAt) / 1000).toFixed(1)}s] ${message}\n`);
}

/** Turns the payload's local paths into URIs the remote extension host resolves on this machine. */
function remoteUri(remoteAuthority, path) {
  return `vscode-remote://${remoteAuthority}${encodeURI(resolve(path))}`;
}

/** The line the integration entry prints first: from then on the log is the tests' own output. */
const TESTS_STARTED = /^Running integration tests in /;

/** Workbench chatter seen on every run here (offline gallery, no GitHub auth) that says nothing about the tests. */
function isNoise(line) {
  return /^\[driver\]|open-vsx\.org|ENOTFOUND|authentication provider 'github'|\[AccountPolicyGate\]|\[AgentHost|connection token|Creating a socket|\[reconnection-grace-time\]|builtin extensions cache|additional builtin extensions from gallery|\[Service Worker\]/.test(
    line,
  );
}

/** Console output arrives as the array of console arguments: print it as console.log would. */
function consoleText(message) {
  if (Array.isArray(message)) return format(...message);
  return typeof message === 'string' ? message : JSON.stringify(message);
}

async function main() {
  const { options, positional } = parseCli(process.argv.slice(2));
  const developmentPath = options.extensionDevelopmentPath;
  const testsPath = options.extensionTestsPath;
  if (!developmentPath || !testsPath) {
    console.error(
      'usage: codeShim --extensionDevelopmentPath=DIR --extensionTestsPath=FILE [--user-data-dir=DIR] [--extensions-dir=DIR] [folder]',
    );
    return 2;
  }
  const scratch = mkdtempSync(join(tmpdir(), 'blackbox-shim-'));
  const userDataDir = options['user-data-dir'] ?? join(scratch, 'user-data');
  const extensionsDir = options['extensions-dir'] ?? join(scratch, 'extensions');
  const folder = positional[0] ? resolve(positional[0]) : undefined;
  writeUserSettings(userDataDir, {});
  mkdirSync(extensionsDir, { recursive: true });

  /** @type {Awaited<ReturnType<typeof startCodeServer>> | undefined} */
  let server;
  /** @type {import('playwright-core').Browser | undefined} */
  let browser;
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    await browser?.close().catch(() => {});
    await server?.stop();
    rmSync(scratch, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      say(`${signal}: stopping`);
      cleanup().finally(() => process.exit(130));
    });
  }

  /** @type {(code: number) => void} */
  let resolveFinished = () => {};
  const finished = new Promise((resolveExit) => (resolveFinished = resolveExit));
  let done = false;
  const finish = (code) => {
    done = true;
    resolveFinished(code);
  };
  /** Lines before the tests start are only shown when the run fails before them. */
  const startupLines = [];
  let testsStarted = false;
  const fail = (message) => {
    if (done) return;
    if (!testsStarted && startupLines.length > 0)
      console.error(`[code-shim] workbench log so far:\n${startupLines.join('\n')}`);
    console.error(`[code-shim] ${message}`);
    finish(1);
  };
  const timer = setTimeout(() => fail(`timed out after ${timeoutMs} ms`), timeoutMs);

  // Everything up to the page load; the timeout, a crash or an exit code can end the run at any point of it.
  const launch = async () => {
    server = await startCodeServer({
      userDataDir,
      extensionsDir,
      folder,
      smokeTestDriver: true,
      // No extension gallery is reachable here: an empty one keeps code-server from querying it.
      env: { ...process.env, EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: '' }) },
      onOutput: (line) => {
        if (/\berror\b/i.test(line) && !isNoise(line)) process.stderr.write(`[code-server] ${line}\n`);
      },
    });
    say(`code-server listening on ${server.url}`);
    if (done) return;
    server.exited.then(({ code, signal }) => fail(`code-server exited during the run (${code ?? signal})`));

    const remoteAuthority = await remoteAuthorityOf(server.url);
    const payload = [
      ['extensionDevelopmentPath', remoteUri(remoteAuthority, developmentPath)],
      ['extensionTestsPath', remoteUri(remoteAuthority, testsPath)],
    ];
    const query = new URLSearchParams({ payload: JSON.stringify(payload) });
    if (folder) query.set('folder', folder);

    if (done) return;
    browser = await launchChromium();
    if (done) return;
    browser.on('disconnected', () => fail('Chromium disconnected'));
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('crash', () => fail('the workbench page crashed'));
    page.on('pageerror', (error) => process.stderr.write(`[page error] ${error.message}\n`));
    await page.exposeFunction('codeAutomationLog', (level, message) => {
      const text = consoleText(message);
      if (!testsStarted && TESTS_STARTED.test(text)) testsStarted = true;
      if (!testsStarted) {
        startupLines.push(`[${level}] ${text}`);
        if (startupLines.length > 200) startupLines.shift();
        return;
      }
      if (isNoise(text)) return;
      const stream = level === 'error' ? process.stderr : process.stdout;
      stream.write(`${text}\n`);
    });
    await page.exposeFunction('codeAutomationExit', (code, logs) => {
      const exitCode = typeof code === 'number' ? code : 1;
      if (exitCode !== 0) saveWorkbenchLogs(logs);
      finish(exitCode);
    });
    const response = await page.goto(`${server.url}?${query}`, { waitUntil: 'domcontentloaded', timeout: 30_000 });
    if (!response?.ok()) fail(`workbench page answered HTTP ${response?.status() ?? 'nothing'}`);
    else if (!done) say('workbench loaded; the extension tests start in the extension host');
  };

  try {
    launch().catch((error) => fail(error instanceof Error ? error.message : String(error)));
    const code = await finished;
    say(`extension tests exited with ${code}`);
    return code;
  } catch (error) {
    console.error(`[code-shim] ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    clearTimeout(timer);
    await cleanup();
  }
}

function saveWorkbenchLogs(logs) {
  const target = process.env.BLACKBOX_TEST_ARTIFACTS;
  if (!target || !Array.isArray(logs)) return;
  for (const entry of logs) {
    if (typeof entry?.relativePath !== 'string' || typeof entry?.contents !== 'string') continue;
    const file = join(target, entry.relativePath.replace(/\.\.+/g, '_'));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, entry.contents);
  }
  console.error(`[code-shim] workbench logs saved under ${target}`);
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
