// Extension-test entry for the activation benchmark (`--extensionTestsPath`), loaded by the
// real extension host in code-server. Not a mocha suite: it activates the extension once,
// times it, waits for the tree's first task rows and writes the figures as JSON to
// BLACKBOX_BENCH_OUT. test/bench/activation.mjs launches it, once without a saved task
// list (first rows come from the emulator) and once with one (first rows from the cache).
//
// "First rows" is the extension's side of drawing: the moment its tree provider tells the
// workbench to redraw (after its own short debounce) with task rows in its model. What the
// workbench then paints happens in the browser, out of this process's sight, so it is not
// included and the figures are labelled as the model's. The probe only listens for that
// redraw: reading the model earlier would flush the debounce and flatter the figure.
import { readFileSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { BlackboxTasksTestApi } from '../../src/extension';
import {
  installTasksViewSpy,
  onDidRedraw,
  readTasksView,
  setActivityOverride,
  tasksViewCreated,
} from '../integration/tasksViewSpy';
import { EXTENSION_ID, waitForSavedTaskList } from '../integration/harness';

export interface ActivationFigures {
  readonly phase: string;
  /** VS Code activated the extension (onStartupFinished) before this entry could time it. */
  readonly alreadyActive: boolean;
  /** activate()'s own time, as the extension measured it. */
  readonly activationMs: number;
  /** From asking VS Code to activate (module load included) until activate() returned. */
  readonly activateCallMs?: number;
  /**
   * CPU time the extension host spent over that same call (user + system, every thread): unlike
   * the wall-clock figures it hardly moves when other processes compete for the cores.
   */
  readonly activateCallCpuMs?: number;
  /** From asking VS Code to activate until the tree provider asked the workbench to redraw with a task row (its model; painting not included). */
  readonly firstItemsMs?: number;
  /** From the moment activate() itself started (its end minus its own time) until the first task row. */
  readonly firstItemsFromActivateMs?: number;
  /** Whether those first rows were the saved list (true) or live data. */
  readonly firstItemsStale?: boolean;
  /** From activate() starting until the stored key had been read (SecretStorage, a round trip to the workbench). */
  readonly keyReadFromActivateMs?: number;
  /** Until rows from the emulator were shown. */
  readonly liveItemsMs?: number;
  readonly rows?: number;
  /** One small file read through vscode.workspace.fs (what the saved list costs to load), and through node:fs. */
  readonly workspaceFsReadMs?: number;
  readonly nodeFsReadMs?: number;
  readonly error?: string;
}

/** Times reading the workspace's README both ways, after the measured part is over. */
async function fileReadCosts(): Promise<{ workspaceFsReadMs?: number; nodeFsReadMs?: number }> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!folder) return {};
  const file = vscode.Uri.joinPath(folder, 'README.md');
  let started = performance.now();
  await vscode.workspace.fs.readFile(file);
  const workspaceFsReadMs = performance.now() - started;
  started = performance.now();
  readFileSync(file.fsPath);
  return { workspaceFsReadMs, nodeFsReadMs: performance.now() - started };
}

interface ViewSnapshotLike {
  readonly stale: boolean;
  readonly groups: readonly { readonly rows: readonly unknown[] }[];
}

function taskRows(snapshot: ViewSnapshotLike): number {
  return snapshot.groups.reduce((sum, group) => sum + group.rows.length, 0);
}

/**
 * Resolves with the time the tree provider first asked the workbench to redraw while its
 * model had rows that pass `probe`. Checked only on those redraws, so the debounce runs as it
 * does for the user.
 */
function firstRedrawWith(
  api: BlackboxTasksTestApi,
  probe: (snapshot: ViewSnapshotLike) => boolean,
  timeoutMs: number,
): Promise<number | undefined> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (value: number | undefined) => {
      if (done) return;
      done = true;
      subscription.dispose();
      clearTimeout(limit);
      resolve(value);
    };
    // Inside the redraw the provider has just applied its pending changes: reading its model
    // here flushes nothing.
    const subscription = onDidRedraw(() => {
      const at = performance.now();
      if (probe(readTasksView(api))) finish(at);
    });
    const limit = setTimeout(() => finish(undefined), timeoutMs);
  });
}

