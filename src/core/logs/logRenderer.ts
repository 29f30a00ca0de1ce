import type { Clock } from '../util/clock';
import { systemClock } from '../util/clock';
import type { LogStreamEvent } from './logEvents';
import { isTerminal, type TaskStatus } from '../tasks/model';
import { StreamingTextCleaner, oneLine } from '../util/untrustedText';
import { formatDuration, formatSeconds, formatTimeOfDay } from '../util/timeFormat';
import { labelled } from './logExcerpt';
import { keyInput, toolOutputLines } from './toolCallText';
import { CloudLogLines } from './cloudLogLines';
import { OpenToolCalls } from './openToolCalls';
import * as l10n from '@vscode/l10n';

/**
 * Turns a task's log events into text for a person, one event at a time: agent prose
 * flows as it streams (deltas joined), each tool call is one line with its key input and
 * a short excerpt of its output, Cloud log lines are grouped by step, connection trouble
 * is a short note. Pure and incremental: `render` returns only the text to append, and
 * the renderer keeps no log text, only the state of open tool calls, a short tail of an
 * unfinished escape sequence and the current line of prose (bounded), so memory stays
 * flat however long the log.
 *
 * Connection notes never split a line of the agent's prose. A note that comes while a
 * line is half written is held until the line ends; the caller releases it after a short
 * delay (`releaseHeldNotes`) so a long outage is still reported promptly: the half line
 * is ended, the notes follow, and when the prose resumes the whole line is written again,
 * so every line of the agent's text reads in one piece exactly as it would without the
 * drop (a line longer than the kept bound resumes after a `↪ ` mark instead).
 *
 * This file keeps the renderer with its options, its wording of statuses and connection
 * notes, its state and its layout (which event goes where, and the blank lines between); the
 * text of tool calls (toolCallText.ts), Cloud log lines (cloudLogLines.ts), excerpts of long
 * text (logExcerpt.ts) and the bounded set of open tool calls (openToolCalls.ts) live beside it.
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
  /** Tool calls still open, and characters of an unfinished escape sequence held back: all the renderer keeps (bounded). */
  readonly openToolCalls: number;
  readonly heldChars: number;
}

