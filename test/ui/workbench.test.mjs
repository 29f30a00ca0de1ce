// UI tests in the real workbench (code-server in headless Chromium) with the packaged VSIX
// installed: the journey of a new user, one state after another, with a screenshot of each.
// The tests run in order and each starts from the state the previous one left.
import assert from 'node:assert/strict';
import { openTasksView, runFromPalette, screenshot, treeRows, useUiWorkbench } from './workbench.mjs';

const GROUP_ARIA = /^([A-Z][\w ]*): (\d+) tasks?$/;

/** How long the workbench may take for one step on a loaded two-core machine. */
const STEP_MS = 30_000;

describe('BLACKBOX Agent Tasks in the workbench', function () {
  this.timeout(120_000);
  const ui = useUiWorkbench();

  it('shows the welcome view with Set API Key when no key is set', async () => {
    const { page } = ui.world;
    await openTasksView(page);
    const welcome = page.locator('.welcome-view-content', { hasText: 'Hand coding work to BLACKBOX' });
    await welcome.waitFor({ state: 'visible', timeout: STEP_MS });
    const button = welcome.locator('a.monaco-button', { hasText: 'Set API Key' });
    assert.equal(await button.count(), 1, 'Set API Key button');
    assert.deepEqual(await treeRows(page), [], 'no tree rows without a key');
    await screenshot(page, '01-welcome-no-key');
  });

  it('takes the key in a password box from the command palette, then lists the tasks grouped by status with counts', async () => {
    const { page, emulator } = ui.world;
    emulator.clearRequests();
    await runFromPalette(page, 'BLACKBOX: Set API Key…');
    const password = page.locator('.quick-input-widget input[type="password"]');
    await password.waitFor({ state: 'visible', timeout: STEP_MS });
    await password.fill(emulator.keys.agent);
    await screenshot(page, '02-set-api-key-password-box');
    await page.keyboard.press('Enter');

    let groups = [];
    const deadline = Date.now() + STEP_MS;
    while (Date.now() < deadline) {
      groups = (await treeRows(page)).map((row) => GROUP_ARIA.exec(row.ariaLabel)).filter(Boolean);
      if (groups.length >= 3) break;
      await page.waitForTimeout(250);
    }
    const byLabel = Object.fromEntries(groups.map((match) => [match[1], Number(match[2])]));
    assert.ok(groups.length >= 3, `expected status groups with counts, saw ${JSON.stringify(await treeRows(page))}`);
    for (const [label, count] of Object.entries(byLabel)) assert.ok(count > 0, `${label} group shows ${count}`);
    assert.ok(byLabel.Running >= 1, `a Running group: ${JSON.stringify(byLabel)}`);
    assert.equal(
      await page.locator('.welcome-view-content', { hasText: 'Hand coding work to BLACKBOX' }).count(),
      0,
      'welcome view gone',
    );
    // The key went to the emulator (as a header) and never into the page.
    assert.ok(
      emulator.requests.some((request) => request.api === 'agent'),
      'the Agent API was asked',
    );
    assert.equal((await page.content()).includes(emulator.keys.agent), false, 'key visible in the page');
    await screenshot(page, '03-tasks-grouped-by-status');
  });

  it("opens a running task's live log in the Output panel", async () => {
    const { page } = ui.world;
    const rows = await treeRows(page);
    const runningGroup = rows.findIndex((row) => /^Running: /.test(row.ariaLabel));
    assert.ok(runningGroup >= 0, 'Running group present');
    const taskRow = rows[runningGroup + 1];
    assert.ok(
      taskRow && taskRow.level > rows[runningGroup].level,
      `a task under Running: ${JSON.stringify(rows.slice(runningGroup, runningGroup + 2))}`,
    );

    const row = page.locator('[id="workbench.view.extension.blackboxTasks"] .monaco-list-row').nth(runningGroup + 1);
    await row.click();
    const output = page.locator('.part.panel .monaco-editor .view-lines');
    await output.waitFor({ state: 'visible', timeout: STEP_MS });
    // The header alone proves nothing about streaming: wait for what only the stream writes.
    // The panel follows the end of the log, so the header may have scrolled out of view: text
    // after the header's rule counts, and without the rule in view, text with a mark that only
    // streamed lines carry (the start line, a tool call, a files line, the finish line).
    const streamOnly = /▶ Run started|▸ |✎ Files changed|■ Task /;
    const streamed = (rendered) => {
      // The editor draws spaces as no-break spaces.
      const seen = rendered.replace(/\u00a0/g, ' ');
      const rule = seen.lastIndexOf('────');
      if (rule >= 0) return seen.slice(rule).replace(/^─+/, '').trim();
      return streamOnly.test(seen) ? seen.trim() : '';
    };
    let text = '';
    const deadline = Date.now() + STEP_MS;
    while (Date.now() < deadline) {
      text = (await output.textContent()) ?? '';
      if (streamed(text).length > 40) break;
      await page.waitForTimeout(250);
    }
    assert.ok(streamed(text).length > 40, `streamed log text after the header in the Output panel, saw "${text}"`);
    // The channel shown is the task's own, named after it.
    const channel = await page
      .locator('.part.panel select[aria-label="Switch Output"]')
      .first()
      .evaluate((select) => select.selectedOptions[0]?.textContent ?? '');
    const taskWords = taskRow.text.split(/\s+/).slice(0, 3).join(' ');
    assert.ok(
      channel.startsWith('BLACKBOX') && channel.includes(taskWords),
      `Output channel "${channel}" for task "${taskRow.text}"`,
    );
    await screenshot(page, '04-running-task-live-log');
  });
});
