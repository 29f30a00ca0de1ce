/**
 * Comparing two agents' branches tip to tip when git only tells what each changed since they
 * diverged (VS Code's git API diffs `a...b`, from the merge base). A path either branch changed
 * differs between the tips, or is the same change on both; what each tip holds follows from
 * whether the path existed where they diverged and what each branch did to it.
 */

/** A rename is given as its two halves: the old path deleted, the new one added. */
export type PathChange = 'added' | 'modified' | 'deleted';

export interface SideChange {
  readonly path: string;
  readonly kind: PathChange;
}

export interface TipDifference {
  readonly path: string;
  /** From the left tip to the right tip. */
  readonly kind: 'added' | 'modified' | 'deleted';
  readonly inLeft: boolean;
  readonly inRight: boolean;
}

/**
 * The paths that may differ between the two tips, each with whether it exists at either tip,
 * sorted by path. `left` and `right` are each branch's changes since the merge base. A path both
 * branches changed the same way still appears (its contents are not compared here); a path
 * neither tip holds is left out.
 */
export function tipDifferences(left: readonly SideChange[], right: readonly SideChange[]): TipDifference[] {
  const leftByPath = new Map(left.map((change) => [change.path, change.kind]));
  const rightByPath = new Map(right.map((change) => [change.path, change.kind]));
  const paths = [...new Set([...leftByPath.keys(), ...rightByPath.keys()])].sort();
  const result: TipDifference[] = [];
  for (const path of paths) {
    const onLeft = leftByPath.get(path);
    const onRight = rightByPath.get(path);
    // Where they diverged the path existed unless a branch added it there.
    const atBase = onLeft !== 'added' && onRight !== 'added';
    const inLeft = onLeft === undefined ? atBase : onLeft !== 'deleted';
    const inRight = onRight === undefined ? atBase : onRight !== 'deleted';
    if (!inLeft && !inRight) continue;
    result.push({ path, kind: inLeft && inRight ? 'modified' : inRight ? 'added' : 'deleted', inLeft, inRight });
  }
  return result;
}
