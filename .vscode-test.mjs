// @vscode/test-cli configuration: `npm run build:tests && npx vscode-test` (or the Extension Test
// Runner's Testing view) runs the integration suite in the usual way, on the stable VS Code and on
// the oldest one `engines.vscode` allows (`npx vscode-test --label oldest` picks one).
//
// Where no VS Code desktop can be downloaded (our build machines), BLACKBOX_VSCODE_TEST_SHIM=1
// runs the same configuration in the pinned code-server instead, through the launcher that
// `npm test` uses (`npm run provision -- --all` installs it first).
import { defineConfig } from '@vscode/test-cli';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OLDEST_CODE_SERVER_VERSION, STABLE_CODE_SERVER_VERSION } from './test/runtime/provision.mjs';
import { createWorkspace } from './test/runtime/runIntegration.mjs';

const useShim = process.env.BLACKBOX_VSCODE_TEST_SHIM === '1';
const shim = join(import.meta.dirname, 'test', 'runtime', 'codeShim.mjs');

/** @param {{ label: string, version: string, codeServer: string }} target */
function integrationRun({ label, version, codeServer }) {
  const scratch = mkdtempSync(join(tmpdir(), `blackbox-vscode-test-${label}-`));
  const userDataDir = join(scratch, 'user-data');
  mkdirSync(userDataDir, { recursive: true });
  return {
    label,
    version,
    // Activation first: its checks read the state the other suites then change.
    files: ['out/test/integration/activation.test.js', 'out/test/integration/**/*.test.js'],
    workspaceFolder: createWorkspace(scratch),
    launchArgs: [`--user-data-dir=${userDataDir}`, `--extensions-dir=${join(scratch, 'extensions')}`],
    mocha: { ui: 'bdd', timeout: 20_000, slow: 2_000, preload: ['./out/test/integration/globalSetup.js'] },
    env: {
      BLACKBOX_TEST_USER_DATA_DIR: userDataDir,
      BLACKBOX_CODE_SERVER_VERSION: codeServer,
      // Tests decide about the key themselves; never inherit a real one.
      BLACKBOX_API_KEY: undefined,
    },
    ...(useShim ? { useInstallation: { fromPath: shim } } : {}),
  };
}

export default defineConfig([
  integrationRun({ label: 'stable', version: 'stable', codeServer: STABLE_CODE_SERVER_VERSION }),
  integrationRun({ label: 'oldest', version: '1.138.0', codeServer: OLDEST_CODE_SERVER_VERSION }),
]);
