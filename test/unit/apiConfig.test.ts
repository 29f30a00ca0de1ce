import * as assert from 'node:assert/strict';
import {
  DEFAULT_AGENT_API_URL,
  DEFAULT_CLOUD_API_URL,
  apiKindForKey,
  checkBaseUrl,
  resolveApiKind,
} from '../../src/core/api/apiConfig';

describe('apiConfig', () => {
  it('tells the API from the key prefix', () => {
    assert.equal(apiKindForKey('sk-abc'), 'agent');
    assert.equal(apiKindForKey('bb_abc'), 'cloud');
    assert.equal(apiKindForKey('  sk-abc  '), 'agent');
    assert.equal(apiKindForKey('abc'), undefined);
    assert.equal(apiKindForKey(''), undefined);
    assert.equal(apiKindForKey('SK-abc'), undefined);
  });

  it('an explicit setting wins over the key; auto follows the prefix', () => {
    assert.equal(resolveApiKind('agent', 'bb_x'), 'agent');
    assert.equal(resolveApiKind('cloud', 'sk-x'), 'cloud');
    assert.equal(resolveApiKind('auto', 'sk-x'), 'agent');
    assert.equal(resolveApiKind('auto', 'bb_x'), 'cloud');
    assert.equal(resolveApiKind('auto', 'other'), undefined);
    assert.equal(resolveApiKind('auto', undefined), undefined);
    assert.equal(resolveApiKind('cloud', undefined), 'cloud');
  });

  it('has https defaults that pass its own check', () => {
    assert.deepEqual(checkBaseUrl(DEFAULT_AGENT_API_URL), { ok: true, url: 'https://agent.blackbox.ai' });
    assert.deepEqual(checkBaseUrl(DEFAULT_CLOUD_API_URL), { ok: true, url: 'https://cloud.blackbox.ai' });
  });

  it('accepts https anywhere and normalises the trailing slash', () => {
    assert.deepEqual(checkBaseUrl('https://agent.blackbox.ai/'), { ok: true, url: 'https://agent.blackbox.ai' });
    assert.deepEqual(checkBaseUrl(' https://Example.COM:8443/proxy/// '), {
      ok: true,
      url: 'https://example.com:8443/proxy',
    });
  });

  it('accepts plain http only for loopback hosts', () => {
    for (const url of ['http://127.0.0.1:1234', 'http://127.5.6.7/', 'http://localhost:80', 'http://[::1]:9000/']) {
      const result = checkBaseUrl(url);
      assert.ok(result.ok, url);
    }
    assert.deepEqual(checkBaseUrl('http://127.0.0.1:1234/'), { ok: true, url: 'http://127.0.0.1:1234' });
    for (const url of [
      'http://agent.blackbox.ai',
      'http://10.0.0.1',
      'http://localhost.evil.com',
      'http://127.0.0.1.nip.io',
      'http://[::2]',
    ]) {
      const result = checkBaseUrl(url);
      assert.equal(result.ok, false, url);
      if (!result.ok) assert.match(result.reason, /https/);
    }
  });

  it('rejects other schemes, credentials, queries, fragments and garbage', () => {
    const rejected = [
      'ftp://agent.blackbox.ai',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'https://user:pass@agent.blackbox.ai',
      'https://user@agent.blackbox.ai',
      'https://agent.blackbox.ai/?x=1',
      'https://agent.blackbox.ai/?',
      'https://agent.blackbox.ai/#frag',
      'https://agent.blackbox.ai#',
      'not a url',
      '',
      '   ',
    ];
    for (const url of rejected) {
      const result = checkBaseUrl(url);
      assert.equal(result.ok, false, url);
      if (!result.ok) assert.ok(result.reason.length > 5);
    }
  });

  it('does not echo credentials from a rejected URL in its reason', () => {
    const result = checkBaseUrl('https://someone:sk-secret-value@agent.blackbox.ai');
    assert.equal(result.ok, false);
    if (!result.ok) assert.equal(result.reason.includes('sk-secret-value'), false);
  });
});
