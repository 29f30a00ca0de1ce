// Runs test/integration/**/*.test.ts inside code-server's real extension host through
// @vscode/test-electron's runTests, with the shim standing in for the VS Code executable.
//
//   node test/runtime/runIntegration.mjs [--no-build] [--grep PATTERN] [FILE-SUBSTRING ...]
//
// Writes the counts to .artifacts/counts/integration.json (or BLACKBOX_TEST_COUNTS).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { provision, repoRoot } from './provision.mjs';

const shim = join(repoRoot, 'test', 'runtime', 'codeShim.mjs');

function parseArgs(argv) {
  const files = [];
  let grep;
  let build = true;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === '--no-build') build = false;
    else if (arg === '--grep') grep = argv[++index];
    else files.push(arg);
  }
  return { files, grep, build };
}

function git(cwd, ...args) {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
}

/** A small git repository with a GitHub-style origin, so repository-aware code has something to read. */
export function createWorkspace(parent) {
  const folder = join(parent, 'workspace');
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, 'README.md'),
    '# shop-api\n\nA workspace for the BLACKBOX Agent Tasks integration tests.\n',
  );
  git(folder, 'init', '--quiet', '--initial-branch=main');
  git(folder, 'config', 'user.email', 'tests@example.invalid');
  git(folder, 'config', 'user.name', 'Integration Tests');
  git(folder, 'remote', 'add', 'origin', 'https://github.com/blackbox-demo/shop-api.git');
  git(folder, 'add', '.');
  git(folder, 'commit', '--quiet', '-m', 'Initial commit');
  return folder;
}

export async function runIntegration({ files = [], grep, build = true, countsFile } = {}) {
  await provision();
  if (build) {
    const built = spawnSync(process.execPath, ['esbuild.mjs', '--tests'], { cwd: repoRoot, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('build failed');
  }
  const counts =
    countsFile ?? process.env.BLACKBOX_TEST_COUNTS ?? join(repoRoot, '.artifacts', 'counts', 'integration.json');
  mkdirSync(join(counts, '..'), { recursive: true });
  rmSync(counts, { force: true });

  rmSync(join(repoRoot, '.artifacts', 'integration-logs'), { recursive: true, force: true });
  const scratch = mkdtempSync(join(tmpdir(), 'blackbox-integration-'));
  try {
    const workspace = createWorkspace(scratch);
    const userDataDir = join(scratch, 'user-data');
    await runTests({
      vscodeExecutablePath: shim,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: join(repoRoot, 'out', 'test', 'integration', 'index.js'),
      launchArgs: [workspace, `--user-data-dir=${userDataDir}`, `--extensions-dir=${join(scratch, 'extensions')}`],
      extensionTestsEnv: {
        BLACKBOX_TEST_COUNTS: counts,
        // The whole run, startup included; a hung test fails the run instead of CI's clock.
        BLACKBOX_TEST_TIMEOUT_MS: process.env.BLACKBOX_TEST_TIMEOUT_MS ?? String(15 * 60_000),
        BLACKBOX_TEST_WORKSPACE: workspace,
        BLACKBOX_TEST_USER_DATA_DIR: userDataDir,
        BLACKBOX_TEST_ARTIFACTS: join(repoRoot, '.artifacts', 'integration-logs'),
        BLACKBOX_TEST_GREP: grep,
        BLACKBOX_TEST_FILES: files.join(','),
        // Tests decide about the key themselves; never inherit a real one.
        BLACKBOX_API_KEY: undefined,
      },
    });
    return 0;
  } catch (error) {
    console.error(`integration tests failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const code = await runIntegration(parseArgs(process.argv.slice(2)));
  process.exit(code);
}
