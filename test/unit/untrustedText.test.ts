import * as assert from 'node:assert/strict';
import {
  StreamingTextCleaner,
  cleanTerminalLine,
  cleanText,
  clip,
  clipWords,
  neutraliseLinks,
  oneLine,
} from '../../src/core/util/untrustedText';
import { formatDateTime, formatDuration, formatSeconds, formatTimeOfDay } from '../../src/core/util/timeFormat';

describe('untrusted text', () => {
  describe('cleanText', () => {
    it('leaves plain text (emoji, RTL, tabs, newlines) exactly as it is', () => {
      const plain = 'Fertig 🎉\tשלום\nnext line 👩‍💻 cafe\u0301 \u200Fmark';
      assert.equal(cleanText(plain), plain);
    });

    it('removes CSI, OSC, DCS and short escape sequences', () => {
      assert.equal(cleanText('\u001b[1;31mred\u001b[0m'), 'red');
      assert.equal(cleanText('a\u001b]8;;https://evil.example\u001b\\link\u001b]8;;\u001b\\b'), 'alinkb');
      assert.equal(cleanText('\u001b]0;title\u0007after'), 'after');
      assert.equal(cleanText('\u001bPq#0;2;0;0;0\u001b\\x'), 'x');
      assert.equal(cleanText('\u001b7saved\u001b8 \u001b(B\u001b=ok'), 'saved ok');
      assert.equal(cleanText('\u009b32mC1\u009b0m'), 'C1');
    });

    it('turns CRLF and lone CR into line feeds and drops other controls and bidi overrides', () => {
      assert.equal(cleanText('a\r\nb\rc'), 'a\nb\nc');
      assert.equal(cleanText('x\u0000\u0001\u0007\u000b\u000c\u007f\u0085y'), 'xy');
      assert.equal(cleanText('admin\u202E\u2066txt.exe\u2069\u202C'), 'admintxt.exe');
    });

    it('drops a short unfinished sequence at the end but not the text after a stray ESC', () => {
      assert.equal(cleanText('done\u001b[3'), 'done');
      const stray = `\u001b]${'prose '.repeat(100)}`;
      assert.equal(cleanText(stray), `]${'prose '.repeat(100)}`);
    });
  });

  describe('neutraliseLinks', () => {
    /** What a surface could still read as a link: a markdown link, or a scheme that an autolinker picks up. */
    const liveLink =
      /\]\(|\b(?:https?|command|file|vscode(?:-insiders|-file|-remote)?|mailto|javascript|data|ftp):(?=\S)/i;

    const hostile = [
      'Tests failed. [Open the fix](command:workbench.action.openSettings?%5B%22blackbox%22%5D) to continue',
      '[x](https://evil.example/steal)',
      '[x](HTTPS://EVIL.EXAMPLE)',
      '[x](file:///etc/passwd)',
      '[x](vscode:extension/evil.ext)',
      '[x](vscode-insiders://evil)',
      '[x](javascript:alert(1))',
      '[x](data:text/html;base64,PHNjcmlwdD4=)',
      '[x](mailto:a@evil.example)',
      '[x]( command:workbench.action.terminal.new )',
      '[x] (command:a)',
      '[x]\n(command:a)',
      '[x]\u0000(command:a)',
      '[x]\u202e(command:a)',
      '[x](command:a "a title")',
      '[nested [x](command:a)](command:b)',
      '![image](https://evil.example/a.png)',
      '<command:workbench.action.openSettings>',
      '<https://evil.example>',
      'bare https://evil.example/path and http://evil.example',
      'bare command:workbench.action.openSettings',
      'run(command:x)',
      'Mixed CoMmAnD:x and FiLe:/etc',
      'command:(command:x)',
      '[label][ref]\n[ref]: command:evil',
    ];

    it('leaves no link syntax in any of many link forms', () => {
      for (const text of hostile) {
        const safe = neutraliseLinks(text);
        assert.doesNotMatch(safe, liveLink, `${JSON.stringify(text)} became ${JSON.stringify(safe)}`);
        assert.equal(neutraliseLinks(safe), safe, 'applying it twice changes nothing');
      }
    });

    it('keeps the text readable: labels, targets and words all still there', () => {
      assert.equal(
        neutraliseLinks('Tests failed. [Open the fix](command:workbench.action.openSettings?x) to continue'),
        'Tests failed. [Open the fix] (command[:]workbench.action.openSettings?x) to continue',
      );
      assert.equal(neutraliseLinks('see https://evil.example/a'), 'see https[:]//evil.example/a');
      assert.equal(neutraliseLinks('a\u202e[x](file:b)'), 'a[x] (file[:]b)');
    });

    it('leaves ordinary prose alone', () => {
      for (const text of [
        'Build failed: 3 tests (of 12) did not pass [see log].',
        'Error in file: src/app.ts, data: none, command: npm test',
        'metadata:x and subcommand:y are words, not schemes',
        'Fertig 🎉 👩‍💻 שלום',
        'multi\nline\ttext',
      ]) {
        assert.equal(neutraliseLinks(text), text);
      }
    });
  });

  describe('StreamingTextCleaner', () => {
    const feed = (pieces: readonly string[]) => {
      const cleaner = new StreamingTextCleaner();
      return pieces.map((p) => cleaner.push(p)).join('') + cleaner.end();
    };

    it('gives the same text as cleaning the whole, at every split point', () => {
      const whole = 'A \u001b[1;32mgreen\u001b[0m line\r\nand \u001b]0;t\u0007a title\rnext\u001b(Bend';
      const expected = cleanText(whole);
      for (let i = 0; i <= whole.length; i++) {
        for (let j = i; j <= whole.length; j++) {
          assert.equal(feed([whole.slice(0, i), whole.slice(i, j), whole.slice(j)]), expected, `split at ${i}/${j}`);
        }
      }
    });

    it('holds back nothing for plain text and only a short tail otherwise', () => {
      const cleaner = new StreamingTextCleaner();
      assert.equal(cleaner.push('plain'), 'plain');
      assert.equal(cleaner.heldChars, 0);
      assert.equal(cleaner.push('x\u001b[38;5'), 'x');
      assert.equal(cleaner.heldChars, 6);
      assert.equal(cleaner.push(';1mY'), 'Y');
      assert.equal(
        cleaner.push(`\u001b]${'z'.repeat(1000)}`).length,
        1001,
        'a sequence too long to be real is not held',
      );
      assert.equal(cleaner.heldChars, 0);
    });

    it('drops an unfinished sequence at the end and keeps a final CR as a line break', () => {
      assert.equal(feed(['abc\u001b[1']), 'abc');
      assert.equal(feed(['abc\r']), 'abc\n');
    });
  });

  describe('line helpers', () => {
    it('keeps what a progress bar shows last on a line', () => {
      assert.equal(cleanTerminalLine('10%\r50%\r\u001b[32m100%\u001b[0m\r'), '100%');
    });

    it('clips without splitting a surrogate pair', () => {
      assert.equal(clip('abcdef', 4), 'abc…');
      assert.equal(clip('ab😀cd', 4), 'ab…');
      assert.equal(clip('abc', 3), 'abc');
    });

    it('clips a title at a word boundary when that loses little', () => {
      assert.equal(clipWords('Fix the checkout flow now', 12), 'Fix the…');
      assert.equal(clipWords('Fix the checkout', 8), 'Fix the…');
      assert.equal(clipWords('Supercalifragilisticexpialidocious', 10), 'Supercali…');
      assert.equal(clipWords('short', 10), 'short');
    });

    it('folds untrusted text into one clean line', () => {
      assert.equal(oneLine('  two\n\tlines \u001b[1mbold\u001b[0m  ', 100), 'two lines bold');
    });
  });

  describe('time formatting', () => {
    it('formats times in the given zone', () => {
      const at = Date.UTC(2026, 0, 5, 3, 4, 5);
      assert.equal(formatDateTime(at, 'UTC'), '2026-01-05 03:04:05');
      assert.equal(formatTimeOfDay(at, 'UTC'), '03:04:05');
      assert.equal(formatDateTime(at, 'Asia/Tokyo'), '2026-01-05 12:04:05');
      assert.equal(formatDateTime(undefined), undefined);
      assert.equal(formatDateTime(Number.NaN), undefined);
    });

    it('formats durations and delays for people', () => {
      assert.equal(formatDuration(850), '850ms');
      assert.equal(formatDuration(12_400), '12s');
      assert.equal(formatDuration(252_000), '4m 12s');
      assert.equal(formatDuration(3_723_000), '1h 02m');
      assert.equal(formatDuration(-5), undefined);
      assert.equal(formatSeconds(2000), '2 s');
      assert.equal(formatSeconds(500), '0.5 s');
      assert.equal(formatSeconds(12_400), '12 s');
    });
  });
});
