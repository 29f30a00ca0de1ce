import * as assert from 'node:assert/strict';
import {
  buildReviewPrompt,
  readStoredComments,
  sortComments,
  type ReviewComment,
} from '../../src/core/review/reviewPrompt';
import { buildSecondOpinionPrompt } from '../../src/core/review/secondOpinionPrompt';

function comment(id: string, path: string, line: number, body: string, code = 'code();'): ReviewComment {
  return { id, path, line, body, code, createdAt: Number(id.replace(/\D/g, '')) || 0 };
}

describe('review prompt', () => {
  it('puts the overall message first, then every comment with file, line and code, in reading order', () => {
    const prompt = buildReviewPrompt({
      branch: 'blackbox/add-tests',
      message: 'Nearly there.',
      comments: [
        comment('c2', 'src/b.ts', 3, 'Rename this.', 'const x = 1;'),
        comment('c1', 'src/a.ts', 10, 'Handle the error.\n', 'await run();'),
        { ...comment('c3', 'src/a.ts', 2, 'Too long.', 'a\nb'), endLine: 3 },
      ],
    });
    assert.equal(
      prompt,
      [
        'I reviewed your changes on branch "blackbox/add-tests" and left 3 comments. Please address each of them, then push to the same branch.',
        '',
        'Nearly there.',
        '',
        '1. src/a.ts, lines 2-3:\n```\na\nb\n```\nToo long.',
        '',
        '2. src/a.ts, line 10:\n```\nawait run();\n```\nHandle the error.',
        '',
        '3. src/b.ts, line 3:\n```\nconst x = 1;\n```\nRename this.',
      ].join('\n'),
    );
  });

  it('skips empty comments and fences code that itself holds backticks', () => {
    const prompt = buildReviewPrompt({
      comments: [comment('c1', 'README.md', 1, 'Fix the fence.', '```js'), comment('c2', 'x', 1, '   ')],
    });
    assert.match(prompt, /^I reviewed your changes and left 1 comment\./);
    assert.match(prompt, /\n````\n```js\n````\nFix the fence\.$/);
  });

  it('sorts by file, line, then time', () => {
    const sorted = sortComments([comment('c3', 'b', 1, 'x'), comment('c2', 'a', 5, 'x'), comment('c1', 'a', 5, 'x')]);
    assert.deepEqual(
      sorted.map((item) => item.id),
      ['c1', 'c2', 'c3'],
    );
  });

  it('reads stored drafts tolerantly', () => {
    assert.deepEqual(readStoredComments('nope'), []);
    const read = readStoredComments([
      { id: 'a', path: 'x.ts', line: 2, body: 'b', code: 'c', createdAt: 1, endLine: 1 },
      { id: 'b', path: 'x.ts', line: 0, body: 'bad line' },
      null,
      { id: 'c', path: 'y.ts', line: 1, body: 'no code' },
    ]);
    assert.deepEqual(read, [
      { id: 'a', path: 'x.ts', line: 2, body: 'b', code: 'c', createdAt: 1 },
      { id: 'c', path: 'y.ts', line: 1, body: 'no code', code: '', createdAt: 0 },
    ]);
  });
});

describe('second opinion prompt', () => {
  it('names the branch, its base and the original request', () => {
    const prompt = buildSecondOpinionPrompt({
      branch: 'blackbox/x',
      base: 'main',
      originalPrompt: 'Add tests\nfor all',
    });
    assert.match(prompt, /^Review the changes on branch "blackbox\/x" \(checked out for you\) against "main"/);
    assert.match(prompt, /`git diff origin\/main\.\.\.HEAD`/);
    assert.match(prompt, /> Add tests\n> for all/);
  });

  it('works without a base or a prompt', () => {
    const prompt = buildSecondOpinionPrompt({ branch: 'b' });
    assert.match(prompt, /against the branch it started from/);
    assert.doesNotMatch(prompt, /Another agent made/);
  });
});
