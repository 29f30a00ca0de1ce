import * as assert from 'node:assert/strict';
import {
  boundedSelection,
  buildHandoverPrompt,
  excerptAround,
  EXCERPT_LIMITS,
  handoverLabel,
  SELECTION_LIMITS,
} from '../../src/core/handover/handoverPrompt';
import type { TextLines } from '../../src/core/handover/todoComments';

function doc(lines: readonly string[]): TextLines {
  return { lineCount: lines.length, lineAt: (line) => lines[line] ?? '' };
}

const FILE = Array.from({ length: 40 }, (_, index) => `line ${index + 1}`);

describe('hand-over prompts', () => {
  it('a TODO: path, line range, the comment quoted, and an excerpt around it', () => {
    const prompt = buildHandoverPrompt({
      path: 'src/config.ts',
      languageId: 'typescript',
      startLine: 11,
      endLine: 12,
      spot: { kind: 'todo', marker: 'TODO', comment: 'TODO: cache the parsed config\nso it is read once' },
      excerpt: excerptAround(doc(FILE), 11, 12),
    });
    assert.equal(
      prompt,
      [
        'Resolve this TODO comment in src/config.ts, lines 12–13:',
        '',
        '> TODO: cache the parsed config',
        '> so it is read once',
        '',
        'Excerpt (lines 6–19):',
        '',
        '```typescript',
        ...FILE.slice(5, 19),
        '```',
        '',
      ].join('\n'),
    );
  });

  it('a diagnostic: severity, message, source and code', () => {
    const prompt = buildHandoverPrompt({
      path: 'src/app.ts',
      languageId: 'typescript',
      startLine: 4,
      endLine: 4,
      spot: { kind: 'diagnostic', severity: 'error', message: "Cannot find name 'foo'.", source: 'ts', code: '2304' },
    });
    assert.equal(prompt, "Fix this error reported in src/app.ts, line 5 (ts 2304):\n\n> Cannot find name 'foo'.\n");
  });

  it('a selection: the code fenced, with a fence longer than any backticks inside', () => {
    const prompt = buildHandoverPrompt({
      path: 'README.md',
      languageId: 'markdown',
      startLine: 0,
      endLine: 2,
      spot: { kind: 'selection', code: '```sh\nnpm test\n```' },
    });
    assert.equal(prompt, 'Change this code in README.md, lines 1–3:\n\n````markdown\n```sh\nnpm test\n```\n````\n');
  });

  it('bounds the excerpt: lines, line length and characters', () => {
    const long = Array.from({ length: 200 }, () => 'y'.repeat(1_000));
    const excerpt = excerptAround(doc(long), 100, 180);
    assert.ok(excerpt.lines.length <= EXCERPT_LIMITS.maxLines);
    assert.ok(excerpt.lines.every((line) => line.length <= EXCERPT_LIMITS.maxLineChars));
    assert.ok(excerpt.lines.join('\n').length <= EXCERPT_LIMITS.maxChars);
    assert.equal(excerpt.startLine, 94);
  });

  it('bounds a selection and says how much was left out', () => {
    const text = Array.from({ length: 1_000 }, (_, index) => `statement(${index});`).join('\n');
    const bounded = boundedSelection(text);
    assert.ok(bounded.length <= SELECTION_LIMITS.maxChars + 60);
    assert.match(bounded, /… \(850 more lines not shown\)$/);
  });

  it('removes control characters and escape sequences from what it quotes', () => {
    const prompt = buildHandoverPrompt({
      path: 'a.ts',
      languageId: 'typescript',
      startLine: 0,
      endLine: 0,
      spot: { kind: 'diagnostic', severity: 'warning', message: 'bad\u001b[31m red\u202e' },
    });
    assert.equal(prompt, 'Fix this warning reported in a.ts, line 1:\n\n> bad red\n');
  });

  it('labels: one line, shortened', () => {
    assert.equal(handoverLabel('TODO: a\n  b'), 'TODO: a b');
    assert.equal(handoverLabel('x'.repeat(300)).length, 100);
  });
});
