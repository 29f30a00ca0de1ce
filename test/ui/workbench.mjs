// Sets up what a user has: code-server with the packaged VSIX installed, user settings pointing
// the extension at the loopback emulator (demo scenario), a shop-api git workspace, and a
// headless Chromium page on the workbench. Used by the UI tests.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installExtension, launchChromium, startCodeServer, writeUserSettings } from '../runtime/codeServer.mjs';
import { branchesInScenario, createShopApiWorkspace } from '../runtime/demoWorkspace.mjs';
import { repoRoot } from '../runtime/provision.mjs';

const require = createRequire(import.meta.url);
export const screenshotsDir = join(repoRoot, '.artifacts', 'screenshots');

/** The emulator as compiled by `node esbuild.mjs --tests`. */
export function loadEmulator() {
  const emulator = require(join(repoRoot, 'out', 'test', 'emulator', 'emulator.js'));
  const scenarios = require(join(repoRoot, 'out', 'test', 'emulator', 'scenarios.js'));
  return { startEmulator: emulator.startEmulator, demoScenario: scenarios.demoScenario };
}

/**
 * @param {{ vsix: string, settings?: Record<string, unknown>, env?: NodeJS.ProcessEnv }} options
 */
export async function startUiWorkbench(options) {
  const scratch = mkdtempSync(join(tmpdir(), 'blackbox-ui-'));
  const cleanups = [() => rmSync(scratch, { recursive: true, force: true })];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {});
  };
  try {
    const { startEmulator, demoScenario } = loadEmulator();
    const scenario = demoScenario();
    const emulator = await startEmulator({ scenario });
    cleanups.push(() => emulator.close());

    const { workspace } = createShopApiWorkspace(scratch, { branches: branchesInScenario(scenario) });
    const userDataDir = join(scratch, 'user-data');
    const extensionsDir = join(scratch, 'extensions');
    mkdirSync(extensionsDir, { recursive: true });
    writeUserSettings(userDataDir, {
      'blackboxTasks.agentApiUrl': emulator.url,
      'blackboxTasks.cloudApiUrl': emulator.url,
      ...options.settings,
    });
    installExtension({ vsix: options.vsix, userDataDir, extensionsDir });

    const server = await startCodeServer({
      userDataDir,
      extensionsDir,
      folder: workspace,
      // No key from the environment: the tests set one the way a user does. No gallery is reachable here.
      env: {
        ...process.env,
        BLACKBOX_API_KEY: undefined,
        EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: '' }),
        ...options.env,
      },
    });
    cleanups.push(() => server.stop());

    const browser = await launchChromium();
    cleanups.push(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server.url}?folder=${encodeURIComponent(workspace)}`, { waitUntil: 'domcontentloaded' });
    await page.locator('.monaco-workbench .activitybar').waitFor({ timeout: 60_000 });
    return { emulator, server, browser, page, workspace, userDataDir, pageErrors, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Saves a PNG of the whole window under .artifacts/screenshots/. */
export async function screenshot(page, name) {
  mkdirSync(screenshotsDir, { recursive: true });
  const path = join(screenshotsDir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Runs a command from the command palette (F1), picking it by its full title. */
export async function runFromPalette(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
}

/** Rows of the Tasks tree, as the screen reader announces them (label, description). */
export async function treeRows(page) {
  return page.locator('[id="workbench.view.extension.blackboxTasks"] .monaco-list-row').evaluateAll((rows) =>
    rows.map((row) => ({
      ariaLabel: row.getAttribute('aria-label') ?? '',
      text: (row.textContent ?? '').trim(),
      level: Number(row.getAttribute('aria-level') ?? '0'),
      expanded: row.getAttribute('aria-expanded'),
    })),
  );
}

// useUiWorkbench is called inside a suite, where mocha provides its hooks as globals.
/* global before, after, afterEach */

const KEY_STEP_MS = 30_000;

/**
 * The hooks every UI suite needs, inside its `describe`: a workbench started before its tests
 * (with the VSIX runUi.mjs built; `prepare` may add files to the workspace), stopped after them,
 * and a screenshot of the window whenever a test fails. Read the workbench as `ui.world`.
 * @param {{ prepare?: (world: Awaited<ReturnType<typeof startUiWorkbench>>) => void }} [options]
 */
export function useUiWorkbench(options = {}) {
  /** @type {Awaited<ReturnType<typeof startUiWorkbench>> | undefined} */
  let world;
  before(async function () {
    const vsix = process.env.BLACKBOX_UI_VSIX;
    if (!vsix) throw new Error('BLACKBOX_UI_VSIX is not set (run through test/ui/runUi.mjs)');
    world = await startUiWorkbench({ vsix });
    options.prepare?.(world);
  });
  after(async () => {
    await world?.stop();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && world) {
      const name = `failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}`;
      await screenshot(world.page, name).catch(() => {});
    }
  });
  return {
    get world() {
      if (!world) throw new Error('the workbench has not started');
      return world;
    },
  };
}

/** The extension's entry in the activity bar (drawn once the extension is loaded). */
const ACTIVITY_BAR_ENTRY = '.activitybar .action-item a[aria-label^="BLACKBOX"]';

/**
 * Opens the BLACKBOX view container from the activity bar; with `rowText`, waits until a row of
 * the Tasks tree shows that text.
 */
export async function openTasksView(page, rowText, timeout = 2 * KEY_STEP_MS) {
  await page.locator(ACTIVITY_BAR_ENTRY).click();
  if (rowText === undefined) return;
  await page
    .locator('[id="workbench.view.extension.blackboxTasks"] .monaco-list-row', { hasText: rowText })
    .first()
    .waitFor({ state: 'visible', timeout });
}

/** Sets the key as a user does: Set API Key… from the palette, typed into its password box. */
export async function setKeyFromPalette(page, key) {
  // The extension is loaded once its activity-bar entry is drawn.
  await page.locator(ACTIVITY_BAR_ENTRY).waitFor({ timeout: 90_000 });
  await runFromPalette(page, 'BLACKBOX: Set API Key…');
  const password = page.locator('.quick-input-widget input[type="password"]');
  await password.waitFor({ state: 'visible', timeout: KEY_STEP_MS });
  await password.fill(key);
  await page.keyboard.press('Enter');
  await password.waitFor({ state: 'hidden', timeout: KEY_STEP_MS });
}
