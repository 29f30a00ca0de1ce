// Activation benchmark in the real VS Code (code-server's extension host, driven by headless
// Chromium through test/runtime/codeShim.mjs). Each pair of launches shares a fresh profile:
//   cold: no saved task list, so the tree's first rows come from the emulator;
//   warm: the list saved by the cold launch; the emulator's list answer is slowed by 1.5 s,
//         so rows that appear sooner can only have come from the cache.
// The key comes from BLACKBOX_API_KEY (SecretStorage lives in the browser profile, which is
// fresh on every launch) and the API URLs from the profile's user settings. The emulator
// runs here, in this process. Reads out/ (build it first with `node esbuild.mjs --tests`).
//
// With a baseline commit, each pair is also launched (cold, then warm, on a profile of its own)
// with the extension as built from that commit, in alternating order, so activate()'s own time
// before and after a change is measured side by side on the same machine in the same run.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provision, repoRoot } from '../runtime/provision.mjs';
import { writeUserSettings } from '../runtime/codeServer.mjs';

const require = createRequire(import.meta.url);
const shim = join(repoRoot, 'test', 'runtime', 'codeShim.mjs');
const entry = join(repoRoot, 'out', 'test', 'bench', 'activationEntry.js');
const LAUNCH_LIMIT_MS = 120_000;

/** Runs the shim once; resolves with the figures the entry wrote. Output is kept for failures only. */
function launch({ phase, extensionPath = repoRoot, userDataDir, extensionsDir, workspace, key, outFile }) {
  return new Promise((resolve, reject) => {
    rmSync(outFile, { force: true });
    const child = spawn(
      process.execPath,
      [
        shim,
        `--extensionDevelopmentPath=${extensionPath}`,
        `--extensionTestsPath=${entry}`,
        `--user-data-dir=${userDataDir}`,
        `--extensions-dir=${extensionsDir}`,
        workspace,
      ],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          BLACKBOX_API_KEY: key,
          BLACKBOX_BENCH_OUT: outFile,
          BLACKBOX_BENCH_PHASE: phase,
          BLACKBOX_TEST_USER_DATA_DIR: userDataDir,
          BLACKBOX_TEST_TIMEOUT_MS: String(LAUNCH_LIMIT_MS - 10_000),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    const keep = (chunk) => {
      output = (output + chunk).slice(-8_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGTERM'), LAUNCH_LIMIT_MS);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(readFileSync(outFile, 'utf8')));
      } catch {
        reject(new Error(`the ${phase} launch wrote no figures (exit ${code}):\n${output}`));
      }
    });
  });
}

/**
 * @param {{ pairs?: number, log?: (line: string) => void, baselinePath?: string }} [options]
 * @returns {Promise<{ launches: object[], pairs: number }>}
 */
export async function measureActivation({ pairs = 3, log = () => {}, baselinePath } = {}) {
  await provision();
  const { startEmulator } = require(join(repoRoot, 'out', 'test', 'emulator', 'emulator.js'));
  const { demoScenario } = require(join(repoRoot, 'out', 'test', 'emulator', 'scenarios.js'));
  const { faults } = require(join(repoRoot, 'out', 'test', 'emulator', 'faults.js'));
  const emulator = await startEmulator({ scenario: demoScenario(), keepAliveMs: 0 });
  const launches = [];
  try {
    const launchPair = async (pair, side, extensionPath) => {
      const scratch = mkdtempSync(join(tmpdir(), 'blackbox-bench-'));
      try {
        const workspace = join(scratch, 'workspace');
        mkdirSync(workspace, { recursive: true });
        writeFileSync(join(workspace, 'README.md'), '# bench workspace\n');
        const userDataDir = join(scratch, 'user-data');
        writeUserSettings(userDataDir, {
          'blackboxTasks.agentApiUrl': emulator.url,
          'blackboxTasks.cloudApiUrl': emulator.url,
        });
        const common = {
          extensionPath,
          userDataDir,
          extensionsDir: join(scratch, 'extensions'),
          workspace,
          key: emulator.keys.agent,
          outFile: join(scratch, 'figures.json'),
        };
        const prefix = side === 'current' ? '' : 'baseline-';
        const cold = { ...(await launch({ ...common, phase: `${prefix}cold` })), side };
        log(`activation pair ${pair + 1}/${pairs} (${side}): cold ${JSON.stringify(cold)}`);
        launches.push(cold);
        const slowList = emulator.fault(faults.latency(1_500, { method: 'GET', path: '/api/v1/tasks' }));
        try {
          const warm = { ...(await launch({ ...common, phase: `${prefix}warm` })), side };
          log(`activation pair ${pair + 1}/${pairs} (${side}): warm ${JSON.stringify(warm)}`);
          launches.push(warm);
        } finally {
          slowList.clear();
        }
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    };
    for (let pair = 0; pair < pairs; pair++) {
      // Alternating which side goes first spreads the machine's drifting load over both.
      const sides = baselinePath ? (pair % 2 ? ['baseline', 'current'] : ['current', 'baseline']) : ['current'];
      for (const side of sides) await launchPair(pair, side, side === 'current' ? repoRoot : baselinePath);
    }
  } finally {
    await emulator.close();
  }
  return { pairs, launches, ...(baselinePath ? { baseline: true } : {}) };
}

/**
 * The extension as it was at `commit`, built (production) into a temporary folder with this
 * checkout's node_modules, for `measureActivation`'s baseline side. The caller removes the folder.
 */
export function buildBaselineExtension(commit) {
  const dir = mkdtempSync(join(tmpdir(), 'blackbox-baseline-'));
  const archive = spawnSync('git', ['archive', '--format=tar', commit], {
    cwd: repoRoot,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (archive.status !== 0) throw new Error(`git archive ${commit}: ${archive.stderr}`);
  const untar = spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
  if (untar.status !== 0) throw new Error(`tar: ${untar.stderr}`);
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  const built = spawnSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: dir, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`building ${commit}: ${built.stderr}`);
  return dir;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const pairs = Number(process.argv[2] ?? 1);
  const baselineCommit = process.argv[3];
  const baselinePath = baselineCommit ? buildBaselineExtension(baselineCommit) : undefined;
  const result = await measureActivation({ pairs, log: (line) => console.log(line), baselinePath }).finally(() => {
    if (baselinePath) rmSync(baselinePath, { recursive: true, force: true });
  });
  console.log(JSON.stringify(result, null, 2));
}