/** Resolves with the time `probe` first held, checking on every view change and every 5 ms. */
function firstTime(api: BlackboxTasksTestApi, probe: () => boolean, timeoutMs: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (value: number | undefined) => {
      if (done) return;
      done = true;
      subscription.dispose();
      clearInterval(poll);
      clearTimeout(limit);
      resolve(value);
    };
    const check = () => {
      if (probe()) finish(performance.now());
    };
    const subscription = api.store.onDidChange(check);
    const poll = setInterval(check, 5);
    const limit = setTimeout(() => finish(undefined), timeoutMs);
    check();
  });
}

export async function run(): Promise<void> {
  const out = process.env.BLACKBOX_BENCH_OUT;
  const phase = process.env.BLACKBOX_BENCH_PHASE ?? 'unknown';
  if (!out) throw new Error('BLACKBOX_BENCH_OUT is not set');
  const extension = vscode.extensions.getExtension<BlackboxTasksTestApi>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not loaded`);
  let figures: ActivationFigures;
  try {
    const alreadyActive = extension.isActive;
    const baseline = phase.startsWith('baseline-');
    // The baseline (the extension as it was before) had its own ways to read the view; only its activation is timed.
    if (!baseline) installTasksViewSpy();
    const cpuBefore = process.cpuUsage();
    const asked = performance.now();
    const api = alreadyActive ? extension.exports : await extension.activate();
    const returned = performance.now();
    const cpu = process.cpuUsage(cpuBefore);
    const activateCallCpuMs = (cpu.user + cpu.system) / 1000;
    if (baseline) {
      // Its saved list is written for its warm launch, as below (that build could still be told to write it now).
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await (api.store as { flush?: () => Promise<void> }).flush?.();
      writeFileSync(
        out,
        JSON.stringify({
          phase,
          alreadyActive,
          activationMs: api.activationMs,
          ...(alreadyActive ? {} : { activateCallMs: returned - asked, activateCallCpuMs }),
        } satisfies ActivationFigures),
      );
      return;
    }
    // The view opened and the window focused, as when the user looks at it after start.
    await tasksViewCreated();
    setActivityOverride({ visible: true, focused: true });
    const snapshot = () => readTasksView(api) as ViewSnapshotLike;
    const activateStarted = returned - api.activationMs;
    const keyRead = firstTime(api, () => api.session.isLoaded, 60_000);
    let firstStale: boolean | undefined;
    const first = await firstRedrawWith(
      api,
      (now) => {
        if (taskRows(now) === 0) return false;
        firstStale = now.stale;
        return true;
      },
      60_000,
    );
    // Live rows equal to the cached ones redraw nothing (only the view's "cached" note goes),
    // so this one reads the model; it is taken after the first rows and flatters nothing.
    const liveAt = await firstTime(api, () => taskRows(snapshot()) > 0 && !snapshot().stale, 60_000);
    // The next launch of this profile starts from the saved list: wait until it is on disk.
    await waitForSavedTaskList('the saved task list', () => true, 15_000);
    figures = {
      phase,
      alreadyActive,
      activationMs: api.activationMs,
      ...(alreadyActive
        ? {}
        : {
            activateCallMs: returned - asked,
            activateCallCpuMs,
            ...(first !== undefined
              ? {
                  firstItemsMs: first - asked,
                  firstItemsFromActivateMs: first - activateStarted,
                  firstItemsStale: firstStale,
                }
              : {}),
            ...(await keyRead.then((at) =>
              at === undefined ? {} : { keyReadFromActivateMs: Math.max(0, at - activateStarted) },
            )),
            ...(liveAt !== undefined ? { liveItemsMs: liveAt - asked } : {}),
          }),
      rows: taskRows(snapshot()),
      ...(await fileReadCosts().catch(() => ({}))),
    };
  } catch (error) {
    figures = {
      phase,
      alreadyActive: false,
      activationMs: Number.NaN,
      error: error instanceof Error ? error.message : String(error),
    };
  }
  writeFileSync(out, JSON.stringify(figures));
}
