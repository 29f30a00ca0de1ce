import { oneLine } from '../util/untrustedText';
import { formatSeconds } from '../util/timeFormat';

/**
 * The short notes for connection trouble: lost, reconnected, gave up. Kept apart from the
 * log renderer because the reconnect streak is its own small state; the renderer only
 * decides where a note goes and tells this when real progress ends the streak.
 */
export class ConnectionNotes {
  private reconnecting = false;
  private reconnectsInARow = 0;
  private waitingNoted = false;

  lost(delayMs: number): string {
    this.reconnecting = true;
    this.reconnectsInARow++;
    return `— connection lost, reconnecting in ${formatSeconds(delayMs)} —`;
  }

  /** The note for a connection that came back; undefined for the first connection, which needs none. */
  regained(): string | undefined {
    if (!this.reconnecting) return undefined;
    this.reconnecting = false;
    return '— reconnected —';
  }

  /** The note for a run that has not started yet, once until real progress. */
  waiting(): string | undefined {
    if (this.waitingNoted) return undefined;
    this.waitingNoted = true;
    return '— waiting for the run to start —';
  }

  gaveUp(reason: string): string {
    const attempts = this.reconnectsInARow;
    const after = attempts > 0 ? ` after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}` : '';
    return `— gave up${after}: ${oneLine(reason, 200)} —`;
  }

  /** A real event arrived: the reconnect streak is over. */
  progressed(): void {
    this.reconnectsInARow = 0;
    this.waitingNoted = false;
  }
}
