import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { createTaskSnapshotStorage } from '../../src/adapters/tasks/taskSnapshotStorage';
import { accountKeyFor, SNAPSHOT_VERSION, type TaskSnapshot } from '../../src/core/tasks/taskSnapshot';
import { clearKey, globalStorageFolder, setKey, useEmulator, waitForSavedTaskList, waitUntil } from './harness';
import { readTasksView, setActivityOverride } from './tasksViewSpy';

const MINE = accountKeyFor('agent', 'https://agent.example', 'aaaa1111');
const OTHER = accountKeyFor('agent', 'https://agent.example', 'bbbb2222');

function snapshotOf(...ids: string[]): TaskSnapshot {
  return {
    version: SNAPSHOT_VERSION,
    savedAt: 1,
    tasks: ids.map((id) => ({
      id,
      api: 'agent',
      status: 'completed',
      rawStatus: 'completed',
      prompt: `Prompt of ${id}`,
    })),
    details: [],
    loadedCount: ids.length,
    hasMore: false,
  };
}

describe('task snapshot storage (files in global storage)', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'blackbox-snapshots-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('keeps accounts apart and names the latest one, which tells whose it is without holding the key or the account', async () => {
    const storage = createTaskSnapshotStorage(vscode.Uri.file(folder));
    assert.equal(await storage.loadLatest?.(), undefined, 'nothing saved yet');
    await storage.save(MINE, snapshotOf('mine-1'));
    await storage.save(OTHER, snapshotOf('other-1'));

    const latest = await storage.loadLatest?.();
    assert.deepEqual(latest?.raw, snapshotOf('other-1'));
    assert.equal(latest?.belongsTo(OTHER), true);
    assert.equal(latest?.belongsTo(MINE), false, 'another account on the same API');
    assert.deepEqual(await storage.load(MINE), snapshotOf('mine-1'));

    const pointer = readFileSync(join(folder, 'tasks-latest.json'), 'utf8');
    assert.doesNotMatch(pointer, /agent\.example|bbbb2222/);
    assert.equal(readdirSync(folder).length, 3, 'one file per account and the pointer');
  });

  it('forgets the latest when asked, and reads a damaged or foreign pointer as none', async () => {
    const storage = createTaskSnapshotStorage(vscode.Uri.file(folder));
    await storage.save(MINE, snapshotOf('mine-1'));
    await storage.forgetLatest?.();
    assert.equal(await storage.loadLatest?.(), undefined);
    await storage.forgetLatest?.();
    assert.deepEqual(await storage.load(MINE), snapshotOf('mine-1'), 'the account’s own snapshot stays');

    writeFileSync(join(folder, 'tasks-latest.json'), JSON.stringify({ file: '../settings.json' }));
    assert.equal(await storage.loadLatest?.(), undefined);
    writeFileSync(join(folder, 'tasks-latest.json'), JSON.stringify({ file: 'tasks-0123456789abcdef.json' }));
    assert.equal(await storage.loadLatest?.(), undefined, 'a pointer to a file that is gone');
  });

  describe('in the running extension', () => {
    const suite = useEmulator();

    it('points at the connected account’s saved list, and drops the pointer when the key is cleared', async function () {
      const storageFolder = globalStorageFolder();
      if (!storageFolder) this.skip();
      const pointer = join(storageFolder, 'tasks-latest.json');
      const { emulator, api } = suite;
      const id = emulator.addTask({
        api: 'agent',
        prompt: 'Saved for the next start',
        status: 'completed',
        createdAgoMs: 60_000,
      }).id;
      await setKey(emulator.keys.agent);
      setActivityOverride({ visible: true, focused: true });
      try {
        await waitUntil(() => api.store.get(id) !== undefined && !readTasksView(api).stale, {
          what: 'the first list',
        });
        // Written after the store's quiet time; the pointer names it.
        const { file, text: saved } = await waitForSavedTaskList('the drawn list to be saved', (list) =>
          list.text.includes(id),
        );
        assert.ok(!saved.includes(emulator.keys.agent), 'the key is never written');

        await clearKey();
        await waitUntil(() => !existsSync(pointer), { what: 'the pointer to go' });
        assert.ok(existsSync(join(storageFolder, file)), 'the account’s list stays for when its key comes back');
      } finally {
        setActivityOverride(undefined);
      }
    });
  });
});