const DEFAULTS = {
  headLines: 6,
  tailLines: 4,
  maxLineChars: 240,
  maxOpenToolCalls: 64,
};
const MAX_NAMED_UNKNOWN_TYPES = 32;
/** The longest half line of prose written again after a note; a longer one resumes after a mark. */
const MAX_REPRINTED_LINE_CHARS = 2000;
/** Notes held at once while a line is half written; older ones go (the streak is summed up by the last). */
const MAX_HELD_NOTES = 8;
const CONTINUATION_MARK = '↪ ';
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
  /** The prose written since its last line break, while it is short enough to write again. */
  private partialLine = '';
  private partialLineTooLong = false;
  /** Connection notes waiting for the half-written line to end. */
  private heldNotes: string[] = [];
  /** Notes were released in the middle of a line: the next prose writes that line again first. */
  private resumeLine: string | undefined;
  /** A terminal status seen before the finish: its line is written last, after any log lines that follow. */
  private pendingFinish: { readonly status: TaskStatus; readonly rawStatus: string } | undefined;
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
        return this.lines([l10n.t('▶ Run started{0}', this.at(event.startedAt))]);
      case 'status':
        return this.renderStatus(event.status, event.rawStatus, event.error);
      case 'finish':
        return this.renderFinish(event.status, event.rawStatus);
      case 'error':
        return this.lines(labelled(l10n.t('✘ Error: '), event.message, this.maxLineChars));
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
      case 'waiting': {
        const note = this.connection.waiting();
        return note === undefined ? '' : this.note(note);
      }
      case 'incomplete':
        return this.lines([
          event.missing === 1
            ? l10n.t('— 1 log line could not be fetched from the server —')
            : l10n.t('— {0} log lines could not be fetched from the server —', event.missing),
        ]);
      default:
        // A kind added to the event union later: skipped like an unknown type.
        this.countUnknown(
          (event as { kind?: unknown }).kind === undefined ? '(none)' : String((event as { kind?: unknown }).kind),
        );
        return '';
    }
  }

  /** The stream ended: closes an open line, names tool calls that never finished, and writes a held finish. */
  end(): string {
    let out = this.pendingToolLines();
    out += this.closeTextBlock();
    if (this.pendingFinish && !this.finished) {
      out += this.renderFinish(this.pendingFinish.status, this.pendingFinish.rawStatus);
    }
    if (this.trailingNewlines === 0) out += this.emit('\n');
    return out;
  }

  /** Whether connection notes wait for a half-written line to end (the caller may release them after a delay). */
  get holdsNotes(): boolean {
    return this.heldNotes.length > 0;
  }

  /**
   * Writes held notes now: the half line is ended, the notes follow, and the line is
   * written again in full when its prose resumes.
   */
  releaseHeldNotes(): string {
    if (this.heldNotes.length === 0) return '';
    this.resumeLine = this.partialLineTooLong ? CONTINUATION_MARK : this.partialLine;
    return this.lineStart() + this.writeHeldNotes();
  }

  get stats(): LogRenderStats {
    return {
      events: this.eventCount,
      unknown: this.unknownCount,
      malformed: this.malformedCount,
      unknownTypes: Object.fromEntries(this.unknownTypes),
      openToolCalls: this.toolCalls.size,
      heldChars: this.cleaner.heldChars,
    };
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
    if (this.resumeLine !== undefined) {
      out += this.emit(this.resumeLine);
      this.resumeLine = undefined;
    }
    if (this.heldNotes.length > 0) {
      const lineEnd = clean.indexOf('\n');
      if (lineEnd < 0) return out + this.emitProse(clean);
      out += this.emitProse(clean.slice(0, lineEnd + 1)) + this.writeHeldNotes();
      clean = clean.slice(lineEnd + 1);
    }
    return out + this.emitProse(clean);
  }

  /** Prose leaves through here, so the current half line is known if a note has to interrupt it. */
  private emitProse(text: string): string {
    if (text.length === 0) return text;
    const lineEnd = text.lastIndexOf('\n');
    if (lineEnd >= 0) {
      this.partialLine = text.slice(lineEnd + 1);
      this.partialLineTooLong = false;
    } else if (!this.partialLineTooLong) {
      this.partialLine += text;
    }
    if (this.partialLine.length > MAX_REPRINTED_LINE_CHARS) {
      this.partialLine = '';
      this.partialLineTooLong = true;
    }
    return this.emit(text);
  }

  private writeHeldNotes(): string {
    const notes = this.heldNotes;
    this.heldNotes = [];
    return this.emit(`${notes.join('\n')}\n`);
  }

  private openTextBlock(id: string): string {
    if (this.textBlock === id) return '';
    let out = this.closeTextBlock();
    out += this.blankLine();
    this.textBlock = id;
    this.textBlockEmpty = true;
    this.resetLine();
    return out;
  }

  private closeTextBlock(): string {
    if (this.textBlock === undefined) return '';
    this.textBlock = undefined;
    const rest = this.cleaner.end();
    let out = rest.length > 0 && !this.textBlockEmpty ? this.emit(rest) : '';
    // The block's line is over: notes held for it go right after it.
    if (this.heldNotes.length > 0) out += this.lineStart() + this.writeHeldNotes();
    this.resetLine();
    return out;
  }

  private resetLine(): void {
    this.partialLine = '';
    this.partialLineTooLong = false;
    this.resumeLine = undefined;
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
    const more = files.length > MAX_FILES_LISTED ? l10n.t(', and {0} more', files.length - MAX_FILES_LISTED) : '';
    return this.lines([l10n.t('✎ Files changed ({0}): {1}{2}', files.length, names.join(', '), more)]);
  }

  private renderCloudLog(event: Extract<LogStreamEvent, { kind: 'log' }>): string {
    const lines = this.cloudLog.linesFor(event);
    return lines.length > 0 ? this.lines(lines) : '';
  }

  private renderStatus(status: TaskStatus, rawStatus: string, error: string | undefined): string {
    if (isTerminal(status) && !this.finished) {
      // A finished task may send its status before its log lines: the finish line waits for the end.
      this.lastStatus = status;
      this.pendingFinish = { status, rawStatus };
      return error ? this.lines(labelled(l10n.t('✘ Error: '), error, this.maxLineChars)) : '';
    }
    if (isTerminal(status)) return this.renderFinish(status, rawStatus, error);
    this.pendingFinish = undefined;
    if (status === this.lastStatus && error === undefined) return '';
    this.lastStatus = status;
    const lines = [l10n.t('● Status: {0}', logStatusWord(status, rawStatus))];
    if (error) lines.push(...labelled(l10n.t('✘ Error: '), error, this.maxLineChars));
    return this.lines(lines);
  }

  private renderFinish(status: TaskStatus, rawStatus: string | undefined, error?: string): string {
    if (this.finished) return error ? this.lines(labelled(l10n.t('✘ Error: '), error, this.maxLineChars)) : '';
    this.finished = true;
    this.lastStatus = status;
    let out = this.pendingToolLines();
    if (error) out += this.lines(labelled(l10n.t('✘ Error: '), error, this.maxLineChars));
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

  /**
   * A connection note: its own line. In the middle of a line of prose it is held until the
   * line ends (or the caller releases it), so the line is never split by it.
   */
  private note(text: string): string {
    if (this.textBlock !== undefined && this.trailingNewlines === 0) {
      if (this.heldNotes.length >= MAX_HELD_NOTES) this.heldNotes.shift();
      this.heldNotes.push(text);
      return '';
    }
    return this.lineStart() + this.emit(`${text}\n`);
  }

  private writeLines(lines: readonly string[]): string {
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
    return time ? l10n.t(' at {0}', time) : '';
  }
}

