import type { Clock } from '../util/clock';
import { formatWait } from '../util/timeFormat';
import { systemClock } from '../util/clock';
import { ApiError, NetworkError, ProtocolError, TimeoutError, abortError, redactSecrets } from './errors';
import { discardBody, parseJsonBody, readBodyText } from './httpBody';
import { cleanServerText, describeNetworkCause, errorForStatus, errorText, serverMessage } from './httpErrorMapping';
import {
  DEFAULT_MAX_RETRIES,
  DEFAULT_MAX_RETRY_DELAY_MS,
  DEFAULT_RETRY_BASE_DELAY_MS,
  TRANSIENT_STATUSES,
  backoffDelay,
  parseRetryAfter,
} from './retryTiming';
import * as l10n from '@vscode/l10n';

/**
 * The one way the core talks HTTP: bearer auth, a deadline on every request, the
 * caller's AbortSignal, bounded retries of idempotent requests, and every failure
 * mapped to a typed error whose text is cleaned of the key and of server markup.
 */

export const DEFAULT_TIMEOUT_MS = 30_000;
/** Largest JSON answer read; beyond it the answer is refused rather than buffered. */
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;
/** Enough of an error body to find its message; the rest (a gateway's HTML page) is dropped. */
const MAX_ERROR_BODY_BYTES = 16 * 1024;

export type HttpMethod = 'GET' | 'POST' | 'PATCH';
export type QueryValue = string | number | boolean | undefined;
export type Query = Readonly<Record<string, QueryValue>>;

export interface HttpClientOptions {
  /** Already checked with checkBaseUrl: no trailing slash. */
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly fetch?: typeof fetch;
  readonly clock?: Clock;
  readonly timeoutMs?: number;
  /** Retries after the first attempt of an idempotent request. */
  readonly maxRetries?: number;
  readonly retryBaseDelayMs?: number;
  /** No retry waits longer; a Retry-After beyond it ends the retries. */
  readonly maxRetryDelayMs?: number;
  /** Source of jitter, 0 ≤ x < 1; inject a constant for deterministic delays. */
  readonly random?: () => number;
  readonly maxBodyBytes?: number;
  readonly onDiagnostic?: (message: string) => void;
}

export interface JsonRequest {
  readonly method: HttpMethod;
  /** Starts with "/"; ids in it are already encoded. */
  readonly path: string;
  readonly query?: Query;
  readonly body?: unknown;
  readonly signal?: AbortSignal;
  /** Whether transient failures are retried; only safe for idempotent requests. Default: GET only. */
  readonly retry?: boolean;
}

export interface StreamRequest {
  readonly path: string;
  readonly query?: Query;
  readonly signal?: AbortSignal;
  /** Until the response headers arrive. Default: the client's timeout. */
  readonly connectTimeoutMs?: number;
  readonly accept?: string;
}

export interface OpenedStream {
  readonly body: ReadableStream<Uint8Array>;
  readonly contentType: string;
  /** Closes the connection; safe to call more than once. */
  close(): void;
}

/** One attempt's outcome when the server answered with an error status. */
interface HttpFailure {
  readonly error: ApiError;
  readonly transient: boolean;
  readonly retryAfterMs?: number;
}

export class HttpClient {
  readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly fetchImpl: typeof fetch;
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly retryBaseDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly random: () => number;
  private readonly maxBodyBytes: number;
  private readonly onDiagnostic: ((message: string) => void) | undefined;
  private readonly host: string;

  constructor(options: HttpClientOptions) {
    this.baseUrl = options.baseUrl;
    this.apiKey = options.apiKey;
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.clock = options.clock ?? systemClock;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxRetries = Math.max(0, options.maxRetries ?? DEFAULT_MAX_RETRIES);
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS;
    this.random = options.random ?? Math.random;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.onDiagnostic = options.onDiagnostic;
    this.host = hostOf(options.baseUrl);
  }

  /** Removes the key (and any bearer token) from a text about to leave the core. */
  redact(text: string): string {
    return redactSecrets(text, [this.apiKey]);
  }

  diagnostic(message: string): void {
    if (!this.onDiagnostic) return;
    try {
      this.onDiagnostic(this.redact(message));
    } catch {
      // A faulty log sink must not break a request.
    }
  }

  /** Sends a JSON request and returns the parsed answer (undefined for an empty body). */
  async requestJson(request: JsonRequest): Promise<unknown> {
    const retry = request.retry ?? request.method === 'GET';
    const label = `${request.method} ${request.path}`;
    for (let attempt = 0; ; attempt++) {
      throwIfAborted(request.signal);
      const startedAt = this.clock.now();
      let failure: HttpFailure;
      try {
        const outcome = await this.attemptJson(request);
        if (outcome.ok) {
          this.diagnostic(`${label} → ${outcome.status} in ${this.clock.now() - startedAt} ms`);
          return outcome.body;
        }
        failure = outcome.failure;
      } catch (e) {
        if (!NetworkError.is(e)) throw e;
        failure = { error: e, transient: true };
      }
      const delayMs =
        retry && failure.transient && attempt < this.maxRetries ? this.retryDelay(attempt, failure) : undefined;
      if (delayMs === undefined) {
        this.diagnostic(`${label} failed: ${failure.error.message}`);
        throw failure.error;
      }
      this.diagnostic(
        `${label} failed: ${failure.error.message}; retry ${attempt + 1} of ${this.maxRetries} in ${delayMs} ms`,
      );
      try {
        await this.clock.sleep(delayMs, request.signal);
      } catch {
        throw abortError();
      }
    }
  }

