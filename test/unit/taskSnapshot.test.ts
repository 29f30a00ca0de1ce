import * as assert from 'node:assert/strict';
import { accountKeyFor, parseSnapshot, parseSnapshotTask, SNAPSHOT_VERSION } from '../../src/core/tasks/taskSnapshot';

describe('taskSnapshot', () => {
  it('reads back what was written', () => {
    const task = {
      id: 'r1',
      api: 'agent',
      status: 'completed',
      rawStatus: 'completed',
      prompt: 'p',
      createdAt: 5,
      diffStats: { filesChanged: 1, linesAdded: 2, linesRemoved: 3 },
      followUps: [{ prompt: 'f', status: 'completed' }],
    };
    const parsed = parseSnapshot(
      JSON.parse(
        JSON.stringify({
          version: SNAPSHOT_VERSION,
          savedAt: 9,
          tasks: [task],
          details: [{ id: 'r1', fields: { prompt: 'p' }, final: true }],
          loadedCount: 50,
          hasMore: true,
        }),
      ),
    );
    assert.deepEqual(parsed?.tasks, [task]);
    assert.deepEqual(parsed?.details, [{ id: 'r1', fields: { prompt: 'p' }, final: true }]);
    assert.equal(parsed?.loadedCount, 50);
    assert.equal(parsed?.hasMore, true);
  });

  it('drops damaged entries and wrong types instead of failing', () => {
    assert.equal(parseSnapshot('nonsense'), undefined);
    assert.equal(parseSnapshot({ version: 999, tasks: [] }), undefined);
    const parsed = parseSnapshot({
      version: SNAPSHOT_VERSION,
      tasks: [{ id: 1 }, { id: 'ok', api: 'cloud', status: 'running', prompt: 7, createdAt: 'yesterday' }, null],
    });
    assert.deepEqual(parsed?.tasks, [{ id: 'ok', api: 'cloud', status: 'running', rawStatus: 'running' }]);
    assert.equal(parseSnapshotTask({ id: 'x', api: 'agent', status: 'exploded' }), undefined);
  });

  it('keys a snapshot by API kind and base URL only', () => {
    assert.equal(accountKeyFor('agent', 'https://agent.blackbox.ai/'), 'agent https://agent.blackbox.ai');
    assert.notEqual(accountKeyFor('agent', 'https://x'), accountKeyFor('cloud', 'https://x'));
    assert.notEqual(
      accountKeyFor('agent', 'https://x', 'aaaa1111'),
      accountKeyFor('agent', 'https://x', 'bbbb2222'),
      'two keys on one API never share a cache',
    );
  });
});