/** How long a connection note may wait for a half-written line of prose to end. */
export const DEFAULT_HOLD_NOTES_MS = 3000;

/** One step of a live log: an event and the text it adds, or held notes released on time (no event). */
export interface LiveLogStep {
  readonly event?: LogStreamEvent;
  readonly text: string;
}

/**
 * Renders a live stream step by step, releasing connection notes that have waited
 * `holdNotesMs` for a half-written line to end: a short drop leaves the line whole, a long
 * one is still reported promptly. Closing the steps early closes the stream.
 */
export async function* renderLive(
  events: AsyncIterable<LogStreamEvent>,
  renderer: LogRenderer,
  timing: { readonly clock: Clock; readonly holdNotesMs?: number },
): AsyncGenerator<LiveLogStep> {
  const holdMs = Math.max(0, timing.holdNotesMs ?? DEFAULT_HOLD_NOTES_MS);
  const iterator = events[Symbol.asyncIterator]();
  let heldSince: number | undefined;
  try {
    for (;;) {
      const next = iterator.next();
      let result: IteratorResult<LogStreamEvent> | undefined;
      if (renderer.holdsNotes) {
        heldSince ??= timing.clock.now();
        const timer = new AbortController();
        const due = timing.clock.sleep(Math.max(0, holdMs - (timing.clock.now() - heldSince)), timer.signal).then(
          () => undefined,
          () => undefined,
        );
        result = await Promise.race([next, due]);
        timer.abort();
        if (result === undefined) {
          heldSince = undefined;
          yield { text: renderer.releaseHeldNotes() };
          result = await next;
        }
      } else {
        heldSince = undefined;
        result = await next;
      }
      if (result.done) return;
      yield { event: result.value, text: renderer.render(result.value) };
    }
  } finally {
    await iterator.return?.();
  }
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
  timing?: { readonly clock?: Clock; readonly holdNotesMs?: number },
): Promise<LogRenderStats> {
  const renderer = new LogRenderer(options);
  for await (const step of renderLive(events, renderer, { ...timing, clock: timing?.clock ?? systemClock })) {
    if (step.text.length > 0) write(step.text);
  }
  const rest = renderer.end();
  if (rest.length > 0) write(rest);
  return renderer.stats;
}

// --- wording of statuses and connection trouble ---------------------------------

/** A known status as is; an unknown one by the API's own (cleaned) word for it. */
function logStatusWord(status: TaskStatus, rawStatus: string): string {
  return status === 'unknown' ? oneLine(rawStatus, 40) || l10n.t('unknown') : status;
}

/** `■ Task completed in 3m 2s` and the like; `took` is the run's formatted duration when known. */
function finishLine(status: TaskStatus, rawStatus: string | undefined, took: string | undefined): string {
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

/**
 * The short notes for connection trouble: lost, reconnected, gave up. The reconnect streak is
 * its own small state; the renderer decides where a note goes and says when real progress ends it.
 */
class ConnectionNotes {
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
