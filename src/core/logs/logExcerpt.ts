import { cleanTerminalLine, clip } from '../util/untrustedText';
import * as l10n from '@vscode/l10n';

/**
 * Cutting untrusted, possibly huge text down to a few clean lines, shared by tool output,
 * Cloud log lines and error messages in the log renderer. Kept apart from the renderer
 * because it is pure text work with no rendering state.
 */

/** Lines kept from the start and from the end of a long log message or error. */
export const LOG_MESSAGE_HEAD_LINES = 40;
export const LOG_MESSAGE_TAIL_LINES = 10;

/**
 * The first and last lines of a text that may be megabytes long, each clipped, with a
 * count of what was left out. Works on the ends of the text only, so its cost is the
 * excerpt's, not the text's (except one scan counting the skipped lines).
 */
export function excerpt(raw: string, headCount: number, tailCount: number, maxLineChars: number): string[] {
  const text = raw.endsWith('\n') ? raw.slice(0, raw.endsWith('\r\n') ? -2 : -1) : raw;
  if (text.length === 0) return [];
  const head: string[] = [];
  let cursor = 0;
  while (head.length < headCount && cursor <= text.length) {
    const end = text.indexOf('\n', cursor);
    const stop = end < 0 ? text.length : end;
    head.push(cleanLine(text, cursor, stop, maxLineChars));
    cursor = stop + 1;
  }
  if (cursor > text.length) return head;
  const tail: string[] = [];
  let tailStart = text.length;
  while (tail.length < tailCount && tailStart > cursor) {
    const newline = text.lastIndexOf('\n', tailStart - 1);
    if (newline < cursor) {
      tail.unshift(cleanLine(text, cursor, tailStart, maxLineChars));
      return [...head, ...tail];
    }
    tail.unshift(cleanLine(text, newline + 1, tailStart, maxLineChars));
    tailStart = newline;
  }
  // The lines in [cursor, tailStart) are left out; a newline at tailStart ends the last of them.
  let skipped = 1;
  for (let i = text.indexOf('\n', cursor); i >= 0 && i < tailStart; i = text.indexOf('\n', i + 1)) skipped++;
  if (skipped === 1) return [...head, cleanLine(text, cursor, tailStart, maxLineChars), ...tail];
  return [...head, l10n.t('… {0} more lines …', formatCount(skipped)), ...tail];
}

/** `Label: first line` then the rest indented under it. */
export function labelled(label: string, text: string, maxLineChars: number): string[] {
  const body = excerpt(text, LOG_MESSAGE_HEAD_LINES, LOG_MESSAGE_TAIL_LINES, maxLineChars);
  while (body.length > 0 && body[body.length - 1]?.trim() === '') body.pop();
  const indent = ' '.repeat(Array.from(label).length);
  if (body.length === 0) return [label.trimEnd()];
  return body.map((line, i) => (i === 0 ? label : indent) + line);
}

function cleanLine(text: string, start: number, end: number, maxLineChars: number): string {
  // Cut first so a five-megabyte line costs no more than a short one.
  const slice = text.slice(start, Math.min(end, start + maxLineChars * 2 + 64));
  const clean = cleanTerminalLine(slice).replace(/\t/g, '  ');
  const cut = end - start > maxLineChars * 2 + 64;
  return cut && clean.length <= maxLineChars ? `${clean}…` : clip(clean, maxLineChars);
}

let countFormat: Intl.NumberFormat | undefined;

/** 12,345: one formatter for every count, as toLocaleString builds one per call (a measurable cost per tool output). */
function formatCount(n: number): string {
  countFormat ??= new Intl.NumberFormat('en-US');
  return countFormat.format(n);
}
