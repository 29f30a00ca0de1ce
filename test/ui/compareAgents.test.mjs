// UI test in the real workbench: Compare Agents on the demo's 3-agent task (one agent still
// running with a live log, one completed with a branch and a pull request, one failed). Its
// screenshot is the one the README shows for the feature.
import assert from 'node:assert/strict';
import { openTasksView, runFromPalette, screenshot, setKeyFromPalette, useUiWorkbench } from './workbench.mjs';

const STEP_MS = 30_000;

describe('Compare Agents in the workbench', function () {
  this.timeout(150_000);
  const ui = useUiWorkbench();

  it('shows the three agents side by side, with their logs, and offers Compare Branches', async () => {
    const { page, emulator } = ui.world;
    await setKeyFromPalette(page, emulator.keys.agent);

    // The Tasks view beside the page: the task's row with a row per agent.
    await openTasksView(page, '3 agents', STEP_MS);

    // The palette lists multi-agent tasks only: the demo has one on this API.
    await runFromPalette(page, 'BLACKBOX: Compare Agents');
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: '3 agents' }).first();
    await row.waitFor({ state: 'visible', timeout: STEP_MS });
    await row.click();

    // The page is a webview: an iframe holding the page's own frame.
    const frame = page.frameLocator('iframe.webview').frameLocator('#active-frame');
    const columns = frame.locator('section.column');
    await columns.first().waitFor({ timeout: STEP_MS });
    assert.equal(await columns.count(), 3);
    await frame.locator('section.column.status-running').waitFor({ timeout: STEP_MS });
    await frame.locator('section.column.status-completed a', { hasText: '#88' }).waitFor({ timeout: STEP_MS });
    await frame.locator('section.column.status-failed .error', { hasText: 'npm test failed' }).waitFor({
      timeout: STEP_MS,
    });
    // Each finished agent's log has been read to its end.
    await frame.locator('section.column.status-failed pre.log', { hasText: 'npm test' }).waitFor({ timeout: STEP_MS });
    await frame.locator('section.column.status-completed pre.log').waitFor({ timeout: STEP_MS });
    await frame.locator('section.column.status-running pre.log').waitFor({ timeout: STEP_MS });
    await frame.locator('section.compare').waitFor({ timeout: STEP_MS });
    // The "3 agents finished" notification would cover the logs.
    await runFromPalette(page, 'Notifications: Clear All Notifications');
    // Nor should the editor tab's hover.
    await page.mouse.move(700, 845);
    await page.waitForTimeout(800);
    await screenshot(page, '07-compare-agents');
  });
});
