import * as vscode from 'vscode';
import { Disposable } from '../../core/util/disposable';
import { readStoredComments, sortComments, type ReviewComment } from '../../core/review/reviewPrompt';
import type { Logger } from '../logger';

/** A Review Changes diff whose agent side takes comments: one task's branch at one commit. */
export interface ReviewTarget {
  readonly taskId: string;
  readonly branch: string;
  /** The repository root, as a URI string. */
  readonly repository: string;
  /** The agent's side of the diff (its branch's tip when the review was opened). */
  readonly commit: string;
}

/** A draft comment, with the document it was written on (a `git:` URI of the agent's side). */
export interface DraftComment extends ReviewComment {
  readonly uri: string;
}

interface StoredReview {
  readonly target: ReviewTarget;
  readonly comments: readonly DraftComment[];
}

const STATE_KEY = 'blackboxTasks.reviewDrafts';
const CONTROLLER_ID = 'blackboxTasks.review';

/** A comment as VS Code shows it; `draftId` ties it to its stored draft. */
class DraftCommentView implements vscode.Comment {
  readonly mode = vscode.CommentMode.Preview;
  readonly contextValue = 'blackboxDraft';
  readonly label: string;
  constructor(
    readonly draftId: string,
    readonly body: string,
    readonly author: vscode.CommentAuthorInformation,
  ) {
    this.label = vscode.l10n.t('Draft');
  }
}

/**
 * Review comments on the agent's side of Review Changes' diff editors, through VS Code's
 * comments API. They are drafts, kept per task in the workspace's state (so a reload shows them
 * again) until Send Review to Agent hands them over in one follow-up. Comments are offered only
 * on documents of a review this window opened: the agent's version of a file at that commit.
 */
export class ReviewComments extends Disposable {
  private readonly controller: vscode.CommentController;
  private readonly threads = new Map<string, vscode.CommentThread>();

  constructor(
    private readonly memento: vscode.Memento,
    private readonly logger: Logger,
  ) {
    super();
    this.controller = this.register(
      vscode.comments.createCommentController(CONTROLLER_ID, vscode.l10n.t('BLACKBOX Review')),
    );
    this.controller.options = {
      prompt: vscode.l10n.t('Comment for the agent (a draft until you send the review)'),
      placeHolder: vscode.l10n.t('What should the agent change here?'),
    };
    this.controller.commentingRangeProvider = {
      provideCommentingRanges: (document) =>
        this.targetOf(document.uri) ? [new vscode.Range(0, 0, Math.max(0, document.lineCount - 1), 0)] : [],
    };
    for (const review of this.read()) for (const comment of review.comments) this.show(comment);
    this.register({ dispose: () => this.threads.clear() });
  }

  get disposed(): boolean {
    return this.isDisposed;
  }

  /** Comments may now be written on this review's agent side. */
  async track(target: ReviewTarget): Promise<void> {
    const reviews = this.read();
    const existing = reviews.find((review) => review.target.taskId === target.taskId);
    const comments = existing?.comments ?? [];
    await this.write([...reviews.filter((review) => review.target.taskId !== target.taskId), { target, comments }]);
  }

  /** The review a document belongs to: a `git:` URI at a tracked commit. */
  targetOf(uri: vscode.Uri): ReviewTarget | undefined {
    if (uri.scheme !== 'git') return undefined;
    const ref = gitUriRef(uri);
    if (!ref) return undefined;
    return this.read().find((review) => review.target.commit === ref)?.target;
  }

  drafts(taskId: string): readonly DraftComment[] {
    return sortComments(
      this.read().find((review) => review.target.taskId === taskId)?.comments ?? [],
    ) as DraftComment[];
  }

  target(taskId: string): ReviewTarget | undefined {
    return this.read().find((review) => review.target.taskId === taskId)?.target;
  }

  /** Every task that has drafts, with how many. */
  tasksWithDrafts(): readonly { readonly target: ReviewTarget; readonly count: number }[] {
    return this.read()
      .filter((review) => review.comments.length > 0)
      .map((review) => ({ target: review.target, count: review.comments.length }));
  }

  /** Adds a draft on `line` (0-based) of an agent-side document; undefined when it is not one. */
  async add(
    uri: vscode.Uri,
    line: number,
    body: string,
    endLine: number = line,
    thread?: vscode.CommentThread,
  ): Promise<DraftComment | undefined> {
    const target = this.targetOf(uri);
    const path = target ? pathOf(uri, target) : undefined;
    if (!target || path === undefined) return undefined;
    const document = await vscode.workspace.openTextDocument(uri);
    const first = Math.min(Math.max(0, line), Math.max(0, document.lineCount - 1));
    const last = Math.min(Math.max(first, endLine), Math.max(0, document.lineCount - 1));
    const code = Array.from({ length: last - first + 1 }, (_, index) => document.lineAt(first + index).text).join('\n');
    const comment: DraftComment = {
      id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      path,
      line: first + 1,
      ...(last > first ? { endLine: last + 1 } : {}),
      body,
      code,
      createdAt: Date.now(),
      uri: uri.toString(),
    };
    const reviews = this.read();
    await this.write(
      reviews.map((review) =>
        review.target.taskId === target.taskId ? { ...review, comments: [...review.comments, comment] } : review,
      ),
    );
    this.show(comment, thread);
    return comment;
  }

