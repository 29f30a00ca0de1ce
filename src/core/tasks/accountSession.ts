import type { PageCursor, TasksApi } from '../api/tasksApi';
import type { DisposableLike } from '../util/disposable';

/**
 * One account's connection, from the moment the store connects to it until another account
 * (or none) takes its place: the client, the paging cursor, the failure backoff, and the
 * requests in flight. Retiring it aborts its signal, which every request and every answer
 * handler of this account checks: an answer that arrives for a retired session is dropped.
 */
export class AccountSession implements DisposableLike {
  private readonly controller = new AbortController();

  /** Entries of the server's list loaded so far, and where the next page starts. */
  loadedCount = 0;
  hasMore = false;
  nextCursor: PageCursor | undefined;

  /** When the last refresh started; undefined before the first. */
  lastAttemptAt: number | undefined;
  consecutiveFailures = 0;
  /** Earliest time the server allows another request (Retry-After). */
  notBefore: number | undefined;
  /** The key was refused: nothing is retried until the user acts. */
  authFailed = false;
  /** A list answer has arrived for this account (the saved snapshot is no longer all there is). */
  receivedLive = false;

  refreshing: Promise<void> | undefined;
  loadingMore: Promise<void> | undefined;

  /** List rows already reported as skipped or partly ignored: each is logged once per session. */
  readonly reportedRowProblems = new Set<string>();

  constructor(
    public api: TasksApi,
    readonly accountKey: string,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get retired(): boolean {
    return this.controller.signal.aborted;
  }

  /** The signal for one request: this session's, joined with the caller's when there is one. */
  requestSignal(caller?: AbortSignal): AbortSignal {
    return caller ? AbortSignal.any([caller, this.controller.signal]) : this.controller.signal;
  }

  /** Where the next page of the list starts, in the form this API pages by. */
  nextPage(pageSize: number): PageCursor {
    return (
      this.nextCursor ??
      (this.api.kind === 'agent' ? { page: Math.floor(this.loadedCount / pageSize) + 1 } : { offset: this.loadedCount })
    );
  }

  dispose(): void {
    this.controller.abort();
  }
}
