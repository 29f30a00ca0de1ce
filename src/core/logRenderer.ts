import type { LogStreamEvent } from './logEvents';
import { isTerminal, type TaskStatus } from './model';
import { StreamingTextCleaner, cleanTerminalLine, clip, oneLine } from './untrustedText';
import { formatDuration, formatSeconds, formatTimeOfDay } from './timeFormat';

/**
 * Turns a task's log events into text for a person, one event at a time: agent prose
 * flows as it streams (deltas joined), each tool call is one line with its key input and
 * a short excerpt of its output, Cloud log lines are grouped by step, connection trouble
 * is a short note. Pure and incremental: `render` returns only the text to append, and
 * the renderer keeps no log text, only the state of open tool calls and a short tail of
 * an unfinished escape sequence, so memory stays flat however long the log.
 */

export interface LogRendererOptions {
  /** Lines kept from the start and from the end of a tool's output (or a long log message). */
  readonly headLines?: number;
  readonly tailLines?: number;
  /** Longer lines are cut with an ellipsis. */
  readonly maxLineChars?: number;
  /** The run's start, when known before its `start` event (a task's startedAt). */
  readonly startedAt?: number;
  /** The run's end, when already known (replaying a finished task). */
  readonly completedAt?: number;
  /** "Now" for the duration of a run that ends while it is watched; without it and without completedAt no duration is shown. */
  readonly now?: () => number;
  /** IANA zone for times of day (default: the machine's). */
  readonly timeZone?: string;
  /** The status already shown above the log (the header's): only a change is printed. */
  readonly status?: TaskStatus;
  /** Always name the agent in Cloud step headings (multi-agent tasks). */
  readonly showAgents?: boolean;
  /** Tool calls tracked at once; the oldest open one is forgotten beyond this. */
  readonly maxOpenToolCalls?: number;
}

/** What the renderer saw, for the extension's own diagnostics. */
export interface LogRenderStats {
  readonly events: number;
  readonly unknown: number;
  readonly malformed: number;
  /** Unknown event types and how often each came (at most a few dozen types are named). */
  readonly unknownTypes: Readonly<Record<string, number>>;
}

interface ToolCallState {
  readonly name: string;
  /** `bash: npm test`, once the input is known. */
  summary?: string;
  shown: boolean;
}

const DEFAULTS = {
  headLines: 6,
  tailLines: 4,
  maxLineChars: 240,
  maxOpenToolCalls: 64,
};
const LOG_MESSAGE_HEAD_LINES = 40;
const LOG_MESSAGE_TAIL_LINES = 10;
const MAX_NAMED_UNKNOWN_TYPES = 32;
const MAX_FILES_LISTED = 12;
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

export class LogRenderer {
  private readonly headLines: number;
  private readonly tailLines: number;
  private readonly maxLineChars: number;
  private readonly maxOpenToolCalls: number;

  /** Newlines at the end of everything rendered so far (0–2); -1 before anything is rendered. */
  private trailingNewlines = -1;
  /** The open text block's id ('' for one without an id), or undefined between blocks. */
  private textBlock: string | undefined;
  private textBlockEmpty = true;
  /** Prose resumes on a fresh line after a connection note: its leading blanks would indent it. */
  private resumingAfterNote = false;
  private readonly cleaner = new StreamingTextCleaner();
  private readonly toolCalls = new Map<string, ToolCallState>();
  /** The tool call whose line was printed last, so output under another call's line gets its own. */
  private lastToolLine: string | undefined;
  private cloudSection: string | undefined;
  private firstAgent: string | undefined;
  private lastStatus: TaskStatus | undefined;
  private finished = false;
  private reconnecting = false;
  private reconnectsInARow = 0;
  private startedAt: number | undefined;

  private eventCount = 0;
  private unknownCount = 0;
  private malformedCount = 0;
  private readonly unknownTypes = new Map<string, number>();

  constructor(private readonly options: LogRendererOptions = {}) {
    this.headLines = Math.max(0, options.headLines ?? DEFAULTS.headLines);
    this.tailLines = Math.max(0, options.tailLines ?? DEFAULTS.tailLines);
    this.maxLineChars = Math.max(8, options.maxLineChars ?? DEFAULTS.maxLineChars);
    this.maxOpenToolCalls = Math.max(1, options.maxOpenToolCalls ?? DEFAULTS.maxOpenToolCalls);
    this.startedAt = options.startedAt;
    this.lastStatus = options.status;
  }

