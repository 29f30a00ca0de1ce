import * as assert from 'node:assert/strict';
import { changedSinceApply, decideApply, sameContent, type ApplyInput } from '../../src/core/git/applyPlan';
import { checkRepositoryPath, relativeToRoot } from '../../src/core/git/repositoryPath';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (value: Uint8Array): string => new TextDecoder().decode(value);
const labels = { yours: 'yours', theirs: 'agent' };

function decide(input: Partial<ApplyInput>): ReturnType<typeof decideApply> {
  return decideApply({ base: undefined, agent: undefined, current: undefined, allowMarkers: false, labels, ...input });
}

describe('apply plan', () => {
  it('writes the agent version over an untouched file, creates an added one and deletes a deleted one', () => {
    assert.deepEqual(decide({ base: bytes('a\n'), agent: bytes('b\n'), current: bytes('a\n') }), {
      kind: 'write',
      content: bytes('b\n'),
    });
    assert.deepEqual(decide({ agent: bytes('new\n') }), { kind: 'write', content: bytes('new\n') });
    assert.deepEqual(decide({ base: bytes('old\n'), current: bytes('old\n') }), { kind: 'write', content: undefined });
  });

  it('says when the working tree already has the agent version', () => {
    assert.deepEqual(decide({ base: bytes('a\n'), agent: bytes('b\n'), current: bytes('b\n') }), { kind: 'already' });
    assert.deepEqual(decide({ base: bytes('a\n') }), { kind: 'already' });
  });

  it('merges a file both changed in different places', () => {
    const decision = decide({
      base: bytes('1\n2\n3\n4\n'),
      current: bytes('one\n2\n3\n4\n'),
      agent: bytes('1\n2\n3\nfour\n'),
    });
    assert.equal(decision.kind, 'merged');
    if (decision.kind === 'merged') {
      assert.equal(text(decision.content), 'one\n2\n3\nfour\n');
      assert.equal(decision.conflicts, 0);
    }
  });

  it('leaves overlapping changes alone unless conflict markers are allowed', () => {
    const input = { base: bytes('x\n'), current: bytes('mine\n'), agent: bytes('theirs\n') };
    assert.deepEqual(decide(input), { kind: 'conflict', reason: 'overlapping' });
    const marked = decide({ ...input, allowMarkers: true });
    assert.equal(marked.kind, 'merged');
    if (marked.kind === 'merged') {
      assert.equal(marked.conflicts, 1);
      assert.match(text(marked.content), /^<<<<<<< yours\nmine\n=======\ntheirs\n>>>>>>> agent\n$/);
    }
  });

  it('never merges binary files or files that exist on one side only', () => {
    assert.deepEqual(decide({ base: bytes('a\0'), current: bytes('b\0'), agent: bytes('c\0'), allowMarkers: true }), {
      kind: 'conflict',
      reason: 'binary',
    });
    assert.deepEqual(decide({ base: bytes('a'), agent: bytes('b') }), { kind: 'conflict', reason: 'missingLocally' });
    assert.deepEqual(decide({ agent: bytes('b'), current: bytes('mine') }), {
      kind: 'conflict',
      reason: 'existsLocally',
    });
    assert.deepEqual(decide({ base: bytes('a'), current: bytes('mine') }), {
      kind: 'conflict',
      reason: 'deletedByAgent',
    });
  });

  it('compares bytes, and finds files edited after an apply', () => {
    assert.ok(sameContent(undefined, undefined));
    assert.ok(!sameContent(bytes(''), undefined));
    assert.ok(sameContent(bytes('x'), bytes('x')));
    const files = [
      { path: 'a', before: bytes('1'), after: bytes('2') },
      { path: 'b', before: undefined, after: bytes('new') },
      { path: 'c', before: bytes('gone'), after: undefined },
    ];
    const current = new Map<string, Uint8Array | undefined>([
      ['a', bytes('2')],
      ['b', bytes('edited later')],
      ['c', undefined],
    ]);
    assert.deepEqual(changedSinceApply(files, current), ['b']);
  });
});

describe('repository paths', () => {
  for (const good of ['README.md', 'src/app.ts', 'docs/a b/ümlaut.md', '.github/workflows/ci.yml', 'a/.gitignore'])
    it(`accepts ${JSON.stringify(good)}`, () => assert.deepEqual(checkRepositoryPath(good), { ok: true, path: good }));

  for (const [bad, reason] of [
    ['', 'empty'],
    ['/etc/passwd', 'absolute'],
    ['C:/Windows/x', 'absolute'],
    ['../outside', '".."'],
    ['src/../../x', '".."'],
    ['.git/hooks/post-checkout', '".git"'],
    ['sub/.GIT/config', '".git"'],
    ['a\\b', '"\\"'],
    ['a//b', 'empty'],
    ['./a', '"."'],
    ['new\nline', 'control'],
    ['x\u202egnp.exe', 'invisible'],
  ] as const)
    it(`refuses ${JSON.stringify(bad)}`, () => {
      const check = checkRepositoryPath(bad);
      assert.equal(check.ok, false);
      if (!check.ok) assert.match(check.reason, new RegExp(reason.replace(/[.\\"]/g, (c) => `\\${c}`)));
    });

  it('relates a file to its repository root', () => {
    assert.equal(relativeToRoot('/work/repo/', '/work/repo/src/a.ts'), 'src/a.ts');
    assert.equal(relativeToRoot('/work/repo', '/work/repository/a.ts'), undefined);
  });
});
