/**
 * A minimal event emitter with the same shape as vscode.Event, so the pure core can
 * publish changes without importing vscode and adapters can pass its events straight on.
 */
export interface Disposable {
  dispose(): void;
}

export type Event<T> = (listener: (value: T) => void) => Disposable;

export class Emitter<T> implements Disposable {
  private listeners = new Set<(value: T) => void>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch {
        // One faulty listener must not stop the others from hearing the change.
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