  /** The text this event adds to the log (often empty). */
  render(event: LogStreamEvent): string {
    this.eventCount++;
    switch (event.kind) {
      case 'text-start':
        return this.pendingToolLines() + this.openTextBlock(event.blockId ?? '');
      case 'text':
        return this.renderText(event.text, event.blockId);
      case 'tool-start':
        this.rememberToolCall(event.toolCallId, event.toolName);
        return '';
      case 'tool-input':
        return this.renderToolInput(event.toolCallId, event.toolName, event.input);
      case 'tool-output':
        return this.renderToolOutput(event.toolCallId, event.toolName, event.output);
      case 'files':
        return this.renderFiles(event.files);
      case 'log':
        return this.renderCloudLog(event);
      case 'start':
        if (event.startedAt !== undefined) this.startedAt = event.startedAt;
        return this.lines([`▶ Run started${this.at(event.startedAt)}`]);
      case 'status':
        return this.renderStatus(event.status, event.rawStatus, event.error);
      case 'finish':
        return this.renderFinish(event.status, event.rawStatus);
      case 'error':
        return this.lines(this.labelled('✘ Error: ', event.message));
      case 'unknown':
        this.countUnknown(event.type);
        return '';
      case 'malformed':
        this.malformedCount++;
        return '';
      case 'connected':
        return this.renderConnected();
      case 'reconnecting':
        this.reconnecting = true;
        this.reconnectsInARow++;
        return this.note(`— connection lost, reconnecting in ${formatSeconds(event.delayMs)} —`);
      case 'gave-up': {
        const attempts = this.reconnectsInARow;
        const after = attempts > 0 ? ` after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}` : '';
        return this.note(`— gave up${after}: ${oneLine(event.reason, 200)} —`);
      }
      default:
        // A kind added to the event union later: skipped like an unknown type.
        this.countUnknown((event as { kind?: unknown }).kind === undefined ? '(none)' : String((event as { kind?: unknown }).kind));
        return '';
    }
  }

  /** The stream ended: closes an open line and names tool calls that never finished. */
  end(): string {
    let out = this.pendingToolLines();
    out += this.closeTextBlock();
    if (this.trailingNewlines === 0) out += this.emit('\n');
    return out;
  }

  get stats(): LogRenderStats {
    return {
      events: this.eventCount,
      unknown: this.unknownCount,
      malformed: this.malformedCount,
      unknownTypes: Object.fromEntries(this.unknownTypes),
    };
  }

  /** Whether a finish line (or a terminal status) has been rendered. */
  get hasFinished(): boolean {
    return this.finished;
  }

  /** State the renderer holds right now, for checking that it stays bounded. */
  get retainedState(): { readonly openToolCalls: number; readonly heldChars: number } {
    return { openToolCalls: this.toolCalls.size, heldChars: this.cleaner.heldChars };
  }

  // --- prose ---------------------------------------------------------------

  private renderText(text: string, blockId: string | undefined): string {
    let out = this.pendingToolLines();
    if (this.textBlock === undefined || (blockId !== undefined && blockId !== this.textBlock)) {
      out += this.openTextBlock(blockId ?? '');
    }
    this.progressed();
    let clean = this.cleaner.push(text);
    if (this.textBlockEmpty) {
      // The block's spacing is ours; the model's leading blank lines would double it.
      clean = clean.replace(/^\n+/, '');
      if (clean.length === 0) return out;
      this.textBlockEmpty = false;
    }
    if (this.resumingAfterNote) {
      clean = clean.replace(/^[ \t]+/, '');
      if (clean.length === 0) return out;
      this.resumingAfterNote = false;
    }
    return out + this.emit(clean);
  }

  private openTextBlock(id: string): string {
    if (this.textBlock === id) return '';
    let out = this.closeTextBlock();
    out += this.blankLine();
    this.textBlock = id;
    this.textBlockEmpty = true;
    this.resumingAfterNote = false;
    return out;
  }

  private closeTextBlock(): string {
    if (this.textBlock === undefined) return '';
    this.textBlock = undefined;
    const rest = this.cleaner.end();
    return rest.length > 0 && !this.textBlockEmpty ? this.emit(rest) : '';
  }

