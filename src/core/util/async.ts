import type { Event } from './emitter';

/** A promise that rejects with the signal's reason once it is aborted, and never resolves. */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** Runs `run` over `items` with at most `limit` at a time; resolves when all are done. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      await run(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Resolves at the first event `accept` takes (any event, by default) or after `timeoutMs`,
 * whichever comes first; either way the listener and the timer are gone after.
 */
export function eventOrTimeout<T>(
  event: Event<T>,
  timeoutMs: number,
  accept: (value: T) => boolean = () => true,
): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(finish, timeoutMs);
    const subscription = event((value) => {
      if (accept(value)) finish();
    });
    function finish(): void {
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    }
  });
}
