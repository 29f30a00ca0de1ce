import type * as vscode from 'vscode';

/**
 * Prompts the user typed but that were not sent yet, kept in the workspace's state so a
 * failure, a dismissed input or a reload never loses them. Keys name what a draft is for
 * (`continueDraftKey(taskId)`, or a create-task key); only the most recent drafts are kept.
 */
export interface DraftStore {
  get(key: string): string | undefined;
  /** Saves the text; whitespace-only text removes the draft. */
  save(key: string, text: string): Promise<void>;
  clear(key: string): Promise<void>;
}

interface StoredDraft {
  readonly key: string;
  readonly text: string;
  readonly savedAt: number;
}

const STATE_KEY = 'blackboxTasks.drafts';
const MAX_DRAFTS = 30;
/** A draft is a prompt; anything longer is cut rather than bloating the workspace state. */
const MAX_DRAFT_CHARS = 100_000;

export function continueDraftKey(taskId: string): string {
  return `continue:${taskId}`;
}

export function createDraftStore(memento: vscode.Memento, now: () => number = Date.now): DraftStore {
  const read = (): StoredDraft[] => {
    const raw = memento.get<unknown>(STATE_KEY);
    if (!Array.isArray(raw)) return [];
    return raw.filter(
      (entry): entry is StoredDraft =>
        typeof entry === 'object' &&
        entry !== null &&
        typeof (entry as StoredDraft).key === 'string' &&
        typeof (entry as StoredDraft).text === 'string',
    );
  };
  // Writes are chained so a quick save-then-clear lands in that order.
  let writing: Promise<void> = Promise.resolve();
  const write = (change: (drafts: StoredDraft[]) => StoredDraft[]): Promise<void> => {
    writing = writing.then(async () => {
      await memento.update(STATE_KEY, change(read()));
    });
    return writing;
  };
  return {
    get: (key) => read().find((draft) => draft.key === key)?.text,
    save: (key, text) => {
      if (text.trim() === '') return write((drafts) => drafts.filter((draft) => draft.key !== key));
      const entry: StoredDraft = { key, text: text.slice(0, MAX_DRAFT_CHARS), savedAt: now() };
      return write((drafts) => [entry, ...drafts.filter((draft) => draft.key !== key)].slice(0, MAX_DRAFTS));
    },
    clear: (key) => write((drafts) => drafts.filter((draft) => draft.key !== key)),
  };
}
