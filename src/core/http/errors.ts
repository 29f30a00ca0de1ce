/**
 * Typed failures of the BLACKBOX task APIs. Every error carries `userMessage`, a sentence
 * that can be shown as is; neither it nor `message` ever contains the API key, because
 * every text that could (server text, low-level causes) passes through `redactSecrets`.
 *
 * `static is()` also recognises an error by its brand and name, so an error thrown by
 * one copy of this module (the bundled extension) is recognised by another (a test).
 */
import { formatWait } from '../util/timeFormat';
import * as l10n from '@vscode/l10n';

const API_ERROR_BRAND = Symbol.for('blackboxTasks.apiError');

export interface ApiErrorOptions {
  readonly status?: number;
  /** Extra technical detail for logs; untrusted text must be cleaned by the caller. */
  readonly detail?: string;
  readonly cause?: unknown;
}

function hasBrandAndName(e: unknown, name: string | undefined): boolean {
  if (typeof e !== 'object' || e === null) return false;
  if ((e as Record<symbol, unknown>)[API_ERROR_BRAND] !== true) return false;
  return name === undefined || (e as { name?: unknown }).name === name;
}

export class ApiError extends Error {
  readonly status?: number;
  readonly userMessage: string;

  constructor(userMessage: string, options: ApiErrorOptions = {}) {
    super(options.detail ? `${userMessage} (${options.detail})` : userMessage, { cause: options.cause });
    // Explicit names survive minification, which renames classes.
    this.name = 'ApiError';
    this.userMessage = userMessage;
    if (options.status !== undefined) this.status = options.status;
    Object.defineProperty(this, API_ERROR_BRAND, { value: true, enumerable: false });
  }

  static is(e: unknown): e is ApiError {
    return e instanceof ApiError || hasBrandAndName(e, undefined);
  }
}

/** 401: the key is missing, wrong or revoked. */
export class AuthError extends ApiError {
  constructor(
    userMessage = l10n.t('The BLACKBOX API did not accept the API key. Set a valid key and try again.'),
    options: ApiErrorOptions = {},
  ) {
    super(userMessage, { status: 401, ...options });
    this.name = 'AuthError';
  }

  static override is(e: unknown): e is AuthError {
    return e instanceof AuthError || hasBrandAndName(e, 'AuthError');
  }
}

/** 403: the plan lacks access, or the task belongs to someone else. */
export class ForbiddenError extends ApiError {
  constructor(
    userMessage = l10n.t(
      'The BLACKBOX API refused this request: your plan may not include it, or the task belongs to someone else.',
    ),
    options: ApiErrorOptions = {},
  ) {
    super(userMessage, { status: 403, ...options });
    this.name = 'ForbiddenError';
  }

  static override is(e: unknown): e is ForbiddenError {
    return e instanceof ForbiddenError || hasBrandAndName(e, 'ForbiddenError');
  }
}

/** 404: no such task (or, on task creation with the Cloud API, no stored GitHub token). */
export class NotFoundError extends ApiError {
  constructor(userMessage = l10n.t('The BLACKBOX API could not find this task.'), options: ApiErrorOptions = {}) {
    super(userMessage, { status: 404, ...options });
    this.name = 'NotFoundError';
  }

  static override is(e: unknown): e is NotFoundError {
    return e instanceof NotFoundError || hasBrandAndName(e, 'NotFoundError');
  }
}

/** 429: too many requests; `retryAfterMs` is the server's Retry-After when it sent one. */
export class RateLimitError extends ApiError {
  readonly retryAfterMs?: number;

  constructor(retryAfterMs?: number, options: ApiErrorOptions = {}) {
    const wait =
      retryAfterMs === undefined
        ? l10n.t('Try again in a moment.')
        : l10n.t('Try again in {0}.', formatWait(retryAfterMs));
    super(l10n.t('The BLACKBOX API is rate limiting requests. {0}', wait), { status: 429, ...options });
    this.name = 'RateLimitError';
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
  }

  static override is(e: unknown): e is RateLimitError {
    return e instanceof RateLimitError || hasBrandAndName(e, 'RateLimitError');
  }
}

