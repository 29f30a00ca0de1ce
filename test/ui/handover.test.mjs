// UI test in the real workbench: the Quick Fix menu (Ctrl+.) on a TODO comment offers to hand
// it to a BLACKBOX agent. Its screenshot is the one the README shows for the feature.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { screenshot, setKeyFromPalette, useUiWorkbench } from './workbench.mjs';

const STEP_MS = 30_000;

const SOURCE = [
  'export function parseConfig(text: string): Record<string, string> {',
  '  // TODO: cache the parsed config so it is read once per run',
  "  return Object.fromEntries(text.split('\\n').map((line) => line.split('=')));",
  '}',
  '',
].join('\n');

describe('Hand-over in the workbench', function () {
  this.timeout(120_000);
  const ui = useUiWorkbench({
    prepare: (world) => {
      mkdirSync(join(world.workspace, 'src'), { recursive: true });
      writeFileSync(join(world.workspace, 'src', 'config.ts'), SOURCE);
    },
  });

  it('offers "BLACKBOX: Hand this TODO to an agent…" in the Quick Fix menu on a TODO comment', async () => {
    const { page, emulator } = ui.world;
    await setKeyFromPalette(page, emulator.keys.agent);

    await page.keyboard.press('Control+P');
    const quickOpen = page.locator('.quick-input-widget input');
    await quickOpen.waitFor({ state: 'visible', timeout: STEP_MS });
    await quickOpen.fill('config.ts');
    await page
      .locator('.quick-input-widget .monaco-list-row', { hasText: 'config.ts' })
      .first()
      .waitFor({ timeout: STEP_MS });
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .view-lines', { hasText: 'TODO: cache' }).waitFor({ timeout: STEP_MS });

    await page.keyboard.press('Control+G');
    await quickOpen.waitFor({ state: 'visible', timeout: STEP_MS });
    await page.keyboard.type('2:20');
    await page.keyboard.press('Enter');

    const item = page.locator('.action-widget .monaco-list-row', { hasText: 'BLACKBOX: Hand this TODO to an agent' });
    const deadline = Date.now() + 2 * STEP_MS;
    let shown = false;
    while (!shown && Date.now() < deadline) {
      await page.keyboard.press('Control+.');
      // The menu waits for every provider (the TypeScript server may still be starting).
      shown = await item
        .first()
        .waitFor({ state: 'visible', timeout: 10_000 })
        .then(() => true)
        .catch(() => false);
      if (!shown) await page.keyboard.press('Escape');
    }
    assert.ok(shown, 'the BLACKBOX quick fix is listed');
    await screenshot(page, '05-quick-fix-hand-over');
    await page.keyboard.press('Escape');
  });
});
