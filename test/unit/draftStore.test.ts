import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { continueDraftKey, createDraftStore } from '../../src/adapters/prompts/draftStore';

/** An in-memory Memento whose updates resolve on a later tick, as the real one's do. */
function fakeMemento(): vscode.Memento & { readonly updates: number } {
  const values = new Map<string, unknown>();
  let updates = 0;
  return {
    get updates() {
      return updates;
    },
    keys: () => [...values.keys()],
    get: <T>(key: string, fallback?: T) => (values.has(key) ? (values.get(key) as T) : fallback),
    update: (key: string, value: unknown) => {
      updates++;
      return new Promise<void>((resolve) =>
        setImmediate(() => {
          if (value === undefined) values.delete(key);
          else values.set(key, structuredClone(value));
          resolve();
        }),
      );
    },
  };
}

describe('draftStore', () => {
  it('keeps a draft per key until it is cleared', async () => {
    const drafts = createDraftStore(fakeMemento());
    await drafts.save(continueDraftKey('a'), 'first follow-up');
    await drafts.save(continueDraftKey('b'), 'other task');
    assert.equal(drafts.get(continueDraftKey('a')), 'first follow-up');
    await drafts.clear(continueDraftKey('a'));
    assert.equal(drafts.get(continueDraftKey('a')), undefined);
    assert.equal(drafts.get(continueDraftKey('b')), 'other task');
  });

  it('treats whitespace-only text as no draft', async () => {
    const drafts = createDraftStore(fakeMemento());
    await drafts.save('k', 'text');
    await drafts.save('k', '  \n ');
    assert.equal(drafts.get('k'), undefined);
  });

  it('applies quick successive writes in order (typing, then clearing after a send)', async () => {
    const drafts = createDraftStore(fakeMemento());
    void drafts.save('k', 'a');
    void drafts.save('k', 'ab');
    await drafts.clear('k');
    assert.equal(drafts.get('k'), undefined);
  });

  it('keeps only the most recent drafts and bounds their length', async () => {
    let now = 0;
    const drafts = createDraftStore(fakeMemento(), () => now++);
    for (let index = 0; index < 35; index++) await drafts.save(`k${index}`, `draft ${index}`);
    assert.equal(drafts.get('k0'), undefined, 'the oldest drafts are dropped');
    assert.equal(drafts.get('k34'), 'draft 34');
    assert.equal(drafts.get('k5'), 'draft 5');
    await drafts.save('long', 'x'.repeat(200_000));
    assert.equal(drafts.get('long')?.length, 100_000);
  });

  it('ignores state it does not recognise instead of failing', async () => {
    const memento = fakeMemento();
    await memento.update('blackboxTasks.drafts', ['garbage', { key: 'k', text: 7 }, { key: 'ok', text: 'kept' }]);
    const drafts = createDraftStore(memento);
    assert.equal(drafts.get('k'), undefined);
    assert.equal(drafts.get('ok'), 'kept');
    await drafts.save('new', 'text');
    assert.equal(drafts.get('new'), 'text');
  });
});
