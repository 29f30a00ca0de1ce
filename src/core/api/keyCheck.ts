import { apiKindForKey } from './apiConfig';
import {
  AuthError,
  ForbiddenError,
  NetworkError,
  RateLimitError,
  ServerError,
  TimeoutError,
  isAbortError,
  redactSecrets,
} from '../http/errors';
import type { ApiKind } from '../tasks/model';
import * as l10n from '@vscode/l10n';

/**
 * The pure half of "Set API Key…": what a typed key looks like, which API it goes to, and
 * what to tell the user about the verification request. No message here ever contains the key.
 */

export const API_NAMES: Readonly<Record<ApiKind, string>> = {
  agent: 'Agent API v1',
  cloud: 'Cloud API',
};

/** Shortest text accepted as a key; real keys are far longer, this only catches slips. */
const MIN_KEY_LENGTH = 8;

/** Why the typed text cannot be a key, for the input box's validation line; undefined when it can. */
export function keyInputProblem(raw: string): string | undefined {
  const key = raw.trim();
  if (key === '') return l10n.t('Paste the API key.');
  if (/\s/.test(key)) return l10n.t('An API key has no spaces or line breaks inside it. Paste the key alone.');
  // Anything outside printable ASCII is almost always a copy-paste accident (smart quotes, NBSP).
  if (!/^[\x21-\x7e]+$/.test(key))
    return l10n.t('The key contains characters an API key never has (quotes or symbols from a copy-paste?).');
  if (key.length < MIN_KEY_LENGTH) return l10n.t('That is too short to be an API key.');
  return undefined;
}

export type KeyKindDecision =
  | { readonly kind: ApiKind; readonly decidedBy: 'prefix' | 'setting'; readonly warning?: string }
  | { readonly kind: 'unknown'; readonly warning: string };

/**
 * Which API a new key is for. The `blackboxTasks.api` setting, when not `auto`, wins (the
 * session uses it too) but a disagreeing prefix is pointed out; otherwise the prefix
 * decides, and an unknown prefix means the user must choose.
 */
export function decideKeyKind(rawKey: string, setting: string | undefined): KeyKindDecision {
  const byPrefix = apiKindForKey(rawKey);
  if (setting === 'agent' || setting === 'cloud') {
    if (byPrefix && byPrefix !== setting) {
      return {
        kind: setting,
        decidedBy: 'setting',
        warning: l10n.t(
          'The key looks like {0} key, but the setting blackboxTasks.api selects the {1}. It will be checked against the {1}.',
          withArticle(API_NAMES[byPrefix]),
          API_NAMES[setting],
        ),
      };
    }
    return { kind: setting, decidedBy: 'setting' };
  }
  if (byPrefix) return { kind: byPrefix, decidedBy: 'prefix' };
  return {
    kind: 'unknown',
    warning: l10n.t(
      'This key starts with neither sk- (Agent API v1, Pro plan) nor bb_ (Cloud API token). Choose the API it belongs to; it is checked before it is stored.',
    ),
  };
}

export type VerificationVerdict =
  /** The server refused the key: never store it. */
  | { readonly verdict: 'rejected'; readonly message: string }
  /** The server was not reached or failed: the key's validity is unknown, the user may store it anyway. */
  | { readonly verdict: 'unverified'; readonly message: string }
  /** The user cancelled the check. */
  | { readonly verdict: 'cancelled' };

/**
 * What a failed verification request means for the key, in words that never repeat it
 * (the key is not stored yet, so no other redactor knows it: it is removed here).
 */
export function verificationVerdict(error: unknown, kind: ApiKind, key: string): VerificationVerdict {
  if (isAbortError(error)) return { verdict: 'cancelled' };
  const api = API_NAMES[kind];
  const other = API_NAMES[kind === 'agent' ? 'cloud' : 'agent'];
  if (AuthError.is(error)) {
    return {
      verdict: 'rejected',
      message: l10n.t(
        'The {0} did not accept this key (HTTP 401), so it was not stored. Check that you copied the whole key, that it has not been revoked, and that it is {1} key rather than {2} key.',
        api,
        withArticle(api),
        withArticle(other),
      ),
    };
  }
  if (ForbiddenError.is(error)) {
    return {
      verdict: 'rejected',
      message: l10n.t(
        'The {0} recognised the key but refused access (HTTP 403): your plan may not include this API. The key was not stored.',
        api,
      ),
    };
  }
  if (NetworkError.is(error) || TimeoutError.is(error) || ServerError.is(error) || RateLimitError.is(error)) {
    return {
      verdict: 'unverified',
      message: redactSecrets(
        l10n.t('The key could not be checked: {0} Store it anyway, without checking?', error.userMessage),
        [key.trim()],
      ),
    };
  }
  const detail = error instanceof Error ? error.message : String(error);
  return {
    verdict: 'unverified',
    message: redactSecrets(l10n.t('The key could not be checked ({0}). Store it anyway, without checking?', detail), [
      key.trim(),
    ]),
  };
}

function withArticle(name: string): string {
  return /^[AEIOU]/.test(name) ? l10n.t('an {0}', name) : l10n.t('a {0}', name);
}
