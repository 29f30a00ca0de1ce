/**
 * The prompt for a second agent asked to review the first one's work: the task is based on the
 * first agent's branch, so the reviewer sees its changes checked out and compares them with
 * the base it started from.
 */
export interface SecondOpinionInput {
  /** The branch the first agent pushed (the new task's base). */
  readonly branch: string;
  /** The branch the first agent started from. */
  readonly base?: string;
  /** What the first agent was asked to do, when known. */
  readonly originalPrompt?: string;
}

/** Beyond this the original request is cut: the reviewer needs its gist, not every word. */
const MAX_ORIGINAL_CHARS = 2_000;

export function buildSecondOpinionPrompt(input: SecondOpinionInput): string {
  const against = input.base ? `"${input.base}"` : 'the branch it started from';
  const parts = [
    `Review the changes on branch "${input.branch}" (checked out for you) against ${against}: look at \`git diff ${input.base ? `origin/${input.base}...HEAD` : 'the merge base...HEAD'}\`.`,
  ];
  const original = input.originalPrompt?.trim();
  if (original) {
    const cut = original.length > MAX_ORIGINAL_CHARS ? `${original.slice(0, MAX_ORIGINAL_CHARS)}…` : original;
    parts.push(
      `Another agent made these changes for this request:\n\n${cut
        .split('\n')
        .map((line) => `> ${line}`)
        .join('\n')}`,
    );
  }
  parts.push(
    'Check that they do what was asked, and look for bugs, missing tests, security problems and unclear code. Fix what is clearly wrong and explain each fix; list anything you are unsure about instead of changing it.',
  );
  return parts.join('\n\n');
}
