import * as l10n from '@vscode/l10n';

/**
 * Git's failures in words a user can act on. The git extension rejects with an error that
 * carries a `gitErrorCode` (sometimes) and git's `stderr` (usually); both are matched here,
 * because the code is only set for some failures. Pure, so every mapping is unit-tested.
 */

export interface GitFailureFacts {
  readonly code?: string;
  readonly stderr?: string;
  readonly message?: string;
}

export interface GitFailureContext {
  /** What was being done, as a phrase: "Fetching blackbox/fix from origin". */
  readonly doing: string;
  readonly remote?: string;
  readonly branch?: string;
}

const GIT_FAILURE_BRAND = Symbol.for('blackboxTasks.gitOperationError');

/** A git operation failed; `message` is already fit to show. */
export class GitOperationError extends Error {
  readonly code?: string;
  /** git's own words (credentials removed), for the log. */
  readonly detail?: string;

  constructor(
    message: string,
    options: { readonly code?: string; readonly detail?: string; readonly cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'GitOperationError';
    if (options.code !== undefined) this.code = options.code;
    if (options.detail !== undefined) this.detail = options.detail;
    Object.defineProperty(this, GIT_FAILURE_BRAND, { value: true, enumerable: false });
  }

  static is(e: unknown): e is GitOperationError {
    return (
      e instanceof GitOperationError ||
      (typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[GIT_FAILURE_BRAND] === true)
    );
  }
}

/** The user-facing sentence for a failed git operation. */
export function describeGitFailure(facts: GitFailureFacts, context: GitFailureContext): string {
  const stderr = facts.stderr ?? '';
  const code = facts.code ?? '';
  const remote = context.remote ?? l10n.t('the remote');
  const branch = context.branch ? `"${context.branch}"` : l10n.t('the branch');
  const has = (pattern: RegExp): boolean => pattern.test(stderr);

  if (code === 'NoRemoteReference' || has(/couldn't find remote ref|could not find remote ref/i)) {
    return l10n.t(
      '{0} failed: {1} is not on {2} (it may not have been pushed yet, or was deleted).',
      context.doing,
      branch,
      remote,
    );
  }
  if (
    code === 'AuthenticationFailed' ||
    has(/Authentication failed|could not read Username|Permission denied \(publickey/i)
  ) {
    return l10n.t(
      '{0} failed: git could not sign in to {1}. Check your git credentials for GitHub.',
      context.doing,
      remote,
    );
  }
  if (
    code === 'RemoteConnectionError' ||
    code === 'CantAccessRemote' ||
    has(
      /Could not resolve host|unable to access|Could not read from remote repository|Connection (timed out|refused)|does not appear to be a git repository/i,
    )
  ) {
    return l10n.t(
      '{0} failed: git could not reach {1}. Check your network connection and that the repository exists.',
      context.doing,
      remote,
    );
  }
  if (has(/untracked working tree files would be (overwritten|removed)/i)) {
    return l10n.t(
      '{0} failed: untracked files in your working tree would be overwritten. Move or remove them, then try again.',
      context.doing,
    );
  }
  if (
    code === 'DirtyWorkTree' ||
    code === 'LocalChangesOverwritten' ||
    has(/Your local changes to the following files would be overwritten|Please,? commit your changes or stash them/i)
  ) {
    return l10n.t(
      '{0} failed: your uncommitted changes would be overwritten. Commit or stash them, then try again. Nothing was changed.',
      context.doing,
    );
  }
  if (code === 'WorktreeBranchAlreadyUsed' || has(/is already (checked out|used by worktree) at/i)) {
    return l10n.t('{0} failed: {1} is already checked out in another worktree.', context.doing, branch);
  }
  if (code === 'BranchAlreadyExists' || has(/already exists/i)) {
    return l10n.t('{0} failed: a local branch {1} already exists.', context.doing, branch);
  }
  if (code === 'PushRejected' || has(/\[rejected\]|failed to push some refs|non-fast-forward/i)) {
    return l10n.t(
      '{0} failed: {1} rejected the push because it has commits your branch lacks. Pull first, then push.',
      context.doing,
      remote,
    );
  }
  if (
    code === 'RepositoryIsLocked' ||
    code === 'CantLockRef' ||
    has(/index\.lock|cannot lock ref|Unable to create .*\.lock/i)
  ) {
    return l10n.t(
      '{0} failed: another git process is using this repository. Wait for it to finish and try again.',
      context.doing,
    );
  }
  if (code === 'NotASafeGitRepository' || has(/detected dubious ownership/i)) {
    return l10n.t(
      "{0} failed: git does not trust this repository folder (it is owned by another user; see git's safe.directory).",
      context.doing,
    );
  }
  if (code === 'InvalidBranchName' || has(/is not a valid branch name/i)) {
    return l10n.t('{0} failed: git refused the branch name {1}.', context.doing, branch);
  }
  if (code === 'GitNotFound') {
    return l10n.t('{0} failed: git was not found. Install git, or set git.path in the settings.', context.doing);
  }
  const said = firstMeaningfulLine(stderr) ?? firstMeaningfulLine(facts.message ?? '');
  return said ? l10n.t('{0} failed: {1}', context.doing, said) : l10n.t('{0} failed.', context.doing);
}

/** Git's text with credentials removed from any URL in it (`https://user:token@host` → `https://host`). */
export function withoutCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s'"]+@/gi, '$1');
}

function firstMeaningfulLine(text: string): string | undefined {
  const line = withoutCredentials(text)
    .split(/\r?\n/)
    .map((candidate) => candidate.replace(/^(fatal|error|hint):\s*/i, '').trim())
    .find((candidate) => candidate !== '' && candidate !== 'Failed to execute git');
  if (!line) return undefined;
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}
