import * as assert from 'node:assert/strict';
import { Disposable, toDisposable } from '../../src/core/util/disposable';
import { Emitter } from '../../src/core/util/emitter';

class Owner extends Disposable {
  get disposed(): boolean {
    return this.isDisposed;
  }
}

describe('Disposable', () => {
  it('disposes what it registered, the latest first, once', () => {
    const order: string[] = [];
    const owner = new Owner();
    owner.register(toDisposable(() => order.push('first')));
    owner.register(toDisposable(() => order.push('second')));
    owner.dispose();
    owner.dispose();
    assert.deepEqual(order, ['second', 'first']);
    assert.equal(owner.disposed, true);
  });

  it('disposes at once what is registered after it was disposed', () => {
    const owner = new Owner();
    owner.dispose();
    let disposed = false;
    owner.register(toDisposable(() => (disposed = true)));
    assert.equal(disposed, true);
  });

  it('disposes the rest when one resource fails, then reports the failure', () => {
    const order: string[] = [];
    const owner = new Owner();
    owner.register(toDisposable(() => order.push('kept going')));
    owner.register(
      toDisposable(() => {
        throw new Error('broken');
      }),
    );
    assert.throws(() => owner.dispose(), /broken/);
    assert.deepEqual(order, ['kept going']);
  });

  it('toDisposable runs its function once', () => {
    let calls = 0;
    const disposable = toDisposable(() => calls++);
    disposable.dispose();
    disposable.dispose();
    assert.equal(calls, 1);
  });
});

describe('Emitter', () => {
  it('tells its owner about a listener that threw, and the other listeners still hear the change', () => {
    const failures: unknown[] = [];
    const emitter = new Emitter<number>((error) => failures.push(error));
    const heard: number[] = [];
    emitter.event(() => {
      throw new Error('listener broke');
    });
    emitter.event((value) => heard.push(value));
    emitter.fire(7);
    assert.deepEqual(heard, [7]);
    assert.equal(failures.length, 1);
    assert.match(String(failures[0]), /listener broke/);
  });
});
