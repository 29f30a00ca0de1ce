// `npm run demo`: the whole extension working in a browser, with no account and no network.
// Builds and packages the extension, starts the API emulator with its demo scenario, and
// code-server (127.0.0.1 only) with the VSIX installed, settings pointing at the emulator, the
// demo key in BLACKBOX_API_KEY and a shop-api workspace whose GitHub origin is fetchable
// locally (so Check Out Task Branch works). Prints the URL; Ctrl-C stops everything.
//
//   npm run demo [-- --port 8080] [--cloud]      (--cloud: use the Cloud API demo key)
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { installExtension, startCodeServer, writeUserSettings } from './codeServer.mjs';
import { branchesInScenario, createShopApiWorkspace } from './demoWorkspace.mjs';
import { cacheDir, provision, repoRoot } from './provision.mjs';
import { loadEmulator } from '../ui/workbench.mjs';

const startedAt = Date.now();
const say = (message) => console.log(`[demo] ${message}`);

function argValue(name) {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function step(title, command, args) {
  const began = Date.now();
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error(`${title} failed (${command} ${args.join(' ')})`);
  say(`${title} (${((Date.now() - began) / 1000).toFixed(1)} s)`);
}

async function main() {
  const port = Number(argValue('--port') ?? process.env.BLACKBOX_DEMO_PORT ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error('--port takes a number from 0 to 65535');
  const useCloud = process.argv.includes('--cloud');

  await provision();
  step('built the emulator and tests', process.execPath, ['esbuild.mjs', '--tests']);
  step('packaged blackbox-agent-tasks.vsix', 'npm', ['run', '--silent', 'package']);

  const { startEmulator, demoScenario } = loadEmulator();
  const scenario = demoScenario();
  const emulator = await startEmulator({ scenario });
  say(`emulator (demo scenario) on ${emulator.url}`);

  const stoppers = [() => emulator.close()];
  let stopping = false;
  const stopAll = async (code) => {
    if (stopping) return;
    stopping = true;
    for (const stop of stoppers.reverse()) await Promise.resolve(stop()).catch(() => {});
    say('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => {
    console.log('');
    say('Ctrl-C: stopping code-server and the emulator…');
    void stopAll(0);
  });
  process.on('SIGTERM', () => void stopAll(0));

  try {
    // A fresh profile and workspace every run, inside the ignored cache.
    const demoDir = join(cacheDir, 'demo');
    rmSync(demoDir, { recursive: true, force: true });
    mkdirSync(demoDir, { recursive: true });
    const { workspace } = createShopApiWorkspace(demoDir, { branches: branchesInScenario(scenario) });
    const userDataDir = join(demoDir, 'user-data');
    const extensionsDir = join(demoDir, 'extensions');
    mkdirSync(extensionsDir, { recursive: true });
    writeUserSettings(userDataDir, {
      'blackboxTasks.agentApiUrl': emulator.url,
      'blackboxTasks.cloudApiUrl': emulator.url,
      'workbench.colorTheme': 'Default Dark Modern',
    });
    installExtension({ vsix: join(repoRoot, 'blackbox-agent-tasks.vsix'), userDataDir, extensionsDir });
    say('installed the VSIX into a fresh profile');

    const server = await startCodeServer({
      userDataDir,
      extensionsDir,
      folder: workspace,
      port,
      env: {
        ...process.env,
        BLACKBOX_API_KEY: useCloud ? emulator.keys.cloud : emulator.keys.agent,
        EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: '' }),
      },
    });
    stoppers.push(() => server.stop());
    server.exited.then(({ code, signal }) => {
      if (stopping) return;
      say(`code-server exited (${code ?? signal}); stopping`);
      void stopAll(1);
    });

    const url = `${server.url}?folder=${encodeURIComponent(workspace)}`;
    console.log(
      [
        '',
        `  BLACKBOX Agent Tasks demo is ready (${((Date.now() - startedAt) / 1000).toFixed(0)} s): open`,
        '',
        `    ${url}`,
        '',
        `  Click the BLACKBOX icon in the activity bar. The ${useCloud ? 'Cloud API' : 'Agent API'} demo key is in`,
        '  BLACKBOX_API_KEY, the API is a local emulator with tasks in every state (one running with',
        '  live logs), and the workspace is a clone of blackbox-demo/shop-api whose branches can be',
        '  checked out offline. Bound to 127.0.0.1 only. Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    );
  } catch (error) {
    console.error(`[demo] ${error instanceof Error ? error.message : String(error)}`);
    await stopAll(1);
  }
}

main().catch((error) => {
  console.error(`[demo] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
