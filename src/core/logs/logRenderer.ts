import type { LogStreamEvent } from './logEvents';
import type { LogRenderStats, LogRendererOptions } from './logRendererOptions';
import { isTerminal, type TaskStatus } from '../tasks/model';
import { StreamingTextCleaner, oneLine } from '../util/untrustedText';
import { formatDuration, formatTimeOfDay } from '../util/timeFormat';
import { labelled } from './logExcerpt';
import { keyInput, toolOutputLines } from './toolCallText';
import { CloudLogLines } from './cloudLogLines';
import { finishLine, statusWord } from './runStatusLines';
import { ConnectionNotes } from './connectionNotes';
import { OpenToolCalls } from './openToolCalls';

/**
 * Turns a task's log events into text for a person, one event at a time: agent prose
 * flows as it streams (deltas joined), each tool call is one line with its key input and
 * a short excerpt of its output, Cloud log lines are grouped by step, connection trouble
 * is a short note. Pure and incremental: `render` returns only the text to append, and
 * the renderer keeps no log text, only the state of open tool calls and a short tail of
 * an unfinished escape sequence, so memory stays flat however long the log.
 *
 * This file keeps the renderer's state and its layout (which event goes where, and the
 * blank lines between); the text of tool calls (toolCallText.ts), Cloud log lines
 * (cloudLogLines.ts), connection notes (connectionNotes.ts), excerpts of long text
 * (logExcerpt.ts), status wording (runStatusLines.ts) and the bounded set of open tool
 * calls (openToolCalls.ts) live beside it.
 */

const DEFAULTS = {
  headLines: 6,
  tailLines: 4,
  maxLineChars: 240,
  maxOpenToolCalls: 64,
};
const MAX_NAMED_UNKNOWN_TYPES = 32;
const MAX_FILES_LISTED = 12;

export class LogRenderer {
  private readonly headLines: number;
  private readonly tailLines: number;
  private readonly maxLineChars: number;

  /** Newlines at the end of everything rendered so far (0–2); -1 before anything is rendered. */
  private trailingNewlines = -1;
  /** The open text block's id ('' for one without an id), or undefined between blocks. */
  private textBlock: string | undefined;
  private textBlockEmpty = true;
  /** Prose resumes on a fresh line after a connection note: its leading blanks would indent it. */
  private resumingAfterNote = false;
  private readonly cleaner = new StreamingTextCleaner();
  private readonly toolCalls: OpenToolCalls;
  /** The tool call whose line was printed last, so output under another call's line gets its own. */
  private lastToolLine: string | undefined;
  private readonly cloudLog: CloudLogLines;
  private readonly connection = new ConnectionNotes();
  private lastStatus: TaskStatus | undefined;
  private finished = false;
  private startedAt: number | undefined;

  private eventCount = 0;
  private unknownCount = 0;
  private malformedCount = 0;
  private readonly unknownTypes = new Map<string, number>();

