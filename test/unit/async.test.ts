import * as assert from 'node:assert/strict';
import { eventOrTimeout } from '../../src/core/util/async';
import type { Event } from '../../src/core/util/emitter';

/** An event source that says whether anyone still listens. */
function source<T>(): { event: Event<T>; fire(value: T): void; listening(): number } {
  const listeners = new Set<(value: T) => void>();
  return {
    event: (listener) => {
      listeners.add(listener);
      return { dispose: () => listeners.delete(listener) };
    },
    fire: (value) => {
      for (const listener of [...listeners]) listener(value);
    },
    listening: () => listeners.size,
  };
}

describe('eventOrTimeout', () => {
  it('resolves at the first event it accepts and stops listening', async () => {
    const state = source<string>();
    let settled = false;
    const waiting = eventOrTimeout(state.event, 60_000, (value) => value === 'initialized').then(() => {
      settled = true;
    });
    state.fire('uninitialized');
    await Promise.resolve();
    assert.equal(settled, false, 'an event it does not accept changes nothing');
    state.fire('initialized');
    await waiting;
    assert.equal(settled, true);
    assert.equal(state.listening(), 0, 'the listener is gone once it has resolved');
  });

  it('resolves after the timeout when no event comes, and stops listening', async () => {
    const state = source<void>();
    const started = Date.now();
    await eventOrTimeout(state.event, 20);
    assert.ok(Date.now() - started >= 15);
    assert.equal(state.listening(), 0);
  });
});
