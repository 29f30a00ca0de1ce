import type { TaskStatus } from '../tasks/model';
import { oneLine } from '../util/untrustedText';

/**
 * The words for a run's status and its final line. Kept apart from the log renderer
 * because they are pure wording; the renderer decides when a status or a finish is new.
 */

/** A known status as is; an unknown one by the API's own (cleaned) word for it. */
export function statusWord(status: TaskStatus, rawStatus: string): string {
  return status === 'unknown' ? oneLine(rawStatus, 40) || 'unknown' : status;
}

/** `■ Task completed in 3m 2s` and the like; `took` is the run's formatted duration when known. */
export function finishLine(status: TaskStatus, rawStatus: string | undefined, took: string | undefined): string {
  if (status === 'unknown' && rawStatus === undefined) return `■ Task ended${took ? ` after ${took}` : ''}`;
  switch (status) {
    case 'completed':
      return `■ Task completed${took ? ` in ${took}` : ''}`;
    case 'failed':
    case 'cancelled':
    case 'interrupted':
      return `■ Task ${status}${took ? ` after ${took}` : ''}`;
    default:
      return `■ Task ended with status ${statusWord(status, rawStatus ?? status)}${took ? ` after ${took}` : ''}`;
  }
}
