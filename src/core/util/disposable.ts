/** Anything that holds a resource until it is disposed; `vscode.Disposable` has this shape too. */
export interface DisposableLike {
  dispose(): void;
}

/**
 * A base for classes that own subscriptions, timers and child objects. `register()` hands a
 * resource to the object: it is disposed with it, the latest registered first (so what was built
 * on top of something goes before it). Registering after disposal disposes the resource at once,
 * so a late subscription cannot leak. One failing `dispose()` does not keep the rest alive.
 */
export class Disposable implements DisposableLike {
  private readonly owned: DisposableLike[] = [];
  private disposedState = false;

  protected get isDisposed(): boolean {
    return this.disposedState;
  }

  register<T extends DisposableLike>(resource: T): T {
    if (this.disposedState) {
      resource.dispose();
      return resource;
    }
    this.owned.push(resource);
    return resource;
  }

  dispose(): void {
    if (this.disposedState) return;
    this.disposedState = true;
    const errors: unknown[] = [];
    for (const resource of this.owned.splice(0).reverse()) {
      try {
        resource.dispose();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} resources failed to dispose`);
  }
}

/** A disposable that runs `dispose` once, however often it is called. */
export function toDisposable(dispose: () => void): DisposableLike {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      dispose();
    },
  };
}