/** 5xx: the service failed or a gateway in front of it did. */
export class ServerError extends ApiError {
  declare readonly status: number;

  constructor(status: number, userMessage?: string, options: ApiErrorOptions = {}) {
    super(userMessage ?? l10n.t('The BLACKBOX API had a problem (HTTP {0}). Try again later.', status), {
      ...options,
      status,
    });
    this.name = 'ServerError';
  }

  static override is(e: unknown): e is ServerError {
    return e instanceof ServerError || hasBrandAndName(e, 'ServerError');
  }
}

/**
 * Any other 4xx (400 bad input, 402 insufficient credits, 409, 422…): the server's own
 * explanation, cleaned and shortened, is part of the user message because it is the
 * only useful hint (e.g. "invalid agent, supported: claude, codex").
 */
export class BadRequestError extends ApiError {
  declare readonly status: number;

  constructor(status: number, userMessage: string, options: ApiErrorOptions = {}) {
    super(userMessage, { ...options, status });
    this.name = 'BadRequestError';
  }

  static override is(e: unknown): e is BadRequestError {
    return e instanceof BadRequestError || hasBrandAndName(e, 'BadRequestError');
  }
}

/** The server could not be reached or the connection broke. */
export class NetworkError extends ApiError {
  constructor(
    userMessage = l10n.t('Cannot reach the BLACKBOX API. Check your connection and try again.'),
    options: ApiErrorOptions = {},
  ) {
    super(userMessage, options);
    this.name = 'NetworkError';
  }

  static override is(e: unknown): e is NetworkError {
    return e instanceof NetworkError || hasBrandAndName(e, 'NetworkError');
  }
}

/** No answer (or, on a stream, no data) within the allowed time. */
export class TimeoutError extends ApiError {
  constructor(
    userMessage = l10n.t('The BLACKBOX API did not answer in time. Try again later.'),
    options: ApiErrorOptions = {},
  ) {
    super(userMessage, options);
    this.name = 'TimeoutError';
  }

  static override is(e: unknown): e is TimeoutError {
    return e instanceof TimeoutError || hasBrandAndName(e, 'TimeoutError');
  }
}

/** The answer is not what the API contract says; `field` names the offending field when known. */
export class ProtocolError extends ApiError {
  readonly field?: string;

  constructor(field?: string, options: ApiErrorOptions = {}) {
    super(
      field === undefined
        ? l10n.t('The BLACKBOX API sent an answer this extension does not understand.')
        : l10n.t('The BLACKBOX API sent an answer this extension does not understand (field "{0}").', field),
      options,
    );
    this.name = 'ProtocolError';
    if (field !== undefined) this.field = field;
  }

  static override is(e: unknown): e is ProtocolError {
    return e instanceof ProtocolError || hasBrandAndName(e, 'ProtocolError');
  }
}

/**
 * A request refused before it was sent: input or configuration that cannot work
 * (a model without an agent on a follow-up, a base URL that is not allowed, …).
 */
export class InvalidInputError extends ApiError {
  constructor(userMessage: string, options: ApiErrorOptions = {}) {
    super(userMessage, options);
    this.name = 'InvalidInputError';
  }

  static override is(e: unknown): e is InvalidInputError {
    return e instanceof InvalidInputError || hasBrandAndName(e, 'InvalidInputError');
  }
}

/** True for a cancelled operation; callers stay silent about these. */
export function isAbortError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'AbortError';
}

/** The error every aborted operation of the core rejects with, whatever reason the signal carried. */
export function abortError(): Error {
  const error = new Error('The operation was aborted.');
  error.name = 'AbortError';
  return error;
}

const REDACTED = '[redacted]';
/** Shortest secret worth redacting: shorter strings would blank ordinary words. */
const MIN_SECRET_LENGTH = 4;

/**
 * Replaces every occurrence of each secret (raw and URL-encoded) and any bearer
 * credential with a placeholder. Used on every text that leaves the core.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      result = result.split(form).join(REDACTED);
    }
  }
  return result.replace(/\b(Bearer)\s+[^\s"',;]+/gi, `$1 ${REDACTED}`);
}
