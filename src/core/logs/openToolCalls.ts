import { oneLine } from '../util/untrustedText';

/** What the log renderer knows of a tool call between its start and its output. */
export interface ToolCallState {
  readonly name: string;
  /** `bash: npm test`, once the input is known. */
  summary?: string;
  shown: boolean;
}

/**
 * The tool calls that have started and not yet given output, oldest first, bounded so a
 * log full of calls that never finish cannot grow the renderer without end. Kept apart
 * from the renderer because the bound and the eviction are their own concern.
 */
export class OpenToolCalls {
  private readonly calls = new Map<string, ToolCallState>();

  constructor(private readonly maxOpen: number) {}

  get size(): number {
    return this.calls.size;
  }

  /** The call's state, tracked from now on if it is new (forgetting the oldest beyond the bound). */
  remember(id: string, name: string): ToolCallState {
    let state = this.calls.get(id);
    if (!state) {
      if (this.calls.size >= this.maxOpen) {
        const oldest = this.calls.keys().next().value;
        if (oldest !== undefined) this.calls.delete(oldest);
      }
      state = { name: oneLine(name, 80) || 'tool', shown: false };
      this.calls.set(id, state);
    }
    return state;
  }

  /** The call's state, no longer tracked: its output has come (a fresh state if it was never seen or was forgotten). */
  finish(id: string, name: string): ToolCallState {
    const state = this.calls.get(id) ?? { name: oneLine(name, 80) || 'tool', shown: false };
    this.calls.delete(id);
    return state;
  }

  /** Calls whose line has not been printed yet, in order, now marked as shown. */
  takeUnshown(): Array<{ readonly id: string; readonly name: string }> {
    const unshown: Array<{ readonly id: string; readonly name: string }> = [];
    for (const [id, state] of this.calls) {
      if (state.shown) continue;
      state.shown = true;
      unshown.push({ id, name: state.name });
    }
    return unshown;
  }
}
