/**
 * Redaction of secrets in text that arrives in pieces. Redacting each piece on its own
 * misses a secret split between two pieces (a key streamed a few characters per event
 * can straddle two appends), so this holds back the end of the text while it could still
 * be the start of a secret, and lets it go once more text decides it either way.
 */

/** What replaces a secret; the same mark the session's redactor uses. */
export const REDACTED_MARK = '‹redacted›';
/** Shorter strings would blank ordinary words. */
const MIN_SECRET_CHARS = 4;
/** A key's type prefix (`sk-`, `bb_`) tells nothing about the key; anything longer is part of it. */
const PUBLIC_PREFIX_CHARS = 3;

export class StreamingRedactor {
  private held = '';

  /** `secrets` is read on every piece: the key may change while a log streams. */
  constructor(private readonly secrets: () => readonly string[]) {}

  /** The text that can be shown now: secrets replaced, a possible secret's start held back. */
  push(piece: string): string {
    const text = this.held.length > 0 ? this.held + piece : piece;
    this.held = '';
    if (text.length === 0) return text;
    const forms = this.forms();
    if (forms.length === 0) return text;
    const redacted = redactAll(text, forms);
    const keep = heldTailStart(redacted, forms);
    this.held = redacted.slice(keep);
    return keep === redacted.length ? redacted : redacted.slice(0, keep);
  }

  /**
   * The end of the text: what was held cannot become a whole secret any more. It is still
   * the start of one, so beyond a key's public type prefix it is redacted too.
   */
  end(): string {
    const held = this.held;
    this.held = '';
    return held.length > PUBLIC_PREFIX_CHARS ? REDACTED_MARK : held;
  }

  private forms(): string[] {
    const forms = new Set<string>();
    for (const secret of this.secrets()) {
      if (secret.length < MIN_SECRET_CHARS) continue;
      forms.add(secret);
      forms.add(encodeURIComponent(secret));
    }
    return [...forms];
  }
}

function redactAll(text: string, forms: readonly string[]): string {
  let result = text;
  for (const form of forms) if (result.includes(form)) result = result.split(form).join(REDACTED_MARK);
  return result;
}

/** Where the longest end of `text` that is the start of a secret (but not all of it) begins; text.length if none. */
function heldTailStart(text: string, forms: readonly string[]): number {
  let start = text.length;
  for (const form of forms) {
    const first = form.charCodeAt(0);
    const from = Math.max(0, text.length - (form.length - 1));
    for (let i = from; i < start; i++) {
      if (text.charCodeAt(i) === first && form.startsWith(text.slice(i))) {
        start = i;
        break;
      }
    }
  }
  return start;
}
