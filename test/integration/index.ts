// Mocha entry that VS Code's extension host loads (`--extensionTestsPath`): runs every
// out/test/integration/**/*.test.js inside the real extension host.
import Mocha from 'mocha';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { activateUnderObservation, hostDescription } from './harness';

const repoRoot = resolve(__dirname, '..', '..', '..');

function testFilesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...testFilesUnder(path));
    else if (name.endsWith('.test.js')) found.push(path);
  }
  return found;
}

export async function run(): Promise<void> {
  console.log(hostDescription());
  // Before any test file loads: spies first, then activation, so activation itself is observed.
  await activateUnderObservation();

  const countsFile = process.env.BLACKBOX_TEST_COUNTS;
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: 20_000,
    slow: 2_000,
    forbidOnly: true,
    color: false,
    ...(process.env.BLACKBOX_TEST_GREP ? { grep: process.env.BLACKBOX_TEST_GREP } : {}),
  });
  // Test files may use either interface: describe/it or suite/test.
  Mocha.interfaces.tdd(mocha.suite);
  mocha.reporter(join(repoRoot, 'test', 'runtime', 'countingReporter.js'), countsFile ? { countsFile } : {});

  const only = (process.env.BLACKBOX_TEST_FILES ?? '').split(',').filter(Boolean);
  const files = testFilesUnder(__dirname)
    .filter((file) => only.length === 0 || only.some((part) => file.includes(part)))
    // Activation first: its log checks read the state the other suites then change.
    .sort((a, b) => Number(b.endsWith(`${sep}activation.test.js`)) - Number(a.endsWith(`${sep}activation.test.js`)));
  if (files.length === 0) throw new Error(`no integration test files under ${__dirname}`);
  for (const file of files) mocha.addFile(file);

  const failures = await new Promise<number>((done) => mocha.run(done));
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