  // --- tool calls ----------------------------------------------------------

  private rememberToolCall(id: string, name: string): ToolCallState {
    let state = this.toolCalls.get(id);
    if (!state) {
      if (this.toolCalls.size >= this.maxOpenToolCalls) {
        const oldest = this.toolCalls.keys().next().value;
        if (oldest !== undefined) this.toolCalls.delete(oldest);
      }
      state = { name: oneLine(name, 80) || 'tool', shown: false };
      this.toolCalls.set(id, state);
    }
    return state;
  }

  private renderToolInput(id: string, name: string, input: unknown): string {
    const state = this.rememberToolCall(id, name);
    const key = keyInput(input, this.maxLineChars);
    state.summary = key ? `${state.name}: ${key}` : state.name;
    state.shown = true;
    this.lastToolLine = id;
    this.progressed();
    return this.block([`▸ ${state.summary}`]);
  }

  private renderToolOutput(id: string, name: string, output: unknown): string {
    const state = this.toolCalls.get(id) ?? { name: oneLine(name, 80) || 'tool', shown: false };
    this.toolCalls.delete(id);
    const lines: string[] = [];
    if (!state.shown || this.lastToolLine !== id) lines.push(`▸ ${state.summary ?? state.name}`);
    this.lastToolLine = id;
    lines.push(...this.outputLines(output));
    this.progressed();
    return this.block(lines);
  }

  /** Calls that started but whose input never came are named before anything else is printed. */
  private pendingToolLines(): string {
    if (this.toolCalls.size === 0) return '';
    const lines: string[] = [];
    for (const [id, state] of this.toolCalls) {
      if (state.shown) continue;
      state.shown = true;
      this.lastToolLine = id;
      lines.push(`▸ ${state.name}`);
    }
    return lines.length > 0 ? this.block(lines) : '';
  }

  private outputLines(output: unknown): string[] {
    const fields = outputFields(output);
    const lines: string[] = [];
    if (fields.stdout !== undefined) lines.push(...this.excerpt(fields.stdout, this.headLines, this.tailLines).map((l) => OUTPUT_PREFIX + l));
    if (fields.stderr !== undefined) lines.push(...this.excerpt(fields.stderr, this.headLines, this.tailLines).map((l) => STDERR_PREFIX + l));
    if (fields.other !== undefined) lines.push(OUTPUT_PREFIX + fields.other);
    if (fields.error !== undefined) lines.push(`${RESULT_PREFIX}error: ${oneLine(fields.error, this.maxLineChars)}`);
    else if (fields.exitCode !== undefined) lines.push(`${RESULT_PREFIX}exit ${fields.exitCode}`);
    else lines.push(`${RESULT_PREFIX}done`);
    return lines;
  }

  // --- other events --------------------------------------------------------

  private renderFiles(files: readonly string[]): string {
    const names = files.slice(0, MAX_FILES_LISTED).map((f) => oneLine(f, 120)).filter((f) => f.length > 0);
    if (names.length === 0) return '';
    const more = files.length > MAX_FILES_LISTED ? `, and ${files.length - MAX_FILES_LISTED} more` : '';
    return this.lines([`✎ Files changed (${files.length}): ${names.join(', ')}${more}`]);
  }

  private renderCloudLog(event: Extract<LogStreamEvent, { kind: 'log' }>): string {
    const message = this.excerpt(event.message, LOG_MESSAGE_HEAD_LINES, LOG_MESSAGE_TAIL_LINES);
    while (message.length > 0 && message[message.length - 1]?.trim() === '') message.pop();
    if (message.length === 0) return '';
    const lines: string[] = [];
    const agent = event.agent ? oneLine(event.agent, 40) : undefined;
    if (agent && this.firstAgent === undefined) this.firstAgent = agent;
    const step = event.step ? oneLine(event.step, 60).replace(/_/g, ' ') : undefined;
    const namesAgent = agent !== undefined && (this.options.showAgents === true || agent !== this.firstAgent);
    const section = [step, namesAgent ? agent : undefined].filter(Boolean).join(' · ');
    if (section && section !== this.cloudSection) {
      this.cloudSection = section;
      lines.push(`── ${section} ──`);
    }
    const marker = levelMarker(event.level);
    const indent = ' '.repeat(Array.from(marker).length);
    message.forEach((line, i) => lines.push((i === 0 ? marker : indent) + line));
    return this.lines(lines);
  }