  /**
   * Opens a streaming GET (server-sent events). Not retried here: the log stream owns
   * reconnection. The connect timeout covers the wait for the response headers; the
   * reader of the body watches for idleness itself.
   */
  async openStream(request: StreamRequest): Promise<OpenedStream> {
    const url = this.urlFor(request.path, request.query);
    const label = `GET ${request.path} (stream)`;
    const connection = new AbortController();
    const onCallerAbort = () => connection.abort();
    request.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const close = () => {
      request.signal?.removeEventListener('abort', onCallerAbort);
      connection.abort();
    };
    throwIfAborted(request.signal);
    const connectTimeoutMs = request.connectTimeoutMs ?? this.timeoutMs;
    const deadline = this.startDeadline(connectTimeoutMs, connection);
    try {
      const response = await this.fetchImpl(url, {
        method: 'GET',
        headers: this.headersFor(request.accept ?? 'text/event-stream', false),
        signal: connection.signal,
        redirect: 'manual',
      });
      if (!response.ok) throw (await this.failureFor(response, connection.signal)).error;
      const contentType = response.headers.get('content-type') ?? '';
      if (/text\/html|application\/json/i.test(contentType) || response.body === null) {
        await discardBody(response);
        throw new ProtocolError(undefined, { detail: `the log stream answered with ${contentType || 'no body'}` });
      }
      this.diagnostic(`${label} → ${response.status}`);
      return { body: response.body, contentType, close };
    } catch (e) {
      close();
      if (ApiError.is(e)) throw e;
      throw this.fetchFailure(e, request.signal, deadline.timedOut(), connectTimeoutMs);
    } finally {
      deadline.clear();
    }
  }

  private async attemptJson(
    request: JsonRequest,
  ): Promise<{ ok: true; status: number; body: unknown } | { ok: false; failure: HttpFailure }> {
    const url = this.urlFor(request.path, request.query);
    const controller = new AbortController();
    const onCallerAbort = () => controller.abort();
    request.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const deadline = this.startDeadline(this.timeoutMs, controller);
    try {
      let response: Response;
      try {
        const init: RequestInit = {
          method: request.method,
          headers: this.headersFor('application/json', request.body !== undefined),
          signal: controller.signal,
          redirect: 'manual',
        };
        if (request.body !== undefined) init.body = JSON.stringify(request.body);
        response = await this.fetchImpl(url, init);
        if (!response.ok) return { ok: false, failure: await this.failureFor(response, controller.signal) };
        const text = await readBodyText(response, this.maxBodyBytes);
        if (text === undefined) {
          throw new ProtocolError(undefined, { detail: `answer larger than ${this.maxBodyBytes} bytes` });
        }
        return { ok: true, status: response.status, body: parseJsonBody(text) };
      } catch (e) {
        if (ApiError.is(e)) throw e;
        throw this.fetchFailure(e, request.signal, deadline.timedOut(), this.timeoutMs);
      }
    } finally {
      deadline.clear();
      request.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  private retryDelay(attempt: number, failure: HttpFailure): number | undefined {
    if (failure.retryAfterMs !== undefined) {
      return failure.retryAfterMs <= this.maxRetryDelayMs ? failure.retryAfterMs : undefined;
    }
    return backoffDelay(attempt, this.retryBaseDelayMs, this.maxRetryDelayMs, this.random);
  }

  private startDeadline(ms: number, controller: AbortController): { timedOut(): boolean; clear(): void } {
    const timer = new AbortController();
    let timedOut = false;
    this.clock.sleep(ms, timer.signal).then(
      () => {
        timedOut = true;
        controller.abort();
      },
      () => undefined,
    );
    return { timedOut: () => timedOut, clear: () => timer.abort() };
  }

  /** Turns whatever fetch (or reading the body) threw into abort, timeout or network error. */
  private fetchFailure(e: unknown, callerSignal: AbortSignal | undefined, timedOut: boolean, timeoutMs: number): Error {
    if (callerSignal?.aborted) return abortError();
    if (timedOut) {
      return new TimeoutError(
        l10n.t('The BLACKBOX API at {0} did not answer within {1}. Try again later.', this.host, formatWait(timeoutMs)),
      );
    }
    const reason = describeNetworkCause(e);
    return new NetworkError(
      reason
        ? l10n.t('Cannot reach the BLACKBOX API at {0} ({1}). Check your connection and try again.', this.host, reason)
        : l10n.t('Cannot reach the BLACKBOX API at {0}. Check your connection and try again.', this.host),
      { detail: this.redact(errorText(e)) },
    );
  }

  private async failureFor(response: Response, signal: AbortSignal): Promise<HttpFailure> {
    let text = '';
    try {
      text = (await readBodyText(response, MAX_ERROR_BODY_BYTES, true)) ?? '';
    } catch {
      // The status alone still says what happened.
    }
    if (signal.aborted) throw abortError();
    const contentType = response.headers.get('content-type') ?? '';
    const serverText = serverMessage(text, contentType);
    const said = serverText === undefined ? undefined : cleanServerText(serverText, [this.apiKey]);
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.clock.now());
    return {
      error: errorForStatus(response.status, said, retryAfterMs),
      transient: TRANSIENT_STATUSES.has(response.status),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }

  private urlFor(path: string, query: Query | undefined): string {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined) params.set(name, String(value));
    }
    const search = params.toString();
    return `${this.baseUrl}${path}${search ? `?${search}` : ''}`;
  }

  /** `Accept: application/json` goes with every JSON request: the Cloud API requires it, v1 ignores it. */
  private headersFor(accept: string, hasBody: boolean): Record<string, string> {
    return {
      Accept: accept,
      Authorization: `Bearer ${this.apiKey}`,
      ...(hasBody ? { 'Content-Type': 'application/json' } : {}),
    };
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError();
}

/** The host of a base URL, for messages (never the whole URL). */
export function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return l10n.t('the configured URL');
  }
}
