// Runs before `npm test` and `npm run demo` so both work straight after cloning: installs the
// npm packages with `npm ci` when node_modules is missing or older than package-lock.json.
// Node built-ins only, since nothing else may be installed yet. The VS Code runtime itself is
// provisioned by the commands that need it (test/runtime/provision.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const lockFile = join(root, 'package-lock.json');
const installedMarker = join(root, 'node_modules', '.package-lock.json');

function installedIsCurrent() {
  if (!existsSync(installedMarker)) return false;
  return statSync(installedMarker).mtimeMs >= statSync(lockFile).mtimeMs;
}

if (!installedIsCurrent()) {
  const started = Date.now();
  console.log('[bootstrap] installing npm packages (npm ci)…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('[bootstrap] npm ci failed; fix the error above and run the command again.');
    process.exit(result.status ?? 1);
  }
  console.log(`[bootstrap] npm packages installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
