import * as assert from 'node:assert/strict';
import { mergeThreeWay, splitLines } from '../../src/core/git/threeWayMerge';

const labels = { yours: 'yours', theirs: 'agent' };
const lines = (...items: string[]): string => items.map((item) => `${item}\n`).join('');

describe('three-way merge', () => {
  it('takes the agent change where you did not touch the lines, and yours where the agent did not', () => {
    const base = lines('a', 'b', 'c', 'd', 'e');
    const yours = lines('A', 'b', 'c', 'd', 'e');
    const theirs = lines('a', 'b', 'c', 'd', 'E', 'f');
    assert.deepEqual(mergeThreeWay(base, yours, theirs, labels), {
      text: lines('A', 'b', 'c', 'd', 'E', 'f'),
      conflicts: 0,
    });
  });

  it('marks lines both changed differently, git style', () => {
    const result = mergeThreeWay(lines('a', 'b', 'c'), lines('a', 'mine', 'c'), lines('a', 'theirs', 'c'), labels);
    assert.equal(result.conflicts, 1);
    assert.equal(result.text, lines('a', '<<<<<<< yours', 'mine', '=======', 'theirs', '>>>>>>> agent', 'c'));
  });

  it('takes an identical change once', () => {
    const result = mergeThreeWay(lines('a', 'b'), lines('a', 'x'), lines('a', 'x'), labels);
    assert.deepEqual(result, { text: lines('a', 'x'), conflicts: 0 });
  });

  it('keeps a missing final newline, and ends a marked side with one', () => {
    assert.equal(mergeThreeWay('a\nb', 'a\nb', 'a\nc', labels).text, 'a\nc');
    const marked = mergeThreeWay('a\nb', 'a\nx', 'a\ny', labels);
    assert.equal(marked.text, 'a\n<<<<<<< yours\nx\n=======\ny\n>>>>>>> agent\n');
  });

  it('merges insertions at both ends and deletions', () => {
    const base = lines('1', '2', '3', '4', '5', '6');
    const yours = lines('0', '1', '2', '3', '4', '5', '6');
    const theirs = lines('1', '2', '4', '5', '6', '7');
    assert.deepEqual(mergeThreeWay(base, yours, theirs, labels), {
      text: lines('0', '1', '2', '4', '5', '6', '7'),
      conflicts: 0,
    });
  });

  it('keeps CRLF line endings as they are', () => {
    assert.equal(
      mergeThreeWay('a\r\nm\r\nb\r\n', 'A\r\nm\r\nb\r\n', 'a\r\nm\r\nB\r\n', labels).text,
      'A\r\nm\r\nB\r\n',
    );
  });

  it('treats changes to adjacent lines as overlapping, as git does', () => {
    assert.equal(mergeThreeWay(lines('a', 'b'), lines('A', 'b'), lines('a', 'B'), labels).conflicts, 1);
  });

  it('splits lines with their endings', () => {
    assert.deepEqual(splitLines(''), []);
    assert.deepEqual(splitLines('a\nb'), ['a\n', 'b']);
  });
});
