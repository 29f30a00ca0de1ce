// Preloaded by @vscode/test-cli (see .vscode-test.mjs) before it loads any test file, as our own
// entry (index.ts) does: spies first, then activation, so activation itself is observed.
import { activateUnderObservation, hostDescription } from './harness';

export async function mochaGlobalSetup(): Promise<void> {
  console.log(hostDescription());
  await activateUnderObservation();
}
