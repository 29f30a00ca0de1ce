// Small helpers for integration tests in the real extension host: the extension's test API,
// the loopback emulator wired into user settings, the key, context keys, and bounded waiting.
import * as vscode from 'vscode';
import type { BlackboxTasksTestApi } from '../../src/extension';
import type { Emulator, EmulatorOptions } from '../emulator/emulator';
import { join, sep } from 'node:path';
import { readFileSync } from 'node:fs';
import { installContextKeySpy, observedContextKey, observedContextKeys } from './contextKeySpy';
import { channelTitle } from '../../src/core/logs/taskHeader';
import type { Task } from '../../src/core/tasks/model';
import { installOutputChannelSpy, outputChannel, type RecordedChannel } from './outputChannelSpy';
import {
  forgetExpansion,
  installTasksViewSpy,
  readTasksView,
  setActivityOverride,
  tasksViewShown,
  type TasksViewSnapshot,
} from './tasksViewSpy';
import { installNetworkSpy, networkAttemptsFrom, type NetworkAttempt } from './networkSpy';
import { installWebviewSpy } from './webviewSpy';

export const EXTENSION_ID = 'blackbox-agent-tasks.blackbox-agent-tasks';

/** Settings a test may change; `resetExtensionState` puts all of them back to their defaults. */
const SETTINGS_TOUCHED_BY_TESTS = [
  'api',
  'agentApiUrl',
  'cloudApiUrl',
  'refreshIntervalSeconds',
  'notifications',
  'followLogs',
  'defaultAgent',
  'defaultModel',
  'maxLogChannels',
] as const;

export function extension(): vscode.Extension<BlackboxTasksTestApi> {
  const found = vscode.extensions.getExtension<BlackboxTasksTestApi>(EXTENSION_ID);
  if (!found) throw new Error(`extension ${EXTENSION_ID} is not loaded in this host`);
  return found;
}

/** What the extension did from activation through a short idle period, before any test ran. */
export interface StartupObservation {
  /** False when VS Code activated the extension before the spies were in place. */
  readonly observed: boolean;
  /** Date.now() at the start of activation and at the end of the idle period. */
  readonly startedAt: number;
  readonly endedAt: number;
  readonly keySource: string;
  readonly networkFromExtension: readonly NetworkAttempt[];
  readonly contextKeys: ReadonlyMap<string, unknown>;
}

let startup: StartupObservation | undefined;

/**
 * Called once by the integration entry before any test file loads: installs the network and
 * context-key spies, activates the extension, lets it idle for `idleMs` without a key, and
 * keeps what it saw, so activation tests do not depend on which suites ran before them.
 */
/** The run's first line: which VS Code, where, on which Node (the launcher shows output from it on). */
export function hostDescription(): string {
  return (
    `Running integration tests in ${vscode.env.appName} ${vscode.version} ` +
    `(uiKind ${vscode.UIKind[vscode.env.uiKind]}, remote ${vscode.env.remoteName ?? 'none'}, Node ${process.version})`
  );
}

export async function activateUnderObservation(idleMs = 1_000): Promise<StartupObservation> {
  installNetworkSpy();
  installContextKeySpy();
  installOutputChannelSpy();
  installTasksViewSpy();
  installWebviewSpy();
  const ext = extension();
  const observed = !ext.isActive;
  if (!observed) console.warn(`${EXTENSION_ID} was already active before the spies were installed`);
  const startedAt = Date.now();
  const api = await ext.activate();
  await new Promise((resolve) => setTimeout(resolve, idleMs));
  const root = ext.extensionPath;
  startup = {
    observed,
    startedAt,
    endedAt: Date.now(),
    keySource: api.session.keySource,
    networkFromExtension: networkAttemptsFrom(join(root, 'dist', sep), join(root, 'src', sep)),
    contextKeys: new Map(observedContextKeys()),
  };
  return startup;
}

export function startupObservation(): StartupObservation {
  if (!startup) throw new Error('activateUnderObservation() has not run (the integration entry calls it)');
  return startup;
}

/** A log channel's name, or the task it is named after (`BLACKBOX: <short title>`). */
export type LogOf = string | Pick<Task, 'id' | 'title' | 'prompt'>;

/** The open log channel of this name, or of this task, as the Output channel spy recorded it. */
export function logChannel(of: LogOf): RecordedChannel | undefined {
  const channel = outputChannel(typeof of === 'string' ? of : channelTitle(of));
  return channel?.disposed ? undefined : channel;
}

