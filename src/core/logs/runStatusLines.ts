import type { TaskStatus } from '../tasks/model';
import { oneLine } from '../util/untrustedText';
import * as l10n from '@vscode/l10n';

/**
 * The words for a run's status and its final line. Kept apart from the log renderer
 * because they are pure wording; the renderer decides when a status or a finish is new.
 */

/** A known status as is; an unknown one by the API's own (cleaned) word for it. */
export function logStatusWord(status: TaskStatus, rawStatus: string): string {
  return status === 'unknown' ? oneLine(rawStatus, 40) || l10n.t('unknown') : status;
}

/** `■ Task completed in 3m 2s` and the like; `took` is the run's formatted duration when known. */
export function finishLine(status: TaskStatus, rawStatus: string | undefined, took: string | undefined): string {
  if (status === 'unknown' && rawStatus === undefined)
    return took ? l10n.t('■ Task ended after {0}', took) : l10n.t('■ Task ended');
  switch (status) {
    case 'completed':
      return took ? l10n.t('■ Task completed in {0}', took) : l10n.t('■ Task completed');
    case 'failed':
    case 'cancelled':
    case 'interrupted':
      return took ? l10n.t('■ Task {0} after {1}', status, took) : l10n.t('■ Task {0}', status);
    default:
      return took
        ? l10n.t('■ Task ended with status {0} after {1}', logStatusWord(status, rawStatus ?? status), took)
        : l10n.t('■ Task ended with status {0}', logStatusWord(status, rawStatus ?? status));
  }
}
