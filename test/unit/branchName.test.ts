import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { checkBranchName, quoteBranchName } from '../../src/core/git/branchName';

const GOOD = [
  'main',
  'blackbox/add-rate-limiting',
  'feature/JIRA-123_fix.login',
  'blackbox/task-7f3c2a91',
  'release/v1.2.3',
  'a',
  'user/name/deep/path',
  'fix-ümlaut',
  'x.lockfile',
  'ends-with-at@',
];

/** Each with the part of the reason that names the problem. */
const BAD: readonly [unknown, string][] = [
  ['', 'empty'],
  [undefined, 'empty'],
  [42, 'empty'],
  ['-f', 'option'],
  ['--upload-pack=touch /tmp/pwned', 'option'],
  ['-', 'option'],
  ['feature..main', '".."'],
  ['../../etc/passwd', '".."'],
  ['has space', 'space'],
  ['tab\there', 'control'],
  ['new\nline', 'control'],
  ['nul\u0000byte', 'control'],
  ['del\u007f', 'control'],
  ['tilde~1', '"~"'],
  ['caret^', '"^"'],
  ['colon:x', '":"'],
  ['question?', '"?"'],
  ['star*', '"*"'],
  ['bracket[', '"["'],
  ['back\\slash', '"\\"'],
  ['reflog@{1}', '"@{"'],
  ['@', '"@"'],
  ['HEAD', '"HEAD"'],
  ['/leading', '"/"'],
  ['trailing/', '"/"'],
  ['double//slash', '"//"'],
  ['ends.', '"."'],
  ['.hidden', 'starts with "."'],
  ['feature/.hidden', 'starts with "."'],
  ['branch.lock', '".lock"'],
  ['feature.lock/x', '".lock"'],
  ['refs/heads/main', 'full reference'],
  ['rtl\u202eevil', 'direction'],
  ['zero\u200bwidth', 'invisible'],
  ['x'.repeat(251), 'longer'],
];

describe('branchName', () => {
  it('accepts ordinary branch names, unchanged', () => {
    for (const name of GOOD) assert.deepEqual(checkBranchName(name), { ok: true, name }, name);
  });

  for (const [name, reasonPart] of BAD) {
    it(`refuses ${String(JSON.stringify(name)).slice(0, 40)} and says why`, () => {
      const result = checkBranchName(name);
      assert.equal(result.ok, false);
      if (!result.ok)
        assert.ok(result.reason.includes(reasonPart), `reason "${result.reason}" should mention ${reasonPart}`);
      assert.equal(checkBranchName(name).ok, false);
    });
  }

  it('accepts nothing that git itself would refuse as a branch name', function () {
    const probe = spawnSync('git', ['--version'], { encoding: 'utf8' });
    if (probe.status !== 0) this.skip();
    const candidates = [
      ...GOOD,
      ...BAD.map(([name]) => name).filter(
        (name): name is string => typeof name === 'string' && !name.includes('\u0000'),
      ),
    ];
    for (const name of candidates) {
      const gitSays = spawnSync('git', ['check-ref-format', '--branch', name], { encoding: 'utf8' }).status === 0;
      if (checkBranchName(name).ok) assert.ok(gitSays, `we accept ${JSON.stringify(name)} but git refuses it`);
    }
  });

  describe('quoteBranchName', () => {
    it('quotes an ordinary name as it is', () => {
      assert.equal(quoteBranchName('blackbox/fix-login'), '"blackbox/fix-login"');
    });

    it('spells out what would hide or reorder text, and quotes', () => {
      assert.equal(quoteBranchName('a\u202eb\nc"d'), '"a\\u{202e}b\\u{a}c\\u{22}d"');
    });

    it('cuts long names short', () => {
      const shown = quoteBranchName('x'.repeat(500));
      assert.ok(shown.length < 90, shown);
      assert.ok(shown.endsWith('…"'));
    });
  });
});
