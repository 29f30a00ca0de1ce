import * as assert from 'node:assert/strict';
import { commentSyntaxFor, findTodoComment, type TextLines } from '../../src/core/handover/todoComments';

function doc(text: string): TextLines {
  const lines = text.split('\n');
  return { lineCount: lines.length, lineAt: (line) => lines[line] ?? '' };
}

function find(language: string, text: string, line: number) {
  const syntax = commentSyntaxFor(language);
  assert.ok(syntax, `${language} has comments`);
  return findTodoComment(doc(text), line, syntax);
}

describe('TODO comments', () => {
  it('finds a marker in a line comment, with the comment lines that continue it', () => {
    const text = ['const a = 1; // TODO: cache the parsed config', '// so it is read once', 'const b = 2;'].join('\n');
    assert.deepEqual(find('typescript', text, 0), {
      marker: 'TODO',
      text: 'TODO: cache the parsed config\nso it is read once',
      startLine: 0,
      endLine: 1,
    });
  });

  it('stops continuing at a line with a marker of its own', () => {
    const text = ['# FIXME: first', '# HACK: second'].join('\n');
    assert.deepEqual(find('python', text, 0), { marker: 'FIXME', text: 'FIXME: first', startLine: 0, endLine: 0 });
    assert.equal(find('python', text, 1)?.marker, 'HACK');
  });

  it('finds markers in block comments opened above, without the decoration and the closer', () => {
    const text = [
      '/**',
      ' * Parses input.',
      ' * XXX: breaks on empty lines',
      ' *   and on tabs',
      ' */',
      'parse();',
    ].join('\n');
    assert.deepEqual(find('java', text, 2), {
      marker: 'XXX',
      text: 'XXX: breaks on empty lines\nand on tabs',
      startLine: 2,
      endLine: 3,
    });
  });

  it('finds a marker in a one-line block comment and in HTML, SQL, Lua and Haskell comments', () => {
    assert.equal(find('c', 'int x; /* TODO: free x */ int y;', 0)?.text, 'TODO: free x');
    assert.equal(find('html', '<div><!-- TODO: add alt text --></div>', 0)?.text, 'TODO: add alt text');
    assert.equal(find('sql', 'SELECT 1; -- FIXME slow', 0)?.text, 'FIXME slow');
    assert.equal(find('lua', 'x = 1 -- HACK around nil', 0)?.marker, 'HACK');
    assert.equal(find('haskell', '{- TODO: total function -}', 0)?.text, 'TODO: total function');
  });

  it('ignores markers in code, in strings and after a block comment closed', () => {
    assert.equal(find('typescript', 'const TODO = 1;', 0), undefined);
    assert.equal(find('typescript', 'const s = "// TODO not a comment";', 0), undefined);
    assert.equal(find('typescript', '/* done */ const TODO = 2;', 0), undefined);
    assert.equal(find('python', 'print("# TODO")', 0), undefined);
    assert.equal(find('typescript', 'const url = "http://x"; // TODO real one', 0)?.text, 'TODO real one');
  });

  it('needs the marker as a word in capitals', () => {
    assert.equal(find('typescript', '// todo: lower case', 0), undefined);
    assert.equal(find('typescript', '// TODOS are plural', 0), undefined);
  });

  it('guesses the syntax of an unknown language, and knows languages without comments', () => {
    assert.equal(find('some-new-language', '-- TODO: guessed', 0)?.text, 'TODO: guessed');
    assert.equal(commentSyntaxFor('plaintext'), undefined);
    assert.equal(commentSyntaxFor('json'), undefined);
  });

  it('does not scan huge lines, and looks back only a bounded number of lines for a block opening', () => {
    assert.equal(find('typescript', `// TODO ${'x'.repeat(5_000)}`, 0), undefined);
    const far = ['/*', ...Array.from({ length: 100 }, () => ' * filler'), ' * TODO: too far down', ' */'].join('\n');
    assert.equal(find('typescript', far, 101), undefined);
  });

  it('returns nothing for a line out of range', () => {
    assert.equal(find('typescript', '// TODO', 3), undefined);
  });
});
