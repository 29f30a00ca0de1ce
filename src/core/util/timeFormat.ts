import * as l10n from '@vscode/l10n';

/**
 * Times and durations as a person reads them in a log. The time zone is injectable so
 * tests pin it (the extension uses the machine's own).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      ...(timeZone ? { timeZone } : {}),
    });
    formatters.set(key, formatter);
  }
  return formatter;
}

function parts(epochMs: number, timeZone: string | undefined): Record<string, string> {
  const found: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) found[part.type] = part.value;
  return found;
}

/** `2026-11-23 16:17:05`; undefined for a missing or impossible time. */
export function formatDateTime(epochMs: number | undefined, timeZone?: string): string | undefined {
  if (epochMs === undefined || !Number.isFinite(epochMs)) return undefined;
  const p = parts(epochMs, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** `16:17:05`; undefined for a missing or impossible time. */
export function formatTimeOfDay(epochMs: number | undefined, timeZone?: string): string | undefined {
  if (epochMs === undefined || !Number.isFinite(epochMs)) return undefined;
  const p = parts(epochMs, timeZone);
  return `${p.hour}:${p.minute}:${p.second}`;
}

/** `850ms`, `12s`, `4m 12s`, `2h 05m`; undefined for a negative or impossible span. */
export function formatDuration(ms: number | undefined): string | undefined {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return undefined;
  if (ms < 1000) return l10n.t('{0}ms', Math.round(ms));
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 60) return l10n.t('{0}s', totalSeconds);
  const totalMinutes = Math.floor(totalSeconds / 60);
  if (totalMinutes < 60) return l10n.t('{0}m {1}s', totalMinutes, totalSeconds % 60);
  const hours = Math.floor(totalMinutes / 60);
  return l10n.t('{0}h {1}m', hours, String(totalMinutes % 60).padStart(2, '0'));
}

/**
 * How long to wait, for a sentence about waiting ("try again in 30 s", "in 2 min"): whole seconds
 * rounded up (never 0 s) under two minutes, whole minutes rounded up above.
 */
export function formatWait(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 120) return l10n.t('{0} s', seconds);
  return l10n.t('{0} min', Math.ceil(seconds / 60));
}

/** A reconnect delay in words: `2 s`, `0.5 s`. */
export function formatSeconds(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  const rounded = seconds >= 10 ? Math.round(seconds) : Math.round(seconds * 10) / 10;
  return l10n.t('{0} s', rounded);
}

/** "45 s", "12 min", "1 h 5 min". */
export function formatElapsedRoughly(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return l10n.t('{0} s', seconds);
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return l10n.t('{0} min', minutes);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? l10n.t('{0} h {1} min', hours, rest) : l10n.t('{0} h', hours);
}
