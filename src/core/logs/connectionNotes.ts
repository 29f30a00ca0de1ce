import { oneLine } from '../util/untrustedText';
import { formatSeconds } from '../util/timeFormat';
import * as l10n from '@vscode/l10n';

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
    return l10n.t('— connection lost, reconnecting in {0} —', formatSeconds(delayMs));
  }

  /** The note for a connection that came back; undefined for the first connection, which needs none. */
  regained(): string | undefined {
    if (!this.reconnecting) return undefined;
    this.reconnecting = false;
    return l10n.t('— reconnected —');
  }

  /** The note for a run that has not started yet, once until real progress. */
  waiting(): string | undefined {
    if (this.waitingNoted) return undefined;
    this.waitingNoted = true;
    return l10n.t('— waiting for the run to start —');
  }

  gaveUp(reason: string): string {
    const attempts = this.reconnectsInARow;
    const said = oneLine(reason, 200);
    if (attempts === 0) return l10n.t('— gave up: {0} —', said);
    if (attempts === 1) return l10n.t('— gave up after 1 attempt: {0} —', said);
    return l10n.t('— gave up after {0} attempts: {1} —', attempts, said);
  }

  /** A real event arrived: the reconnect streak is over. */
  progressed(): void {
    this.reconnectsInARow = 0;
    this.waitingNoted = false;
  }
}