  constructor(private readonly options: LogRendererOptions = {}) {
    this.headLines = Math.max(0, options.headLines ?? DEFAULTS.headLines);
    this.tailLines = Math.max(0, options.tailLines ?? DEFAULTS.tailLines);
    this.maxLineChars = Math.max(8, options.maxLineChars ?? DEFAULTS.maxLineChars);
    this.toolCalls = new OpenToolCalls(Math.max(1, options.maxOpenToolCalls ?? DEFAULTS.maxOpenToolCalls));
    this.startedAt = options.startedAt;
    this.lastStatus = options.status;
    this.cloudLog = new CloudLogLines(options.showAgents === true, this.maxLineChars);
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
        this.toolCalls.remember(event.toolCallId, event.toolName);
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
        return this.lines(labelled('✘ Error: ', event.message, this.maxLineChars));
      case 'unknown':
        this.countUnknown(event.type);
        return '';
      case 'malformed':
        this.malformedCount++;
        return '';
      case 'connected':
        return this.renderConnected();
      case 'reconnecting':
        return this.note(this.connection.lost(event.delayMs));
      case 'gave-up':
        return this.note(this.connection.gaveUp(event.reason));
      default:
        // A kind added to the event union later: skipped like an unknown type.
        this.countUnknown(
          (event as { kind?: unknown }).kind === undefined ? '(none)' : String((event as { kind?: unknown }).kind),
        );
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

  private renderToolInput(id: string, name: string, input: unknown): string {
    const state = this.toolCalls.remember(id, name);
    const key = keyInput(input, this.maxLineChars);
    state.summary = key ? `${state.name}: ${key}` : state.name;
    state.shown = true;
    this.lastToolLine = id;
    this.progressed();
    return this.block([`▸ ${state.summary}`]);
  }

  private renderToolOutput(id: string, name: string, output: unknown): string {
    const state = this.toolCalls.finish(id, name);
    const lines: string[] = [];
    if (!state.shown || this.lastToolLine !== id) lines.push(`▸ ${state.summary ?? state.name}`);
    this.lastToolLine = id;
    lines.push(...toolOutputLines(output, this.headLines, this.tailLines, this.maxLineChars));
    this.progressed();
    return this.block(lines);
  }

  /** Calls that started but whose input never came are named before anything else is printed. */
  private pendingToolLines(): string {
    if (this.toolCalls.size === 0) return '';
    const unshown = this.toolCalls.takeUnshown();
    if (unshown.length === 0) return '';
    this.lastToolLine = unshown[unshown.length - 1]?.id;
    return this.block(unshown.map((call) => `▸ ${call.name}`));
  }

  // --- other events --------------------------------------------------------

  private renderFiles(files: readonly string[]): string {
    const names = files
      .slice(0, MAX_FILES_LISTED)
      .map((f) => oneLine(f, 120))
      .filter((f) => f.length > 0);
    if (names.length === 0) return '';
    const more = files.length > MAX_FILES_LISTED ? `, and ${files.length - MAX_FILES_LISTED} more` : '';
    return this.lines([`✎ Files changed (${files.length}): ${names.join(', ')}${more}`]);
  }

  private renderCloudLog(event: Extract<LogStreamEvent, { kind: 'log' }>): string {
    const lines = this.cloudLog.linesFor(event);
    return lines.length > 0 ? this.lines(lines) : '';
  }

  private renderStatus(status: TaskStatus, rawStatus: string, error: string | undefined): string {
    if (isTerminal(status)) return this.renderFinish(status, rawStatus, error);
    if (status === this.lastStatus && error === undefined) return '';
    this.lastStatus = status;
    const lines = [`● Status: ${statusWord(status, rawStatus)}`];
    if (error) lines.push(...labelled('✘ Error: ', error, this.maxLineChars));
    return this.lines(lines);
  }

  private renderFinish(status: TaskStatus, rawStatus: string | undefined, error?: string): string {
    if (this.finished) return error ? this.lines(labelled('✘ Error: ', error, this.maxLineChars)) : '';
    this.finished = true;
    this.lastStatus = status;
    let out = this.pendingToolLines();
    if (error) out += this.lines(labelled('✘ Error: ', error, this.maxLineChars));
    out += this.closeTextBlock() + this.blankLine();
    return out + this.writeLines([this.finishLine(status, rawStatus)]);
  }

  private finishLine(status: TaskStatus, rawStatus: string | undefined): string {
    const end = this.options.completedAt ?? this.options.now?.();
    const took = this.startedAt !== undefined && end !== undefined ? formatDuration(end - this.startedAt) : undefined;
    return finishLine(status, rawStatus, took);
  }

  private renderConnected(): string {
    const note = this.connection.regained();
    return note === undefined ? '' : this.note(note);
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
    this.connection.progressed();
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
    this.trailingNewlines =
      newlines === text.length && this.trailingNewlines > 0 ? Math.min(2, this.trailingNewlines + newlines) : newlines;
    return text;
  }

  private at(epochMs: number | undefined): string {
    const time = formatTimeOfDay(epochMs, this.options.timeZone);
    return time ? ` at ${time}` : '';
  }
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
