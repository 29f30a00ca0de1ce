/**
 * Text from the API (agent prose, tool output, Cloud log lines, titles) is untrusted and
 * often terminal output: it can carry ANSI colour and cursor sequences, stray control
 * characters and bidirectional overrides that make a line read differently than it is.
 * These helpers turn it into plain text an Output channel can show as is.
 */

/**
 * Complete escape sequences: CSI (`ESC [` params, intermediates, final byte), OSC
 * (`ESC ]` … BEL or `ESC \`), DCS/SOS/PM/APC strings (`ESC P|X|^|_` … `ESC \`), the
 * other short escapes (`ESC`, intermediates, a final byte that opens none of the
 * longer forms), and the 8-bit CSI.
 */
const ESCAPE_SEQUENCE =
  /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[PX^_][^\u001b]*\u001b\\|[ -/]*[0-OQ-WYZ\\`a-~])|\u009b[0-?]*[ -/]*[@-~]/g;

/**
 * What may still become a complete escape sequence when more text arrives: it must reach
 * the end of the text. Tested on the text after complete sequences are removed.
 */
const UNFINISHED_ESCAPE =
  /\u001b(?:\[[0-?]*[ -/]*|\][^\u0007\u001b]*\u001b?|[PX^_][^\u001b]*\u001b?|[ -/]*)$|\u009b[0-?]*[ -/]*$/;

/**
 * Control characters that are never shown: C0 except tab and line feed (carriage return is
 * handled separately), DEL, C1, and the bidirectional embeddings, overrides and isolates
 * ("Trojan Source"). Right-to-left text itself and the LRM/RLM marks stay.
 */
const HIDDEN_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Anything that needs work: a quick test lets plain text through untouched. */
const NEEDS_CLEANING = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** An unfinished escape sequence longer than this is not held back waiting for its end. */
const MAX_HELD_ESCAPE_CHARS = 256;

/**
 * Plain text for an Output channel: escape sequences removed, CRLF and lone CR turned
 * into line feeds, other control characters dropped.
 */
export function cleanText(text: string): string {
  if (!NEEDS_CLEANING.test(text)) return text;
  return withoutUnfinishedEscape(text.replace(ESCAPE_SEQUENCE, ''))
    .replace(/\r\n?/g, '\n')
    .replace(HIDDEN_CHARACTERS, '');
}

/**
 * A short unfinished sequence at the very end is dropped; a long one is more likely a stray
 * ESC in ordinary text, so only the ESC goes (with the other hidden characters).
 */
function withoutUnfinishedEscape(text: string): string {
  const unfinished = UNFINISHED_ESCAPE.exec(text);
  return unfinished && text.length - unfinished.index <= MAX_HELD_ESCAPE_CHARS ? text.slice(0, unfinished.index) : text;
}

/**
 * One line of terminal output as it would finally look: a carriage return inside the line
 * (a progress bar redrawing itself) keeps only what was written after it.
 */
export function cleanTerminalLine(line: string): string {
  const withoutEscapes = NEEDS_CLEANING.test(line) ? line.replace(ESCAPE_SEQUENCE, '') : line;
  const trimmed = withoutEscapes.replace(/\r+$/, '');
  const lastReturn = trimmed.lastIndexOf('\r');
  const visible = lastReturn >= 0 ? trimmed.slice(lastReturn + 1) : trimmed;
  return NEEDS_CLEANING.test(visible) ? visible.replace(HIDDEN_CHARACTERS, '') : visible;
}

/** One line, at most `maxChars` characters (an ellipsis marks the cut), never splitting a surrogate pair. */
export function clip(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let end = Math.max(0, maxChars - 1);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/** Like clip, but a cut inside a word moves back to the word's start when that loses little. */
export function clipWords(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const cut = clip(text, maxChars);
  const kept = cut.slice(0, -1);
  const space = kept.lastIndexOf(' ');
  if (space < 0 || kept.length - space > 16 || text[kept.length] === ' ') return `${kept.trimEnd()}…`;
  return `${kept.slice(0, space).trimEnd()}…`;
}

/** Untrusted text as one clean line: control characters gone, whitespace runs folded, clipped. */
export function oneLine(text: string, maxChars: number): string {
  return clip(cleanText(text).replace(/\s+/g, ' ').trim(), maxChars);
}

/**
 * Cleans text that arrives in pieces (streamed deltas), where an escape sequence or a
 * CRLF pair can be split between two pieces. Holds back at most a short unfinished tail.
 */
export class StreamingTextCleaner {
  private held = '';

  push(piece: string): string {
    let text = this.held.length > 0 ? this.held + piece : piece;
    this.held = '';
    if (!NEEDS_CLEANING.test(text)) return text;
    text = text.replace(ESCAPE_SEQUENCE, '');
    const unfinished = UNFINISHED_ESCAPE.exec(text);
    if (unfinished && text.length - unfinished.index <= MAX_HELD_ESCAPE_CHARS) {
      this.held = text.slice(unfinished.index);
      text = text.slice(0, unfinished.index);
    } else if (text.endsWith('\r')) {
      this.held = '\r';
      text = text.slice(0, -1);
    }
    return cleanText(text);
  }

  /** The end of the text: an unfinished escape is dropped, a held carriage return is a line break. */
  end(): string {
    const held = this.held;
    this.held = '';
    return held === '\r' ? '\n' : '';
  }

  /** Characters held back right now (bounded by a few hundred). */
  get heldChars(): number {
    return this.held.length;
  }
}

/**
 * URI schemes that a notification, a markdown renderer or an autolinker may turn into
 * something clickable. Only a scheme followed at once by more text counts ("file: a.ts" is
 * prose), and only at the start of a word.
 */
const LINK_SCHEME =
  /(?<![\p{L}\p{N}+.-])(https?|command|file|vscode(?:-insiders|-file|-remote)?|mailto|javascript|data|ftp)(:)(?=\S)/giu;

/** Controls and direction overrides that could hide link syntax from a reader (tab and line feed stay). */
const HIDDEN_IN_MESSAGES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from the server or the agent made inert for every VS Code surface that turns link
 * syntax into links: notifications and modal messages (`[label](command:…)` becomes a live
 * command link there), quick picks, the status bar and the tree view's message. A `](` is
 * broken by a space and a scheme's colon is shown as `[:]`, so no link is rendered and the
 * text still reads as it was written. Apply it last, to the whole text a surface receives.
 */
export function neutraliseLinks(text: string): string {
  return text
    .replace(HIDDEN_IN_MESSAGES, '')
    .replace(LINK_SCHEME, '$1[:]')
    .replace(/\]\s*\(/g, '] (');
}
