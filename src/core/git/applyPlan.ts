import { mergeThreeWay, type MergeLabels } from './threeWayMerge';

/**
 * What applying an agent's change does to one file, decided from three versions: the file where
 * the agent's branch left the base, the agent's version, and what is in the working tree now
 * (undefined: the file does not exist there). Nothing here writes; the caller does what it says,
 * so a file is either written whole or left alone, never half-changed.
 */
export type ApplyDecision =
  /** The working tree still has the base version: it becomes the agent's (undefined: deleted). */
  | { readonly kind: 'write'; readonly content: Uint8Array | undefined }
  /** The working tree already has the agent's version. */
  | { readonly kind: 'already' }
  /** Both changed the file: the three-way merge, with `conflicts` marked regions (0 when clean). */
  | { readonly kind: 'merged'; readonly content: Uint8Array; readonly conflicts: number }
  /** It cannot be applied without the user merging by hand; the file is left as it is. */
  | { readonly kind: 'conflict'; readonly reason: ConflictReason };

export type ConflictReason = 'overlapping' | 'binary' | 'existsLocally' | 'missingLocally' | 'deletedByAgent';

export interface ApplyInput {
  readonly base: Uint8Array | undefined;
  readonly agent: Uint8Array | undefined;
  readonly current: Uint8Array | undefined;
  /** Overlapping changes are written with conflict markers instead of being left alone. */
  readonly allowMarkers: boolean;
  readonly labels: MergeLabels;
}

export function decideApply(input: ApplyInput): ApplyDecision {
  const { base, agent, current } = input;
  if (sameContent(current, agent)) return { kind: 'already' };
  if (sameContent(current, base)) return { kind: 'write', content: agent };
  if (current === undefined) return conflict('missingLocally');
  if (base === undefined) return conflict('existsLocally');
  if (agent === undefined) return conflict('deletedByAgent');
  const texts = [base, current, agent].map(decodeText);
  const [baseText, currentText, agentText] = texts;
  if (baseText === undefined || currentText === undefined || agentText === undefined) return conflict('binary');
  const merged = mergeThreeWay(baseText, currentText, agentText, input.labels);
  if (merged.conflicts > 0 && !input.allowMarkers) return conflict('overlapping');
  return { kind: 'merged', content: new TextEncoder().encode(merged.text), conflicts: merged.conflicts };
}

/** Byte-for-byte equality; two absent files are the same. */
export function sameContent(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}

/** UTF-8 text, or undefined for what looks binary (a NUL byte, or invalid UTF-8). */
function decodeText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function conflict(reason: ConflictReason): ApplyDecision {
  return { kind: 'conflict', reason };
}

/** One file as an apply left it: what to put back on undo, and what the apply wrote. */
export interface AppliedFile {
  readonly path: string;
  readonly before: Uint8Array | undefined;
  readonly after: Uint8Array | undefined;
}

/** The files an undo would overwrite because they changed after the apply (so it must not run silently). */
export function changedSinceApply(
  files: readonly AppliedFile[],
  current: ReadonlyMap<string, Uint8Array | undefined>,
): string[] {
  return files.filter((file) => !sameContent(current.get(file.path), file.after)).map((file) => file.path);
}
