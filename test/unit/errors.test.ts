import * as assert from 'node:assert/strict';
import {
  ApiError,
  AuthError,
  BadRequestError,
  ForbiddenError,
  InvalidInputError,
  NetworkError,
  NotFoundError,
  ProtocolError,
  RateLimitError,
  ServerError,
  TimeoutError,
  abortError,
  isAbortError,
  redactSecrets,
} from '../../src/core/http/errors';
import { FAKE_AGENT_KEY } from './support/loopbackServer';

describe('errors', () => {
  const samples = [
    { error: new AuthError(), name: 'AuthError', status: 401, is: AuthError.is },
    { error: new ForbiddenError(), name: 'ForbiddenError', status: 403, is: ForbiddenError.is },
    { error: new NotFoundError(), name: 'NotFoundError', status: 404, is: NotFoundError.is },
    { error: new RateLimitError(5000), name: 'RateLimitError', status: 429, is: RateLimitError.is },
    { error: new ServerError(503), name: 'ServerError', status: 503, is: ServerError.is },
    {
      error: new BadRequestError(400, 'The request was rejected.'),
      name: 'BadRequestError',
      status: 400,
      is: BadRequestError.is,
    },
    { error: new NetworkError(), name: 'NetworkError', status: undefined, is: NetworkError.is },
    { error: new TimeoutError(), name: 'TimeoutError', status: undefined, is: TimeoutError.is },
    { error: new ProtocolError('tasks'), name: 'ProtocolError', status: undefined, is: ProtocolError.is },
    {
      error: new InvalidInputError('The prompt is empty, write one.'),
      name: 'InvalidInputError',
      status: undefined,
      is: InvalidInputError.is,
    },
  ];

  for (const sample of samples) {
    it(`${sample.name} has its name, status, a user message and is recognised only by its own is()`, () => {
      assert.equal(sample.error.name, sample.name);
      assert.equal(sample.error.status, sample.status);
      assert.ok(sample.error.userMessage.length > 10);
      assert.ok(sample.error instanceof Error);
      assert.ok(ApiError.is(sample.error));
      assert.ok(sample.is(sample.error));
      for (const other of samples) {
        if (other.name !== sample.name) assert.equal(other.is(sample.error), false, `${other.name}.is(${sample.name})`);
      }
    });
  }

  it('is() recognises an error thrown by another copy of the module (brand and name)', () => {
    const foreign = new Error('x');
    foreign.name = 'AuthError';
    Object.defineProperty(foreign, Symbol.for('blackboxTasks.apiError'), { value: true });
    assert.ok(AuthError.is(foreign));
    assert.ok(ApiError.is(foreign));
    assert.equal(NotFoundError.is(foreign), false);
    const unbranded = new Error('x');
    unbranded.name = 'AuthError';
    assert.equal(AuthError.is(unbranded), false);
    assert.equal(ApiError.is(unbranded), false);
  });

  it('is() is false for non-errors', () => {
    for (const value of [undefined, null, 'AuthError', 42, { name: 'AuthError' }]) {
      assert.equal(ApiError.is(value), false);
      assert.equal(AuthError.is(value), false);
    }
  });

  it('RateLimitError keeps the delay and says when to retry', () => {
    const error = new RateLimitError(90_000);
    assert.equal(error.retryAfterMs, 90_000);
    assert.match(error.userMessage, /90 s/);
    assert.equal(new RateLimitError().retryAfterMs, undefined);
    assert.match(new RateLimitError(10 * 60_000).userMessage, /10 min/);
  });

  it('ProtocolError names the field', () => {
    const error = new ProtocolError('tasks[2].runId');
    assert.equal(error.field, 'tasks[2].runId');
    assert.match(error.userMessage, /tasks\[2\]\.runId/);
    assert.equal(new ProtocolError().field, undefined);
  });

  it('message adds detail for logs while userMessage stays a clean sentence', () => {
    const error = new ServerError(502, undefined, { detail: 'HTTP 502' });
    assert.match(error.message, /HTTP 502\)$/);
    assert.doesNotMatch(error.userMessage, /\(HTTP 502\)$/);
  });

  it('isAbortError is true for aborts of every origin and false otherwise', () => {
    const controller = new AbortController();
    controller.abort();
    assert.ok(isAbortError(controller.signal.reason));
    assert.ok(isAbortError(abortError()));
    assert.ok(isAbortError(new DOMException('stop', 'AbortError')));
    assert.equal(isAbortError(new TimeoutError()), false);
    assert.equal(isAbortError(new Error('AbortError')), false);
    assert.equal(isAbortError(undefined), false);
  });

  describe('redactSecrets', () => {
    it('removes every occurrence of the key, raw and URL-encoded', () => {
      const key = 'sk-a/b+c=d';
      const text = `key ${key} twice ${key} and ${encodeURIComponent(key)} in a URL`;
      const redacted = redactSecrets(text, [key]);
      assert.equal(redacted.includes(key), false);
      assert.equal(redacted.includes(encodeURIComponent(key)), false);
      assert.equal(redacted.split('[redacted]').length - 1, 3);
    });

    it('removes any bearer credential, even an unknown one', () => {
      const redacted = redactSecrets('Authorization: Bearer other-token-123, next', []);
      assert.equal(redacted, 'Authorization: Bearer [redacted], next');
    });

    it('leaves text without secrets alone and ignores empty secrets', () => {
      assert.equal(redactSecrets('nothing secret here', ['', 'abc']), 'nothing secret here');
      assert.equal(redactSecrets(`x ${FAKE_AGENT_KEY} y`, [FAKE_AGENT_KEY]), 'x [redacted] y');
    });
  });
});
