/**
 * A line-based three-way merge: the changes from `base` to `yours` and from `base` to `theirs`
 * combined, with git-style conflict markers where both changed the same lines differently.
 * Works on text; callers keep binary files out. Line endings are kept as they are.
 */

export interface MergeResult {
  readonly text: string;
  readonly conflicts: number;
}

export interface MergeLabels {
  readonly yours: string;
  readonly theirs: string;
}

/**
 * Past this many line pairs in the part that differs, lines are not matched one by one: the
 * whole differing middle counts as changed (a conflict if both sides changed it). Keeps the
 * time and memory of a merge bounded for huge files.
 */
const MAX_MATCH_CELLS = 4_000_000;

export function mergeThreeWay(base: string, yours: string, theirs: string, labels: MergeLabels): MergeResult {
  const o = splitLines(base);
  const a = splitLines(yours);
  const b = splitLines(theirs);
  const toA = matchLines(o, a);
  const toB = matchLines(o, b);
  const out: string[] = [];
  let conflicts = 0;
  let i = 0;
  let ia = 0;
  let ib = 0;
  for (;;) {
    while (i < o.length && toA[i] === ia && toB[i] === ib) {
      out.push(o[i] ?? '');
      i++;
      ia++;
      ib++;
    }
    if (i >= o.length && ia >= a.length && ib >= b.length) break;
    // The next base line both sides kept: everything before it on each side is one chunk.
    let j = i;
    while (j < o.length && ((toA[j] ?? -1) < 0 || (toB[j] ?? -1) < 0)) j++;
    const endA = j < o.length ? (toA[j] ?? a.length) : a.length;
    const endB = j < o.length ? (toB[j] ?? b.length) : b.length;
    const chunkO = o.slice(i, j);
    const chunkA = a.slice(ia, endA);
    const chunkB = b.slice(ib, endB);
    if (sameLines(chunkA, chunkO)) out.push(...chunkB);
    else if (sameLines(chunkB, chunkO) || sameLines(chunkA, chunkB)) out.push(...chunkA);
    else {
      conflicts++;
      out.push(`<<<<<<< ${labels.yours}\n`, ...terminated(chunkA), '=======\n', ...terminated(chunkB));
      out.push(`>>>>>>> ${labels.theirs}\n`);
    }
    i = j;
    ia = endA;
    ib = endB;
  }
  return { text: out.join(''), conflicts };
}

/** Lines with their endings (the last may have none). */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/(?<=\n)/);
  return lines;
}

function terminated(lines: readonly string[]): string[] {
  if (lines.length === 0) return [];
  const last = lines[lines.length - 1] ?? '';
  return last.endsWith('\n') ? [...lines] : [...lines.slice(0, -1), `${last}\n`];
}

function sameLines(x: readonly string[], y: readonly string[]): boolean {
  return x.length === y.length && x.every((line, index) => line === y[index]);
}

/**
 * For each line of `from`, the index of the line of `to` it is matched with in a longest common
 * subsequence, or -1. Common prefix and suffix are matched first, so the table covers only
 * the part that differs.
 */
function matchLines(from: readonly string[], to: readonly string[]): Int32Array {
  const match = new Int32Array(from.length).fill(-1);
  let start = 0;
  while (start < from.length && start < to.length && from[start] === to[start]) {
    match[start] = start;
    start++;
  }
  let endFrom = from.length;
  let endTo = to.length;
  while (endFrom > start && endTo > start && from[endFrom - 1] === to[endTo - 1]) {
    endFrom--;
    endTo--;
    match[endFrom] = endTo;
  }
  const n = endFrom - start;
  const m = endTo - start;
  if (n === 0 || m === 0 || n * m > MAX_MATCH_CELLS) return match;
  // lengths[x][y]: LCS length of from[start+x..] and to[start+y..], row-major with width m+1.
  const width = m + 1;
  const lengths = new Uint32Array((n + 1) * width);
  for (let x = n - 1; x >= 0; x--) {
    for (let y = m - 1; y >= 0; y--) {
      lengths[x * width + y] =
        from[start + x] === to[start + y]
          ? (lengths[(x + 1) * width + y + 1] ?? 0) + 1
          : Math.max(lengths[(x + 1) * width + y] ?? 0, lengths[x * width + y + 1] ?? 0);
    }
  }
  let x = 0;
  let y = 0;
  while (x < n && y < m) {
    if (from[start + x] === to[start + y]) {
      match[start + x] = start + y;
      x++;
      y++;
    } else if ((lengths[(x + 1) * width + y] ?? 0) >= (lengths[x * width + y + 1] ?? 0)) x++;
    else y++;
  }
  return match;
}
