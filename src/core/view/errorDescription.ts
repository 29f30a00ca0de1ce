import {
  ApiError,
  AuthError,
  ForbiddenError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  ServerError,
  TimeoutError,
  isAbortError,
} from '../http/errors';
import * as l10n from '@vscode/l10n';

/** What the user can do about a failure; the adapter turns each into a button. */
export type ErrorRemedy = 'setApiKey' | 'retry' | 'showOutput';

export interface ErrorDescription {
  readonly message: string;
  readonly remedies: readonly ErrorRemedy[];
  /** Cancelled by the user: say nothing. */
  readonly silent: boolean;
}

/** One mapping from any failure to what a user is told, used by every command and view. */
export function describeError(error: unknown, doing: string): ErrorDescription {
  if (isAbortError(error)) return { message: '', remedies: [], silent: true };
  if (AuthError.is(error)) {
    return {
      message: l10n.t('{0} failed: the API key was not accepted. Set a valid key.', doing),
      remedies: ['setApiKey'],
      silent: false,
    };
  }
  if (ForbiddenError.is(error)) {
    return { message: l10n.t('{0} failed: {1}', doing, error.userMessage), remedies: ['showOutput'], silent: false };
  }
  if (NotFoundError.is(error)) {
    return { message: l10n.t('{0} failed: {1}', doing, error.userMessage), remedies: [], silent: false };
  }
  if (RateLimitError.is(error) || ServerError.is(error) || NetworkError.is(error) || TimeoutError.is(error)) {
    return {
      message: l10n.t('{0} failed: {1}', doing, error.userMessage),
      remedies: ['retry', 'showOutput'],
      silent: false,
    };
  }
  if (ApiError.is(error)) {
    return { message: l10n.t('{0} failed: {1}', doing, error.userMessage), remedies: ['showOutput'], silent: false };
  }
  const detail = error instanceof Error ? error.message : String(error);
  return { message: l10n.t('{0} failed: {1}', doing, detail), remedies: ['showOutput'], silent: false };
}
