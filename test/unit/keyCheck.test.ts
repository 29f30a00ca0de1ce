import * as assert from 'node:assert/strict';
import { decideKeyKind, keyInputProblem, verificationVerdict } from '../../src/core/api/keyCheck';
import {
  AuthError,
  ForbiddenError,
  NetworkError,
  ServerError,
  TimeoutError,
  abortError,
} from '../../src/core/http/errors';

const AGENT_KEY = 'sk-test-0123456789abcdef';
const CLOUD_KEY = 'bb_test_0123456789abcdef';
const ODD_KEY = 'zz-0123456789abcdef';

describe('keyCheck', () => {
  describe('keyInputProblem', () => {
    it('accepts a plausible key, with surrounding whitespace from a paste', () => {
      assert.equal(keyInputProblem(AGENT_KEY), undefined);
      assert.equal(keyInputProblem(`  ${CLOUD_KEY}\n`), undefined);
    });

    it('rejects empty, split, short and non-ASCII input without repeating it', () => {
      const cases = ['', '   ', 'sk-abc def-0123456', 'sk-abc\ndef-0123456', 'sk-1', 'sk-“0123456789”'];
      for (const input of cases) {
        const problem = keyInputProblem(input);
        assert.ok(problem, `expected a problem for ${JSON.stringify(input)}`);
        if (input.trim().length >= 4) assert.ok(!problem.includes(input.trim()), 'the message must not echo the input');
      }
    });
  });

  describe('decideKeyKind', () => {
    it('goes by the prefix when the setting is auto', () => {
      assert.deepEqual(decideKeyKind(AGENT_KEY, 'auto'), { kind: 'agent', decidedBy: 'prefix' });
      assert.deepEqual(decideKeyKind(CLOUD_KEY, undefined), { kind: 'cloud', decidedBy: 'prefix' });
    });

    it('asks for a choice, with a warning naming both prefixes, when the prefix is unknown', () => {
      const decision = decideKeyKind(ODD_KEY, 'auto');
      assert.equal(decision.kind, 'unknown');
      assert.match(decision.warning ?? '', /sk-/);
      assert.match(decision.warning ?? '', /bb_/);
      assert.ok(!(decision.warning ?? '').includes(ODD_KEY));
    });

    it('lets an explicit setting win, and points out a disagreeing prefix', () => {
      assert.deepEqual(decideKeyKind(ODD_KEY, 'cloud'), { kind: 'cloud', decidedBy: 'setting' });
      assert.deepEqual(decideKeyKind(CLOUD_KEY, 'cloud'), { kind: 'cloud', decidedBy: 'setting' });
      const mismatch = decideKeyKind(AGENT_KEY, 'cloud');
      assert.equal(mismatch.kind, 'cloud');
      assert.match(mismatch.warning ?? '', /looks like an Agent API v1 key/);
    });
  });

  describe('verificationVerdict', () => {
    it('rejects a key the server answered 401 for, naming the API and never the key', () => {
      const verdict = verificationVerdict(new AuthError(), 'agent', AGENT_KEY);
      assert.equal(verdict.verdict, 'rejected');
      assert.ok(verdict.verdict === 'rejected' && /401/.test(verdict.message) && /Agent API v1/.test(verdict.message));
      assert.ok(verdict.verdict === 'rejected' && /not stored/.test(verdict.message));
      assert.ok(
        verdict.verdict === 'rejected' && /an Agent API v1 key rather than a Cloud API key/.test(verdict.message),
      );
      assert.ok(!JSON.stringify(verdict).includes(AGENT_KEY));
    });

    it('rejects a key the server answered 403 for (recognised, but no access)', () => {
      assert.equal(verificationVerdict(new ForbiddenError(), 'cloud', CLOUD_KEY).verdict, 'rejected');
    });

    it('leaves the key unverified when the server could not be reached or failed', () => {
      for (const error of [new NetworkError(), new TimeoutError(), new ServerError(503)]) {
        const verdict = verificationVerdict(error, 'cloud', CLOUD_KEY);
        assert.equal(verdict.verdict, 'unverified', error.name);
        assert.ok(verdict.verdict === 'unverified' && /Store it anyway/.test(verdict.message));
      }
    });

    it('removes the key even from an unexpected low-level message', () => {
      const verdict = verificationVerdict(
        new Error(`socket failed for Bearer ${AGENT_KEY} at ${AGENT_KEY}`),
        'agent',
        AGENT_KEY,
      );
      assert.equal(verdict.verdict, 'unverified');
      assert.ok(!JSON.stringify(verdict).includes(AGENT_KEY));
    });

    it('stays silent about an aborted check', () => {
      assert.deepEqual(verificationVerdict(abortError(), 'agent', AGENT_KEY), { verdict: 'cancelled' });
    });
  });
});
