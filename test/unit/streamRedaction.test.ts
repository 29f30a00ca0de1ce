import * as assert from 'node:assert/strict';
import { AppendBatcher } from '../../src/core/logs/appendBatcher';
import type { LogStreamEvent } from '../../src/core/logs/logEvents';
import { LogRenderer } from '../../src/core/logs/logRenderer';
import { REDACTED_MARK, StreamingRedactor } from '../../src/core/logs/streamRedaction';

const KEY = 'sk-test-Zq81xv4TnM0pLw2yRb7c';
const LINE = `Using the key ${KEY} to call the API; a bare "sk-" or "s" stays.`;

describe('streaming redaction', () => {
  it('redacts a key split at every possible point between two pieces', () => {
    for (let cut = 0; cut <= LINE.length; cut++) {
      const redactor = new StreamingRedactor(() => [KEY]);
      const out = redactor.push(LINE.slice(0, cut)) + redactor.push(LINE.slice(cut)) + redactor.end();
      assert.equal(out, LINE.split(KEY).join(REDACTED_MARK), `cut at ${cut}`);
    }
  });

  it('streams a key one character per text-delta through the renderer and 75 ms batches: no batch holds it', () => {
    const batches: string[] = [];
    let timerCallback: (() => void) | undefined;
    const batcher = new AppendBatcher((text) => batches.push(text), {
      timer: {
        set: (callback) => {
          timerCallback = callback;
          return 1;
        },
        clear: () => {
          timerCallback = undefined;
        },
      },
    });
    const redactor = new StreamingRedactor(() => [KEY]);
    const renderer = new LogRenderer();
    const append = (text: string) => batcher.append(redactor.push(text));
    append(renderer.render({ kind: 'text-start', blockId: 'a' }));
    for (const char of Array.from(LINE)) {
      append(renderer.render({ kind: 'text', blockId: 'a', text: char } satisfies LogStreamEvent));
      // Every delta lands in its own batch: the worst case for per-batch redaction.
      timerCallback?.();
    }
    append(renderer.end());
    batcher.append(redactor.end());
    batcher.flush();
    assert.ok(batches.length > 40, `${batches.length} batches`);
    for (const batch of batches) assert.ok(!batch.includes(KEY.slice(3)), JSON.stringify(batch));
    assert.equal(batches.join(''), `${LINE.split(KEY).join(REDACTED_MARK)}\n`);
  });

  it('holds back only what could still start a key, and lets it go once decided', () => {
    const redactor = new StreamingRedactor(() => [KEY]);
    // Held back: what was pushed and has not come out yet.
    let held = 0;
    const push = (text: string): string => {
      const out = redactor.push(text);
      held += text.length - out.length;
      return out;
    };
    assert.equal(push('tests'), 'test');
    assert.equal(held, 1);
    assert.equal(push(' passed'), 's passed');
    assert.equal(push('sk-te'), '');
    assert.equal(held, 5);
    assert.equal(push('a'), 'sk-tea');
    assert.equal(held, 0);
    assert.equal(redactor.end(), '');
  });

  it('at the end, a held start of the key beyond its sk- prefix is redacted too', () => {
    const cut = new StreamingRedactor(() => [KEY]);
    assert.equal(cut.push('the key is sk-test-Zq8') + cut.end(), `the key is ${REDACTED_MARK}`);
    const prefix = new StreamingRedactor(() => [KEY]);
    assert.equal(prefix.push('keys look like sk-') + prefix.end(), 'keys look like sk-');
  });

  it('reads the secrets on every piece (the key may change), and passes text through without any', () => {
    let secrets: string[] = [];
    const redactor = new StreamingRedactor(() => secrets);
    assert.equal(redactor.push(`a ${KEY}`), `a ${KEY}`);
    secrets = [KEY];
    assert.equal(redactor.push(`b ${KEY}.`), `b ${REDACTED_MARK}.`);
    secrets = ['abc'];
    assert.equal(redactor.push('abc'), 'abc', 'secrets shorter than 4 characters are not redacted');
  });
});
