// Runs the UI tests (test/ui/*.test.mjs, mocha in Node) against code-server with the packaged
// VSIX installed. Builds the test sources (for the emulator) and packages the extension first.
//
//   node test/ui/runUi.mjs [--no-build] [--update-media] [name…]
//
// --update-media copies the screenshots of a passing run to media/screenshots/ (for the README).
// Screenshots: .artifacts/screenshots/. Counts: BLACKBOX_TEST_COUNTS or .artifacts/counts/ui.json.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import { provision, repoRoot } from '../runtime/provision.mjs';
import { screenshotsDir } from './workbench.mjs';

const vsix = join(repoRoot, 'blackbox-agent-tasks.vsix');

function step(command, args) {
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed`);
}

async function main() {
  const build = !process.argv.includes('--no-build');
  await provision();
  if (build || !existsSync(join(repoRoot, 'out', 'test', 'emulator', 'emulator.js'))) {
    step(process.execPath, ['esbuild.mjs', '--tests']);
  }
  // The production bundle and the VSIX, exactly as `npm run package` makes them.
  step('npm', ['run', '--silent', 'package']);
  if (!existsSync(vsix)) throw new Error(`${vsix} was not written`);

  const countsFile = process.env.BLACKBOX_TEST_COUNTS ?? join(repoRoot, '.artifacts', 'counts', 'ui.json');
  mkdirSync(join(countsFile, '..'), { recursive: true });
  rmSync(countsFile, { force: true });
  rmSync(screenshotsDir, { recursive: true, force: true });

  process.env.BLACKBOX_UI_VSIX = vsix;
  const mocha = new Mocha({ timeout: 120_000, slow: 10_000, forbidOnly: true });
  mocha.reporter(join(repoRoot, 'test', 'runtime', 'countingReporter.js'), { countsFile });
  const uiDir = join(repoRoot, 'test', 'ui');
  // Optional names (`node test/ui/runUi.mjs --no-build review`) run only the matching files.
  const only = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  for (const name of readdirSync(uiDir).sort()) {
    if (!name.endsWith('.test.mjs')) continue;
    if (only.length > 0 && !only.some((part) => name.includes(part))) continue;
    mocha.addFile(join(uiDir, name));
  }
  await mocha.loadFilesAsync();
  const failures = await new Promise((resolve) => mocha.run(resolve));
  console.log(`screenshots: ${screenshotsDir}`);
  if (failures === 0 && process.argv.includes('--update-media')) {
    const media = join(repoRoot, 'media', 'screenshots');
    mkdirSync(media, { recursive: true });
    for (const name of readdirSync(screenshotsDir))
      if (/^\d\d-.*\.png$/.test(name)) copyFileSync(join(screenshotsDir, name), join(media, name));
    console.log(`copied to ${media}`);
  }
  return failures > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`UI tests could not run: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
