/**
 * Review comments on an agent's diff, and the one follow-up prompt they become. A comment sits
 * on a line of the agent's version of a file and keeps the code it points at, so the prompt
 * still says what was meant if the agent changes the file again.
 */

export interface ReviewComment {
  readonly id: string;
  /** Relative to the repository root, with `/`. */
  readonly path: string;
  /** 1-based line in the agent's version of the file. */
  readonly line: number;
  /** Last line of a multi-line selection (1-based, inclusive), when it spans more than one. */
  readonly endLine?: number;
  readonly body: string;
  /** The line(s) the comment points at, as they were when it was written. */
  readonly code: string;
  readonly createdAt: number;
}

export interface ReviewPromptInput {
  readonly comments: readonly ReviewComment[];
  /** The user's overall message, before the comments. */
  readonly message?: string;
  /** The agent's branch, to say which changes are reviewed. */
  readonly branch?: string;
}

/** Comments in reading order: by file, then by line, then as written. */
export function sortComments(comments: readonly ReviewComment[]): ReviewComment[] {
  return [...comments].sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line || a.createdAt - b.createdAt);
}

/** The follow-up prompt: the overall message, then every comment with its file, line and code. */
export function buildReviewPrompt(input: ReviewPromptInput): string {
  const comments = sortComments(input.comments.filter((comment) => comment.body.trim() !== ''));
  const where = input.branch ? ` on branch "${input.branch}"` : '';
  const parts: string[] = [
    comments.length === 1
      ? `I reviewed your changes${where} and left 1 comment. Please address it, then push to the same branch.`
      : `I reviewed your changes${where} and left ${comments.length} comments. Please address each of them, then push to the same branch.`,
  ];
  const message = input.message?.trim();
  if (message) parts.push(message);
  comments.forEach((comment, index) => {
    const lines =
      comment.endLine && comment.endLine > comment.line
        ? `lines ${comment.line}-${comment.endLine}`
        : `line ${comment.line}`;
    const fence = fenceFor(comment.code);
    const code = comment.code.replace(/\r?\n$/, '');
    parts.push([`${index + 1}. ${comment.path}, ${lines}:`, fence, code, fence, comment.body.trim()].join('\n'));
  });
  return parts.join('\n\n');
}

/** A code fence longer than any run of backticks in the code, so the code cannot close it. */
function fenceFor(code: string): string {
  const longest = Math.max(2, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(longest + 1);
}

/**
 * Stored drafts as read back from storage: anything that is not a well-formed comment is
 * dropped, so a damaged or older entry never breaks the review.
 */
export function readStoredComments(value: unknown): ReviewComment[] {
  if (!Array.isArray(value)) return [];
  const comments: ReviewComment[] = [];
  for (const item of value as unknown[]) {
    if (!item || typeof item !== 'object') continue;
    const raw = item as Record<string, unknown>;
    const { id, path, line, endLine, body, code, createdAt } = raw;
    if (typeof id !== 'string' || typeof path !== 'string' || typeof body !== 'string') continue;
    if (typeof line !== 'number' || !Number.isInteger(line) || line < 1) continue;
    comments.push({
      id,
      path,
      line,
      ...(typeof endLine === 'number' && Number.isInteger(endLine) && endLine > line ? { endLine } : {}),
      body,
      code: typeof code === 'string' ? code : '',
      createdAt: typeof createdAt === 'number' ? createdAt : 0,
    });
  }
  return comments;
}