  private renderStatus(status: TaskStatus, rawStatus: string, error: string | undefined): string {
    if (isTerminal(status)) return this.renderFinish(status, rawStatus, error);
    if (status === this.lastStatus && error === undefined) return '';
    this.lastStatus = status;
    const lines = [`● Status: ${statusWord(status, rawStatus)}`];
    if (error) lines.push(...this.labelled('✘ Error: ', error));
    return this.lines(lines);
  }

  private renderFinish(status: TaskStatus, rawStatus: string | undefined, error?: string): string {
    if (this.finished) return error ? this.lines(this.labelled('✘ Error: ', error)) : '';
    this.finished = true;
    this.lastStatus = status;
    let out = this.pendingToolLines();
    if (error) out += this.lines(this.labelled('✘ Error: ', error));
    out += this.closeTextBlock() + this.blankLine();
    return out + this.writeLines([this.finishLine(status, rawStatus)]);
  }

  private finishLine(status: TaskStatus, rawStatus: string | undefined): string {
    const end = this.options.completedAt ?? this.options.now?.();
    const took = this.startedAt !== undefined && end !== undefined ? formatDuration(end - this.startedAt) : undefined;
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

  private renderConnected(): string {
    if (!this.reconnecting) return '';
    this.reconnecting = false;
    return this.note('— reconnected —');
  }

  private countUnknown(type: string): void {
    this.unknownCount++;
    const name = oneLine(type, 40) || '(empty)';
    const seen = this.unknownTypes.get(name);
    if (seen !== undefined) this.unknownTypes.set(name, seen + 1);
    else if (this.unknownTypes.size < MAX_NAMED_UNKNOWN_TYPES) this.unknownTypes.set(name, 1);
  }

  /** A real event arrived: the reconnect streak is over. */
  private progressed(): void {
    this.reconnectsInARow = 0;
  }

  // --- layout --------------------------------------------------------------

  /** A group of lines (a tool call, a log line): set off from prose by a blank line. */
  private lines(lines: readonly string[]): string {
    this.progressed();
    return this.pendingToolLines() + this.block(lines);
  }

  /** Lines that end an open text block first. */
  private block(lines: readonly string[]): string {
    const out = this.textBlock !== undefined ? this.closeTextBlock() + this.blankLine() : '';
    return out + this.writeLines(lines);
  }

  /** A connection note: its own line, but prose of the same block continues after it. */
  private note(text: string): string {
    if (this.textBlock !== undefined && !this.textBlockEmpty) this.resumingAfterNote = true;
    return this.lineStart() + this.emit(`${text}\n`);
  }

  private writeLines(lines: readonly string[]): string {
    this.resumingAfterNote = false;
    if (lines.length === 0) return '';
    return this.lineStart() + this.emit(`${lines.join('\n')}\n`);
  }

  private lineStart(): string {
    return this.trailingNewlines === 0 ? this.emit('\n') : '';
  }

  private blankLine(): string {
    if (this.trailingNewlines < 0 || this.trailingNewlines >= 2) return '';
    return this.emit('\n'.repeat(2 - this.trailingNewlines));
  }

  /** Every character leaves through here, so the count of trailing newlines stays true. */
  private emit(text: string): string {
    if (text.length === 0) return text;
    let newlines = 0;
    for (let i = text.length - 1; i >= 0 && newlines < 2 && text.charCodeAt(i) === 10; i--) newlines++;
    this.trailingNewlines = newlines === text.length && this.trailingNewlines > 0 ? Math.min(2, this.trailingNewlines + newlines) : newlines;
    return text;
  }

  /** `Label: first line` then the rest indented under it. */
  private labelled(label: string, text: string): string[] {
    const body = this.excerpt(text, LOG_MESSAGE_HEAD_LINES, LOG_MESSAGE_TAIL_LINES);
    while (body.length > 0 && body[body.length - 1]?.trim() === '') body.pop();
    const indent = ' '.repeat(Array.from(label).length);
    if (body.length === 0) return [label.trimEnd()];
    return body.map((line, i) => (i === 0 ? label : indent) + line);
  }

  private at(epochMs: number | undefined): string {
    const time = formatTimeOfDay(epochMs, this.options.timeZone);
    return time ? ` at ${time}` : '';
  }

  /**
   * The first and last lines of a text that may be megabytes long, each clipped, with a
   * count of what was left out. Works on the ends of the text only, so its cost is the
   * excerpt's, not the text's (except one scan counting the skipped lines).
   */
  private excerpt(raw: string, headCount: number, tailCount: number): string[] {
    const text = raw.endsWith('\n') ? raw.slice(0, raw.endsWith('\r\n') ? -2 : -1) : raw;
    if (text.length === 0) return [];
    const head: string[] = [];
    let cursor = 0;
    while (head.length < headCount && cursor <= text.length) {
      const end = text.indexOf('\n', cursor);
      const stop = end < 0 ? text.length : end;
      head.push(this.cleanLine(text, cursor, stop));
      cursor = stop + 1;
    }
    if (cursor > text.length) return head;
    const tail: string[] = [];
    let tailStart = text.length;
    while (tail.length < tailCount && tailStart > cursor) {
      const newline = text.lastIndexOf('\n', tailStart - 1);
      if (newline < cursor) {
        tail.unshift(this.cleanLine(text, cursor, tailStart));
        return [...head, ...tail];
      }
      tail.unshift(this.cleanLine(text, newline + 1, tailStart));
      tailStart = newline;
    }
    // The lines in [cursor, tailStart) are left out; a newline at tailStart ends the last of them.
    let skipped = 1;
    for (let i = text.indexOf('\n', cursor); i >= 0 && i < tailStart; i = text.indexOf('\n', i + 1)) skipped++;
    if (skipped === 1) return [...head, this.cleanLine(text, cursor, tailStart), ...tail];
    return [...head, `… ${formatCount(skipped)} more lines …`, ...tail];
  }

  private cleanLine(text: string, start: number, end: number): string {
    // Cut first so a five-megabyte line costs no more than a short one.
    const slice = text.slice(start, Math.min(end, start + this.maxLineChars * 2 + 64));
    const clean = cleanTerminalLine(slice).replace(/\t/g, '  ');
    const cut = end - start > this.maxLineChars * 2 + 64;
    return cut && clean.length <= this.maxLineChars ? `${clean}…` : clip(clean, this.maxLineChars);
  }
}

let countFormat: Intl.NumberFormat | undefined;

/** 12,345: one formatter for every count, as toLocaleString builds one per call (a measurable cost per tool output). */
function formatCount(n: number): string {
  countFormat ??= new Intl.NumberFormat('en-US');
  return countFormat.format(n);
}

/** Renders a whole event sequence to text: the pure pipeline entry for tests and benchmarks. */
export function renderEvents(events: Iterable<LogStreamEvent>, options?: LogRendererOptions): string {
  const renderer = new LogRenderer(options);
  let out = '';
  for (const event of events) out += renderer.render(event);
  return out + renderer.end();
}

/**
 * Renders a live event stream into `write` as it arrives (the whole pipeline after the
 * client: what the extension does per task, minus the Output channel). Resolves with the
 * renderer's counts when the stream ends.
 */
export async function renderEventStream(
  events: AsyncIterable<LogStreamEvent>,
  write: (text: string) => void,
  options?: LogRendererOptions,
): Promise<LogRenderStats> {
  const renderer = new LogRenderer(options);
  for await (const event of events) {
    const text = renderer.render(event);
    if (text.length > 0) write(text);
  }
  const rest = renderer.end();
  if (rest.length > 0) write(rest);
  return renderer.stats;
}

function levelMarker(level: string): string {
  switch (level) {
    case 'error':
      return '✘ ';
    case 'warning':
      return '⚠ ';
    case 'success':
      return '✔ ';
    default:
      return '';
  }
}

function statusWord(status: TaskStatus, rawStatus: string): string {
  return status === 'unknown' ? oneLine(rawStatus, 40) || 'unknown' : status;
}

/** The one input field that says what a tool call does, as a single short line. */
function keyInput(input: unknown, maxLineChars: number): string | undefined {
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
  if (content !== undefined && value !== content) summary += ` (${countLines(content)} ${countLines(content) === 1 ? 'line' : 'lines'})`;
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
  if (fields.stdout === undefined && fields.stderr === undefined && fields.exitCode === undefined && fields.error === undefined) {
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
