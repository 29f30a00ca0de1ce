import type { DisposableLike } from './disposable';

/**
 * A minimal event emitter with the same shape as vscode.Event, so the pure core can
 * publish changes without importing vscode and adapters can pass its events straight on.
 */
export type Disposable = DisposableLike;

export type Event<T> = (listener: (value: T) => void) => DisposableLike;

export class Emitter<T> implements DisposableLike {
  private listeners = new Set<(value: T) => void>();

  /**
   * `onListenerError` hears about a listener that threw (the owner sends it to the diagnostics
   * log); the other listeners still hear the change. Without one, the error is rethrown on its
   * own, so the host reports it rather than it vanishing.
   */
  constructor(private readonly onListenerError: (error: unknown) => void = rethrowLater) {}

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}

function rethrowLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}
