import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const repoRoot = resolve(__dirname, '..', '..', '..');

describe('provisioning the VS Code runtime', () => {
  it('gives the npm it starts the user agent of Node 24, also when it runs inside an npm script', function () {
    this.timeout(120_000);
    // `npm run` exports its own user agent (naming the Node that runs this test) to the script it
    // starts, exactly as `npm test` and `npm run demo` do; code-server's postinstall reads it.
    const result = spawnSync('npm', ['run', '--silent', 'provision', '--', '--probe-inner-npm'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
    const userAgent = result.stdout.trim().split('\n').pop() ?? '';
    assert.match(userAgent, /\bnode\/v24\.21\.0\b/, `the inner npm said: ${userAgent}`);
    assert.doesNotMatch(userAgent, new RegExp(`node/${process.version.replace(/\./g, '\\.')}\\b`));
  });
});
