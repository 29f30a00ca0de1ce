import * as assert from 'node:assert/strict';
import { AppendBatcher, type BatchTimer } from '../../src/core/logs/appendBatcher';

/** A timer driven by hand: `advance` fires what is due, in order. */
function manualTimer(): BatchTimer & { advance(ms: number): void; readonly pending: number } {
  let now = 0;
  let nextId = 0;
  const due = new Map<number, { at: number; callback: () => void }>();
  return {
    set(callback, ms) {
      const id = ++nextId;
      due.set(id, { at: now + ms, callback });
      return id;
    },
    clear(handle) {
      due.delete(handle as number);
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const next = [...due.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!next) break;
        due.delete(next[0]);
        now = next[1].at;
        next[1].callback();
      }
      now = until;
    },
    get pending() {
      return due.size;
    },
  };
}

function setup(options: { intervalMs?: number; flushAtChars?: number } = {}) {
  const timer = manualTimer();
  const writes: string[] = [];
  const batcher = new AppendBatcher((text) => writes.push(text), { timer, ...options });
  return { timer, writes, batcher };
}

describe('AppendBatcher', () => {
  it('coalesces many appends into one write after the interval', () => {
    const { timer, writes, batcher } = setup();
    for (let i = 0; i < 500; i++) batcher.append(`d${i} `);
    assert.equal(writes.length, 0);
    timer.advance(74);
    assert.equal(writes.length, 0);
    timer.advance(1);
    assert.equal(writes.length, 1);
    assert.ok(writes[0]?.startsWith('d0 d1 d2 ') && writes[0].endsWith('d499 '));
  });

  it('waits at most one interval from the first pending append, then starts over', () => {
    const { timer, writes, batcher } = setup({ intervalMs: 50 });
    batcher.append('a');
    timer.advance(30);
    batcher.append('b');
    timer.advance(20);
    assert.deepEqual(writes, ['ab']);
    batcher.append('c');
    assert.equal(timer.pending, 1);
    timer.advance(49);
    assert.deepEqual(writes, ['ab']);
    timer.advance(1);
    assert.deepEqual(writes, ['ab', 'c']);
    assert.equal(timer.pending, 0, 'no timer runs while nothing is pending');
  });

  it('writes at once when the pending text reaches the threshold, so the buffer stays bounded', () => {
    const { timer, writes, batcher } = setup({ flushAtChars: 100 });
    // What is held back is what was appended and not yet written.
    let maxPending = 0;
    let appended = 0;
    for (let i = 0; i < 1000; i++) {
      batcher.append('0123456789');
      appended += 10;
      maxPending = Math.max(maxPending, appended - writes.join('').length);
    }
    assert.equal(writes.length, 100);
    assert.ok(writes.every((w) => w.length === 100));
    assert.ok(maxPending < 100);
    assert.equal(timer.pending, 0);
  });

  it('flush writes now; discard forgets; dispose stops for good', () => {
    const { timer, writes, batcher } = setup();
    batcher.append('kept');
    batcher.flush();
    assert.deepEqual(writes, ['kept']);
    batcher.flush();
    assert.deepEqual(writes, ['kept'], 'nothing pending: no empty write');
    batcher.append('dropped');
    batcher.discard();
    timer.advance(1000);
    assert.deepEqual(writes, ['kept']);
    batcher.append('after discard');
    batcher.dispose();
    batcher.append('after dispose');
    timer.advance(1000);
    batcher.flush();
    assert.deepEqual(writes, ['kept']);
    assert.equal(timer.pending, 0);
  });

  it('ignores empty appends', () => {
    const { timer, writes, batcher } = setup();
    batcher.append('');
    assert.equal(timer.pending, 0);
    timer.advance(100);
    assert.deepEqual(writes, []);
  });
});
