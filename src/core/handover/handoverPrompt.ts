import type { TextLines, TodoMarker } from './todoComments';
import { cleanText, clip } from '../util/untrustedText';

/**
 * The prompt that hands a spot in the editor to an agent: a TODO comment, a problem VS Code
 * reports, or a selection. The agent clones the repository, so the prompt names the file by
 * its repository-relative path and the lines, says what to do, and quotes a short excerpt
 * so the spot can be found even if the line numbers have moved. Everything quoted is
 * bounded: a prompt is never larger than a few kilobytes, whatever the file.
 *
 * The prompt is written for the agent, in English like the code it works on; the user
 * sees it prefilled and can change every word before it is sent.
 */

export type HandoverSpot =
  | { readonly kind: 'todo'; readonly marker: TodoMarker; readonly comment: string }
  | {
      readonly kind: 'diagnostic';
      readonly severity: 'error' | 'warning';
      readonly message: string;
      readonly source?: string;
      readonly code?: string;
    }
  | { readonly kind: 'selection'; readonly code: string };

export interface HandoverInput {
  /** Repository-relative, with forward slashes. */
  readonly path: string;
  /** VS Code language id, used to label the code fences. */
  readonly languageId: string;
  /** Zero-based, inclusive. */
  readonly startLine: number;
  readonly endLine: number;
  readonly spot: HandoverSpot;
  /** Lines around the spot (see excerptAround); omitted for a selection, which quotes itself. */
  readonly excerpt?: Excerpt;
}

export interface Excerpt {
  /** Zero-based line of `lines[0]`. */
  readonly startLine: number;
  readonly lines: readonly string[];
}

export interface ExcerptLimits {
  /** Lines shown above and below the spot. */
  readonly context: number;
  /** Lines at most, the spot included. */
  readonly maxLines: number;
  readonly maxLineChars: number;
  readonly maxChars: number;
}

export const EXCERPT_LIMITS: ExcerptLimits = { context: 6, maxLines: 30, maxLineChars: 200, maxChars: 3_000 };
export const SELECTION_LIMITS = { maxLines: 150, maxLineChars: 400, maxChars: 8_000 } as const;
const MAX_COMMENT_CHARS = 1_000;
const MAX_MESSAGE_CHARS = 1_000;
const MAX_LABEL_CHARS = 100;

/**
 * The spot's lines with `context` lines on each side, within the limits: a long spot keeps
 * its start, a long line is clipped, and lines stop once `maxChars` would be passed.
 */
export function excerptAround(
  document: TextLines,
  startLine: number,
  endLine: number,
  limits: ExcerptLimits = EXCERPT_LIMITS,
): Excerpt {
  const first = Math.max(0, startLine - limits.context);
  const last = Math.min(document.lineCount - 1, endLine + limits.context, first + limits.maxLines - 1);
  const lines: string[] = [];
  let chars = 0;
  for (let line = first; line <= last; line++) {
    const text = clip(cleanText(document.lineAt(line)).replace(/\t/g, '  ').trimEnd(), limits.maxLineChars);
    chars += text.length + 1;
    if (chars > limits.maxChars && lines.length > 0) break;
    lines.push(text);
  }
  return { startLine: first, lines };
}

/** A selection's text within SELECTION_LIMITS, with a note of what was left out. */
export function boundedSelection(text: string): string {
  const all = cleanText(text).replace(/\t/g, '  ').split('\n');
  const kept: string[] = [];
  let chars = 0;
  for (const line of all) {
    const clipped = clip(line.trimEnd(), SELECTION_LIMITS.maxLineChars);
    if (kept.length >= SELECTION_LIMITS.maxLines || chars + clipped.length + 1 > SELECTION_LIMITS.maxChars) break;
    kept.push(clipped);
    chars += clipped.length + 1;
  }
  const left = all.length - kept.length;
  if (left > 0) kept.push(`… (${left} more line${left === 1 ? '' : 's'} not shown)`);
  return kept.join('\n');
}

/** The prompt: what to do, where, and the excerpt. */
export function buildHandoverPrompt(input: HandoverInput): string {
  const where = `${input.path}, ${lineRange(input.startLine, input.endLine)}`;
  const parts: string[] = [];
  const { spot } = input;
  if (spot.kind === 'todo') {
    parts.push(`Resolve this ${spot.marker} comment in ${where}:`);
    parts.push(quote(clip(cleanText(spot.comment).trim(), MAX_COMMENT_CHARS)));
  } else if (spot.kind === 'diagnostic') {
    const origin = [spot.source, spot.code].filter((part): part is string => Boolean(part)).join(' ');
    parts.push(`Fix this ${spot.severity} reported in ${where}${origin ? ` (${oneLineOf(origin)})` : ''}:`);
    parts.push(quote(clip(cleanText(spot.message).trim(), MAX_MESSAGE_CHARS)));
  } else {
    parts.push(`Change this code in ${where}:`);
    parts.push(fenced(boundedSelection(spot.code), input.languageId));
  }
  if (input.excerpt && input.excerpt.lines.length > 0) {
    const { startLine, lines } = input.excerpt;
    parts.push(`Excerpt (${lineRange(startLine, startLine + lines.length - 1)}):`);
    parts.push(fenced(lines.join('\n'), input.languageId));
  }
  return `${parts.join('\n\n')}\n`;
}

/** A one-line title for the code action: the comment or message, shortened. */
export function handoverLabel(text: string): string {
  return clip(oneLineOf(text), MAX_LABEL_CHARS);
}

function lineRange(start: number, end: number): string {
  return end > start ? `lines ${start + 1}–${end + 1}` : `line ${start + 1}`;
}

function oneLineOf(text: string): string {
  return cleanText(text).replace(/\s+/g, ' ').trim();
}

function quote(text: string): string {
  return text
    .split('\n')
    .map((line) => `> ${line}`.trimEnd())
    .join('\n');
}

/** A Markdown code fence longer than any backtick run inside, so quoted code cannot end it early. */
function fenced(code: string, languageId: string): string {
  const longest = Math.max(0, ...Array.from(code.matchAll(/`+/g), (match) => match[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const info = /^[\w+#-]+$/.test(languageId) ? languageId : '';
  return `${fence}${info}\n${code}\n${fence}`;
}
