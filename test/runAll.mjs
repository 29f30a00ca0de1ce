// `npm test`: build, type check, lint, the VS Code runtime, unit tests (mocha in Node),
// integration tests (in code-server's real extension host, on the stable VS Code and on the
// oldest one `engines.vscode` allows) and UI tests (Playwright against the packaged VSIX).
// Prints each stage's result and time, and ends with one plain line: `N passed, N failed`.
//
//   npm test                         every stage
//   npm test -- unit integration     only these stages (build always runs first)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { OLDEST_CODE_SERVER_VERSION, STABLE_CODE_SERVER_VERSION, repoRoot } from './runtime/provision.mjs';

const countsDir = join(repoRoot, '.artifacts', 'counts');
const node = process.execPath;
const bin = (pkg, file) => join(repoRoot, 'node_modules', pkg, file);

/**
 * @typedef {{ name: string, command: string[], counts?: string, needsBuild?: boolean, present?: () => boolean,
 *   env?: Record<string, string> }} Stage
 * @type {Stage[]}
 */
const stages = [
  { name: 'build', command: [node, 'esbuild.mjs', '--tests'] },
  { name: 'check-types', command: [node, bin('typescript', 'bin/tsc'), '--noEmit', '-p', '.'] },
  { name: 'eslint', command: [node, bin('eslint', 'bin/eslint.js'), '.'] },
  { name: 'prettier', command: [node, bin('prettier', 'bin/prettier.cjs'), '--check', '**/*.{ts,mjs,js}'] },
  // Installs what the stages below need on a machine that has nothing yet (Debian packages,
  // Node 24, both pinned code-servers); on a provisioned machine it takes under a second.
  { name: 'runtime', command: [node, 'test/runtime/provision.mjs', '--all'] },
  {
    name: 'unit',
    command: [node, bin('mocha', 'bin/mocha.js'), '--config', 'test/unit/.mocharc.json'],
    counts: 'unit.json',
    needsBuild: true,
  },
  {
    name: 'integration',
    command: [node, 'test/runtime/runIntegration.mjs', '--no-build'],
    counts: 'integration.json',
    needsBuild: true,
    env: { BLACKBOX_CODE_SERVER_VERSION: STABLE_CODE_SERVER_VERSION },
  },
  {
    name: 'integration-oldest',
    command: [node, 'test/runtime/runIntegration.mjs', '--no-build'],
    counts: 'integration-oldest.json',
    needsBuild: true,
    env: { BLACKBOX_CODE_SERVER_VERSION: OLDEST_CODE_SERVER_VERSION },
  },
  {
    name: 'ui',
    command: [node, 'test/ui/runUi.mjs', '--no-build'],
    counts: 'ui.json',
    needsBuild: true,
    present: () => existsSync(join(repoRoot, 'test', 'ui', 'runUi.mjs')),
  },
];

function run(command, env) {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), {
      cwd: repoRoot,
      stdio: 'inherit',
      env: { ...process.env, ...env },
    });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 128 : 1));
    });
    child.on('error', () => resolve(1));
  });
}

function readCounts(file) {
  try {
    const counts = JSON.parse(readFileSync(file, 'utf8'));
    return {
      passed: Number(counts.passed) || 0,
      failed: Number(counts.failed) || 0,
      skipped: Number(counts.skipped) || 0,
    };
  } catch {
    return undefined;
  }
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

async function main() {
  const selected = process.argv.slice(2);
  const unknown = selected.filter((name) => !stages.some((stage) => stage.name === name));
  if (unknown.length > 0) {
    console.error(`unknown stage(s): ${unknown.join(', ')}; stages: ${stages.map((s) => s.name).join(', ')}`);
    return 2;
  }
  rmSync(countsDir, { recursive: true, force: true });
  mkdirSync(countsDir, { recursive: true });

  const results = [];
  let buildFailed = false;
  const startedAt = Date.now();
  for (const stage of stages) {
    if (selected.length > 0 && stage.name !== 'build' && !selected.includes(stage.name)) continue;
    if (stage.present && !stage.present()) {
      results.push({ name: stage.name, outcome: 'absent', ms: 0 });
      continue;
    }
    if (stage.needsBuild && buildFailed) {
      results.push({ name: stage.name, outcome: 'not run (build failed)', ms: 0, failedExtra: 1 });
      continue;
    }
    console.log(`\n━━ ${stage.name} ━━`);
    const countsFile = stage.counts ? join(countsDir, stage.counts) : undefined;
    const stageStart = Date.now();
    const code = await run(stage.command, {
      ...stage.env,
      ...(countsFile ? { BLACKBOX_TEST_COUNTS: countsFile } : {}),
    });
    const ms = Date.now() - stageStart;
    const counts = countsFile ? readCounts(countsFile) : undefined;
    const ok = code === 0;
    if (stage.name === 'build' && !ok) buildFailed = true;
    // A stage that failed without a failing test (crash, type error, lint) still counts as one failure.
    const failedExtra = !ok && (!counts || counts.failed === 0) ? 1 : 0;
    results.push({ name: stage.name, outcome: ok ? 'ok' : `failed (exit ${code})`, ms, counts, failedExtra });
    console.log(
      `━━ ${stage.name}: ${ok ? 'ok' : 'FAILED'} in ${seconds(ms)}${counts ? ` (${counts.passed} passed, ${counts.failed} failed)` : ''}`,
    );
  }

  let passed = 0;
  let failed = 0;
  let skipped = 0;
  console.log('\nSummary');
  for (const result of results) {
    const countText = result.counts
      ? `${result.counts.passed} passed, ${result.counts.failed} failed${result.counts.skipped ? `, ${result.counts.skipped} skipped` : ''}`
      : '';
    console.log(
      `  ${result.name.padEnd(12)} ${result.outcome.padEnd(22)} ${seconds(result.ms).padStart(8)}  ${countText}`,
    );
    passed += result.counts?.passed ?? 0;
    failed += (result.counts?.failed ?? 0) + (result.failedExtra ?? 0);
    skipped += result.counts?.skipped ?? 0;
  }
  console.log(`  total ${seconds(Date.now() - startedAt)}${skipped ? `; ${skipped} skipped` : ''}`);
  const anyFailed = results.some((result) => result.outcome !== 'ok' && result.outcome !== 'absent');
  console.log(`${passed} passed, ${failed} failed`);
  return anyFailed || failed > 0 ? 1 : 0;
}

process.exitCode = await main();
