// UI test in the real workbench: Review Changes opens the agent's branch against its base in the
// multi-file diff editor, and a line of the agent's side takes a review comment (a draft for Send
// Review to Agent). Its screenshot is the one the README shows for review comments.
import assert from 'node:assert/strict';
import { openTasksView, runFromPalette, screenshot, setKeyFromPalette, useUiWorkbench } from './workbench.mjs';

const STEP_MS = 30_000;
const COMMENT =
  'One tick may not be enough to expose the race: answer after a short random delay so this test fails on the old code.';

describe('Review comments in the workbench', function () {
  this.timeout(180_000);
  const ui = useUiWorkbench();

  it("takes a draft comment on a line of the agent's side of Review Changes' diff", async () => {
    const { page, emulator } = ui.world;
    await setKeyFromPalette(page, emulator.keys.agent);
    // The tasks are listed before Review Changes offers them.
    await openTasksView(page, 'Completed', 2 * STEP_MS);

    await runFromPalette(page, 'BLACKBOX: Review Changes');
    const taskRow = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Fix the flaky checkout' }).first();
    await taskRow.waitFor({ state: 'visible', timeout: 2 * STEP_MS });
    await taskRow.click();

    // The multi-file diff editor lists the agent's files; its right side is the agent's version.
    const agentSide = page
      .locator('.monaco-editor.modified-in-monaco-diff-editor', {
        has: page.locator('.view-line', { hasText: 'setImmediate' }),
      })
      .last();
    const changedLine = agentSide.locator('.view-line', { hasText: 'setImmediate' }).first();
    await changedLine.waitFor({ state: 'visible', timeout: 2 * STEP_MS });

    // Hovering a line the agent's side takes comments on shows the "+" in its margin.
    const glyph = agentSide.locator('.comment-range-glyph.line-hover').first();
    const deadline = Date.now() + STEP_MS;
    while (!(await glyph.isVisible().catch(() => false)) && Date.now() < deadline) {
      const line = await changedLine.boundingBox();
      const margin = await agentSide.locator('.margin').first().boundingBox();
      if (line && margin) {
        await page.mouse.move(line.x + 40, line.y + line.height / 2);
        await page.mouse.move(margin.x + margin.width - 6, line.y + line.height / 2, { steps: 4 });
      }
      await page.waitForTimeout(300);
    }
    assert.ok(await glyph.isVisible(), "the agent's side offers a comment on the changed line");
    await glyph.click();

    const form = page.locator('.review-widget .comment-form').first();
    await form.waitFor({ state: 'visible', timeout: STEP_MS });
    await form.locator('.monaco-editor').first().click();
    await page.keyboard.type(COMMENT);
    await page.getByRole('button', { name: 'Add Review Comment' }).first().click();

    const saved = page.locator('.review-widget .review-comment', { hasText: 'short random delay' }).first();
    await saved.waitFor({ state: 'visible', timeout: STEP_MS });
    assert.match((await saved.textContent()) ?? '', /Draft/, 'the comment is shown as a draft');
    await runFromPalette(page, 'Notifications: Clear All Notifications');
    // The Comments panel opens with the first comment; the screenshot shows the diff instead.
    if (await page.locator('.part.panel').isVisible()) await page.keyboard.press('Control+J');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: STEP_MS });
    await page.mouse.move(10, 10);
    await page.waitForTimeout(500);
    await screenshot(page, '06-review-comment-on-agent-diff');
  });
});