/** What the open log channel of this name or task shows (since it was last cleared). */
export function logText(of: LogOf): string | undefined {
  return logChannel(of)?.text;
}

/** The object `activate` returns (activating first if VS Code has not yet). */
export async function testApi(): Promise<BlackboxTasksTestApi> {
  const ext = extension();
  return ext.isActive ? ext.exports : await ext.activate();
}

export interface WaitOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  /** Said in the failure, with the last value seen: what was being waited for. */
  readonly what?: string;
}

/**
 * Polls `probe` until it returns a truthy value and resolves with it; rejects after the timeout
 * with the last value seen, so a failing test says what it saw instead of just "timeout".
 */
export async function waitUntil<T>(probe: () => T | Promise<T>, options: WaitOptions = {}): Promise<NonNullable<T>> {
  const { timeoutMs = 10_000, intervalMs = 50, what = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      last = await probe();
      if (last) return last as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last saw: ${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The value the extension last gave a context key through `setContext` (as `when` clauses see it). */
export async function contextKey(name: string): Promise<unknown> {
  return observedContextKey(name);
}

export async function waitForContextKey(name: string, expected: unknown, timeoutMs = 10_000): Promise<void> {
  let seen: unknown;
  await waitUntil(
    async () => {
      seen = await contextKey(name);
      return seen === expected;
    },
    { timeoutMs, what: `context key ${name} == ${JSON.stringify(expected)} (was ${JSON.stringify(seen)})` },
  );
}

/**
 * Writes a `blackboxTasks.*` user setting (undefined removes it, back to the default). A write
 * that would change nothing is skipped: each one rewrites settings.json and waits for the
 * workbench, which adds up when every test resets every setting.
 */
export async function setSetting(name: string, value: unknown): Promise<void> {
  const configuration = vscode.workspace.getConfiguration('blackboxTasks');
  const current = configuration.inspect(name)?.globalValue;
  if (
    current === value ||
    (current !== undefined && value !== undefined && JSON.stringify(current) === JSON.stringify(value))
  )
    return;
  await configuration.update(name, value, vscode.ConfigurationTarget.Global);
}

/** Points both API URL settings at `url`, or back at the defaults with undefined. */
export async function pointApisAt(url: string | undefined): Promise<void> {
  await setSetting('agentApiUrl', url);
  await setSetting('cloudApiUrl', url);
}

/** Stores a key as the Set API Key command would (kind from its prefix unless given). */
export async function setKey(key: string, kind?: 'agent' | 'cloud'): Promise<void> {
  const api = await testApi();
  await api.session.storeKey(key, kind ?? (key.startsWith('bb_') ? 'cloud' : 'agent'));
}

export async function clearKey(): Promise<void> {
  const api = await testApi();
  // Nothing stored, nothing to clear (an environment key is not the session's to remove).
  if (api.session.keySource !== 'secret') return;
  await api.session.clearKey();
}

/** Starts the loopback emulator in this extension host and points the user settings at it. */
export async function startEmulatorForTests(options?: EmulatorOptions): Promise<Emulator> {
  // Loaded lazily so suites that need no emulator run even while it is being changed.
  const { startEmulator } = await import('../emulator/emulator.js'); // .js: esbuild keeps import() as is, and Node's ESM resolver needs the extension
  const emulator = await startEmulator(options);
  await pointApisAt(emulator.url);
  return emulator;
}

/**
 * Clears the key, restores every setting tests touch and closes editors. With `apiUrl`, both
 * API URLs are left pointing there instead of going back to their defaults (a settings write
 * costs a few hundred milliseconds, so an emulator suite does not undo and redo them each test).
 */
export async function resetExtensionState(options: { readonly apiUrl?: string } = {}): Promise<void> {
  await clearKey();
  // A test that revealed a row expanded its group; the view remembers that as the user's choice.
  await forgetExpansion(await testApi());
  for (const name of SETTINGS_TOUCHED_BY_TESTS) {
    const isApiUrl = name === 'agentApiUrl' || name === 'cloudApiUrl';
    await setSetting(name, isApiUrl ? options.apiUrl : undefined);
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/**
 * Mocha hooks for a suite that talks to the emulator: starts it before the suite (settings
 * pointed at it), resets key, settings and request log after each test, stops it after.
 * Read `.emulator` and `.api` inside tests (they are set once `before` has run).
 */
export function useEmulator(options?: EmulatorOptions): {
  readonly emulator: Emulator;
  readonly api: BlackboxTasksTestApi;
} {
  let emulator: Emulator | undefined;
  let api: BlackboxTasksTestApi | undefined;
  before(async () => {
    api = await testApi();
    emulator = await startEmulatorForTests(options);
  });
  afterEach(async () => {
    await resetExtensionState(emulator ? { apiUrl: emulator.url } : {});
    emulator?.clearRequests();
  });
  after(async () => {
    await resetExtensionState();
    await emulator?.close();
    emulator = undefined;
  });
  return {
    get emulator(): Emulator {
      if (!emulator) throw new Error('the emulator starts in before(): use it inside tests');
      return emulator;
    },
    get api(): BlackboxTasksTestApi {
      if (!api) throw new Error('the test API is read in before(): use it inside tests');
      return api;
    },
  };
}

// ---- The Tasks view as a user opens and watches it ---------------------------------------

/**
 * Shows the BLACKBOX view for real (any pretended activity dropped) and waits until VS Code
 * reports it visible in a focused window: the view tells the store on those events, so from
 * then on the refresh schedule runs as it does for a user looking at the view.
 */
export async function showTasksView(): Promise<void> {
  setActivityOverride(undefined);
  await vscode.commands.executeCommand('blackboxTasks.tasks.focus');
  await waitUntil(() => tasksViewShown(), { what: 'the Tasks view to be visible in a focused window' });
}

/** Stores the emulator's key for `apiName`, shows the view, and waits for the first list to be drawn. */
export async function connectTasksView(
  api: BlackboxTasksTestApi,
  emulator: Emulator,
  apiName: 'agent' | 'cloud',
): Promise<TasksViewSnapshot> {
  await setKey(apiName === 'agent' ? emulator.keys.agent : emulator.keys.cloud);
  await showTasksView();
  return waitForTree(api, 'the first list to land', (s) => s.state === 'ready' && !s.stale);
}

/** Waits until the Tasks view, read as VS Code reads it, satisfies `probe`; a time-out says what was drawn last. */
export async function waitForTree(
  api: BlackboxTasksTestApi,
  what: string,
  probe: (snapshot: TasksViewSnapshot) => boolean,
  timeoutMs = 15_000,
): Promise<TasksViewSnapshot> {
  let last: TasksViewSnapshot | undefined;
  try {
    return await waitUntil(
      () => {
        last = readTasksView(api);
        return probe(last) ? last : undefined;
      },
      { timeoutMs, what },
    );
  } catch (error) {
    const seen = last
      ? JSON.stringify({
          state: last.state,
          stale: last.stale,
          message: last.message,
          rows: last.groups.flatMap((group) =>
            group.rows.map((row) => `${group.label}: ${row.label} (${row.description})`),
          ),
          extra: last.extraRows.map((row) => row.label),
        })
      : 'nothing';
    throw new Error(`${error instanceof Error ? error.message : String(error)}; view: ${seen}`, { cause: error });
  }
}

// ---- The task list the extension saves -------------------------------------------------

/** The extension's global storage folder on disk (where it saves the task list); undefined when the runner did not say where user data is. */
export function globalStorageFolder(): string | undefined {
  const userDataDir = process.env.BLACKBOX_TEST_USER_DATA_DIR;
  return userDataDir ? join(userDataDir, 'User', 'globalStorage', EXTENSION_ID) : undefined;
}

export interface SavedTaskList {
  /** The snapshot's file name, as the pointer file names it. */
  readonly file: string;
  readonly savedAt: number;
  /** The file as written. */
  readonly text: string;
}

/** The task list saved last, as the next start finds it (the pointer file, then the file it names); undefined before a save or while one is being written. */
export function latestSavedTaskList(): SavedTaskList | undefined {
  const folder = globalStorageFolder();
  if (!folder) return undefined;
  try {
    const { file } = JSON.parse(readFileSync(join(folder, 'tasks-latest.json'), 'utf8')) as { file: string };
    const text = readFileSync(join(folder, file), 'utf8');
    const { savedAt } = JSON.parse(text) as { savedAt: number };
    return { file, savedAt, text };
  } catch {
    return undefined;
  }
}

/** Waits for the extension to save a task list (after its quiet time) that satisfies `probe`. */
export function waitForSavedTaskList(
  what: string,
  probe: (saved: SavedTaskList) => boolean,
  timeoutMs = 10_000,
): Promise<SavedTaskList> {
  if (!globalStorageFolder())
    throw new Error('BLACKBOX_TEST_USER_DATA_DIR is not set: the saved task list cannot be read');
  return waitUntil(
    () => {
      const saved = latestSavedTaskList();
      return saved && probe(saved) ? saved : undefined;
    },
    { timeoutMs, what },
  );
}