  async remove(draftId: string): Promise<void> {
    await this.write(
      this.read().map((review) => ({
        ...review,
        comments: review.comments.filter((comment) => comment.id !== draftId),
      })),
    );
    for (const thread of this.threads.values()) {
      const kept = thread.comments.filter(
        (comment) => !(comment instanceof DraftCommentView && comment.draftId === draftId),
      );
      if (kept.length !== thread.comments.length) thread.comments = kept;
    }
    this.dropEmptyThreads();
  }

  /** Forgets a task's drafts (once the agent accepted them) and takes their threads away. */
  async clear(taskId: string, ids: ReadonlySet<string>): Promise<void> {
    for (const id of ids) await this.remove(id);
    this.logger.debug(`Cleared ${ids.size} review draft(s) of ${taskId}.`);
  }

  private show(comment: DraftComment, given?: vscode.CommentThread): void {
    const key = `${comment.uri}#${comment.line}`;
    const thread =
      given ??
      this.threads.get(key) ??
      this.controller.createCommentThread(
        vscode.Uri.parse(comment.uri),
        new vscode.Range(comment.line - 1, 0, (comment.endLine ?? comment.line) - 1, 0),
        [],
      );
    this.threads.set(key, thread);
    thread.canReply = true;
    thread.contextValue = 'blackboxDraftThread';
    thread.label = vscode.l10n.t('Draft for the agent');
    thread.collapsibleState = vscode.CommentThreadCollapsibleState.Expanded;
    thread.comments = [
      ...thread.comments,
      new DraftCommentView(comment.id, comment.body, { name: vscode.l10n.t('You (draft)') }),
    ];
  }

  private dropEmptyThreads(): void {
    for (const [key, thread] of this.threads) {
      if (thread.comments.length > 0) continue;
      thread.dispose();
      this.threads.delete(key);
    }
  }

  private read(): StoredReview[] {
    const raw = this.memento.get<unknown>(STATE_KEY);
    if (!Array.isArray(raw)) return [];
    const reviews: StoredReview[] = [];
    for (const item of raw as unknown[]) {
      const target = readTarget((item as { target?: unknown } | null)?.target);
      if (!target) continue;
      const rawComments = (item as { comments?: unknown }).comments;
      const uris = new Map(
        (Array.isArray(rawComments) ? (rawComments as unknown[]) : []).map((entry) => [
          (entry as { id?: unknown } | null)?.id,
          (entry as { uri?: unknown } | null)?.uri,
        ]),
      );
      const comments = readStoredComments(rawComments).flatMap((comment) => {
        const uri = uris.get(comment.id);
        return typeof uri === 'string' ? [{ ...comment, uri }] : [];
      });
      reviews.push({ target, comments });
    }
    return reviews;
  }

  private async write(reviews: readonly StoredReview[]): Promise<void> {
    await this.memento.update(STATE_KEY, reviews);
  }
}

function readTarget(value: unknown): ReviewTarget | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { taskId, branch, repository, commit } = value as Record<string, unknown>;
  if (typeof taskId !== 'string' || typeof branch !== 'string') return undefined;
  if (typeof repository !== 'string' || typeof commit !== 'string') return undefined;
  return { taskId, branch, repository, commit };
}

/** The ref of a git extension URI (`git:/path?{"path":…,"ref":…}`). */
function gitUriRef(uri: vscode.Uri): string | undefined {
  try {
    const query = JSON.parse(uri.query) as { ref?: unknown };
    return typeof query.ref === 'string' ? query.ref : undefined;
  } catch {
    return undefined;
  }
}

/** The file's path relative to the review's repository, or undefined when it is outside it. */
function pathOf(uri: vscode.Uri, target: ReviewTarget): string | undefined {
  const root = vscode.Uri.parse(target.repository).path.replace(/\/+$/, '');
  return uri.path.startsWith(`${root}/`) ? uri.path.slice(root.length + 1) : undefined;
}

/**
 * One ReviewComments per window, made on first use (or at activation when drafts are waiting,
 * so they show again after a reload). Disposing it disposes the instance; the next `get()`
 * builds a fresh one from the workspace's state.
 */
export interface ReviewCommentsHolder extends vscode.Disposable {
  get(): ReviewComments;
}

export function createReviewCommentsHolder(memento: vscode.Memento, logger: Logger): ReviewCommentsHolder {
  let current: ReviewComments | undefined;
  let disposed = false;
  const holder: ReviewCommentsHolder = {
    get() {
      if (disposed) throw new Error('the review comments are disposed');
      if (!current || current.disposed) current = new ReviewComments(memento, logger);
      return current;
    },
    dispose() {
      disposed = true;
      current?.dispose();
      current = undefined;
    },
  };
  const waiting = memento.get<unknown>(STATE_KEY);
  if (Array.isArray(waiting) && waiting.length > 0) holder.get();
  return holder;
}
