import { excerpt } from './logExcerpt';
import { oneLine } from '../util/untrustedText';

/**
 * What a tool call's line says: the one input field that names what it does, and a short
 * excerpt of its output whatever shape the agent's tool gave it. Kept apart from the log
 * renderer because reading these loosely typed inputs and outputs is pure and stateless;
 * the renderer keeps only which calls are open and where their lines went.
 */

const MAX_SUMMARY_CHARS = 160;
const OUTPUT_PREFIX = '  │ ';
const STDERR_PREFIX = '  ! ';
const RESULT_PREFIX = '  └ ';

/** Input fields that say what a tool call is about, most telling first. */
const KEY_INPUT_FIELDS = [
  'command',
  'cmd',
  'pattern',
  'query',
  'file_path',
  'filePath',
  'path',
  'file',
  'filename',
  'url',
  'description',
  'prompt',
];

/** The lines under a tool call's line: its output's ends, its stderr's, then how it ended. */
export function toolOutputLines(output: unknown, headLines: number, tailLines: number, maxLineChars: number): string[] {
  const fields = outputFields(output);
  const lines: string[] = [];
  if (fields.stdout !== undefined)
    lines.push(...excerpt(fields.stdout, headLines, tailLines, maxLineChars).map((l) => OUTPUT_PREFIX + l));
  if (fields.stderr !== undefined)
    lines.push(...excerpt(fields.stderr, headLines, tailLines, maxLineChars).map((l) => STDERR_PREFIX + l));
  if (fields.other !== undefined) lines.push(OUTPUT_PREFIX + fields.other);
  if (fields.error !== undefined) lines.push(`${RESULT_PREFIX}error: ${oneLine(fields.error, maxLineChars)}`);
  else if (fields.exitCode !== undefined) lines.push(`${RESULT_PREFIX}exit ${fields.exitCode}`);
  else lines.push(`${RESULT_PREFIX}done`);
  return lines;
}

/** The one input field that says what a tool call does, as a single short line. */
export function keyInput(input: unknown, maxLineChars: number): string | undefined {
  if (typeof input === 'string') return summarise(input, maxLineChars);
  if (!input || typeof input !== 'object' || Array.isArray(input)) return undefined;
  const record = input as Record<string, unknown>;
  let value: string | undefined;
  for (const field of KEY_INPUT_FIELDS) {
    const candidate = asText(record[field]);
    if (candidate !== undefined && candidate.trim().length > 0) {
      value = candidate;
      break;
    }
  }
  if (value === undefined) {
    for (const candidate of Object.values(record)) {
      const text = typeof candidate === 'string' ? candidate : undefined;
      if (text !== undefined && text.trim().length > 0) {
        value = text;
        break;
      }
    }
  }
  if (value === undefined) return undefined;
  let summary = summarise(value, Math.min(maxLineChars, MAX_SUMMARY_CHARS));
  const content = typeof record.content === 'string' ? record.content : undefined;
  if (content !== undefined && value !== content)
    summary += ` (${countLines(content)} ${countLines(content) === 1 ? 'line' : 'lines'})`;
  return summary;
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(' ');
  return undefined;
}

/** First line of a value (a heredoc, a multi-line command), clean and clipped. */
function summarise(value: string, maxChars: number): string {
  const trimmed = value.trim();
  const newline = trimmed.indexOf('\n');
  const first = oneLine(newline < 0 ? trimmed : trimmed.slice(0, newline), maxChars);
  if (newline < 0) return first;
  const more = countLines(trimmed) - 1;
  return `${first} … (+${more} ${more === 1 ? 'line' : 'lines'})`;
}

function countLines(text: string): number {
  if (text.length === 0) return 0;
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < text.length - 1; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

interface OutputFields {
  stdout?: string;
  stderr?: string;
  exitCode?: number | string;
  error?: string;
  /** An output of no known shape, as one short JSON line. */
  other?: string;
}

/** The parts of a tool's output worth showing, whatever shape the agent's tool gave it. */
function outputFields(output: unknown): OutputFields {
  if (typeof output === 'string') return { stdout: output };
  if (output === undefined || output === null) return {};
  if (typeof output !== 'object' || Array.isArray(output)) return { other: compactJson(output) };
  const record = output as Record<string, unknown>;
  const fields: OutputFields = {};
  const stdout = firstString(record, ['stdout', 'output', 'result', 'content', 'text']);
  if (stdout !== undefined) fields.stdout = stdout;
  const stderr = firstString(record, ['stderr']);
  if (stderr !== undefined && stderr.length > 0) fields.stderr = stderr;
  for (const field of ['exitCode', 'exit_code', 'returncode', 'code']) {
    const value = record[field];
    if (typeof value === 'number' && Number.isFinite(value)) {
      fields.exitCode = value;
      break;
    }
  }
  const error = record.error;
  if (typeof error === 'string' && error.trim().length > 0) fields.error = error;
  else if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') {
    fields.error = (error as { message: string }).message;
  }
  if (
    fields.stdout === undefined &&
    fields.stderr === undefined &&
    fields.exitCode === undefined &&
    fields.error === undefined
  ) {
    const text = compactJson(output);
    if (text !== '{}') fields.other = text;
  }
  return fields;
}

function firstString(record: Record<string, unknown>, fields: readonly string[]): string | undefined {
  for (const field of fields) {
    const value = record[field];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

function compactJson(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return oneLine(text, 200);
}
