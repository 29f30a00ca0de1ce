import type { ApiError } from './errors';
import {
  AuthError,
  BadRequestError,
  ForbiddenError,
  NotFoundError,
  ProtocolError,
  RateLimitError,
  ServerError,
  redactSecrets,
} from './errors';
import { isJsonObject } from '../api/validate';
import * as l10n from '@vscode/l10n';

/**
 * Turning what went wrong into a typed error with a readable, safe message: an error
 * status and its body, or the cause a failed fetch carries. Apart from HttpClient so the
 * wording and the cleaning of untrusted server text are read (and tested) on their own.
 */

/** Longest piece of server text put into an error message. */
const MAX_SERVER_TEXT = 200;

/** Maps an HTTP error status (and the server's cleaned message, if any) to a typed error. */
export function errorForStatus(status: number, said: string | undefined, retryAfterMs?: number): ApiError {
  const detail = said === undefined ? `HTTP ${status}` : `HTTP ${status}: ${said}`;
  const options = { detail };
  const addSaid = (sentence: string) =>
    said === undefined || isBoilerplate(said) ? sentence : l10n.t('{0} The server said: “{1}”', sentence, said);
  if (status === 401) return new AuthError(undefined, options);
  if (status === 403) {
    return new ForbiddenError(
      addSaid(
        l10n.t(
          'The BLACKBOX API refused this request: your plan may not include it, or the task belongs to someone else.',
        ),
      ),
      options,
    );
  }
  if (status === 404) return new NotFoundError(addSaid(l10n.t('The BLACKBOX API could not find this task.')), options);
  if (status === 429) return new RateLimitError(retryAfterMs, options);
  if (status >= 500)
    return new ServerError(
      status,
      addSaid(l10n.t('The BLACKBOX API had a problem (HTTP {0}). Try again later.', status)),
      options,
    );
  if (status === 402)
    return new BadRequestError(
      status,
      addSaid(l10n.t('Your BLACKBOX account does not have enough credits for this.')),
      options,
    );
  if (status >= 400)
    return new BadRequestError(
      status,
      addSaid(l10n.t('The BLACKBOX API rejected the request (HTTP {0}).', status)),
      options,
    );
  // 1xx/3xx reach here only through redirect: 'manual'; following a redirect could carry the key elsewhere.
  return new ProtocolError(undefined, { status, detail: `unexpected HTTP ${status}; check the API URL setting` });
}

/** Status texts that add nothing to our own sentence. */
function isBoilerplate(said: string): boolean {
  return /^(unauthori[sz]ed|forbidden|not found|internal server error|bad gateway|service unavailable|gateway timeout)\.?$/i.test(
    said,
  );
}

/**
 * Finds the human message in an error body: `{error: "…"}`, `{error: {code, message}}`,
 * `{message: "…"}`, or short plain text. Markup (a gateway's HTML page) gives nothing.
 */
export function serverMessage(text: string, contentType: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (typeof parsed === 'string') return parsed;
    if (!isJsonObject(parsed)) return undefined;
    const error = parsed['error'];
    if (typeof error === 'string') return error;
    if (isJsonObject(error)) {
      const message = error['message'];
      const code = error['code'];
      if (typeof message === 'string') return message;
      if (typeof code === 'string') return code;
    }
    const message = parsed['message'];
    return typeof message === 'string' ? message : undefined;
  } catch {
    if (/html|xml/i.test(contentType) || /^</.test(trimmed)) return undefined;
    return trimmed;
  }
}

/** Untrusted server text made fit for a message: no control characters or escapes, one line, short, no key. */
export function cleanServerText(text: string, secrets: readonly string[], maxLength = MAX_SERVER_TEXT): string {
  const flat = redactSecrets(text, secrets)
    .replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '')
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > maxLength ? `${flat.slice(0, maxLength - 1).trimEnd()}…` : flat;
}

/** A few words for a network error code, or undefined for an unknown one. */
function networkCause(code: string): string | undefined {
  switch (code) {
    case 'ECONNREFUSED':
      return l10n.t('connection refused');
    case 'ECONNRESET':
      return l10n.t('connection reset');
    case 'ENOTFOUND':
      return l10n.t('host not found');
    case 'EAI_AGAIN':
      return l10n.t('name lookup failed');
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return l10n.t('connection timed out');
    case 'EHOSTUNREACH':
      return l10n.t('host unreachable');
    case 'ENETUNREACH':
      return l10n.t('network unreachable');
    case 'UND_ERR_SOCKET':
      return l10n.t('connection closed');
    default:
      return undefined;
  }
}

export function describeNetworkCause(e: unknown): string | undefined {
  for (let current: unknown = e, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      const cause = networkCause(code);
      if (cause) return cause;
      if (/CERT|SSL|TLS/.test(code)) return l10n.t('certificate problem');
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function errorText(e: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = e, depth = 0; current && depth < 4; depth++) {
    if (current instanceof Error) parts.push(current.message);
    else if (typeof current === 'string') parts.push(current);
    current = typeof current === 'object' ? (current as { cause?: unknown }).cause : undefined;
  }
  return parts.join(': ').slice(0, 300);
}
