import * as assert from 'node:assert/strict';
import { firstDetailsLoad } from './support/webviewPages';
import { DetailsPage, linkedRepositoryName } from '../../src/core/view/taskDetailsHtml';
import { contentSecurityPolicy, escapeHtml, safeGithubUrl } from '../../src/core/view/webviewPage';
import type { TaskDetails } from '../../src/core/tasks/model';

const HOSTILE = `<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>' \` "`;

function details(overrides: Partial<TaskDetails> = {}): TaskDetails {
  return {
    id: 'run-1',
    api: 'agent',
    threadId: 'chat-1',
    status: 'running',
    rawStatus: 'running',
    prompt: 'Add rate limiting to the orders endpoint',
    repoUrl: 'https://github.com/blackbox-demo/shop-api.git',
    baseBranch: 'main',
    createdBranch: 'blackbox/rate-limit',
    messages: [
      { role: 'user', parts: [{ type: 'text', text: 'Add rate limiting to the orders endpoint' }] },
      {
        role: 'assistant',
        parts: [
          { type: 'text', text: 'Done.' },
          { type: 'tool', toolName: 'bash', summary: 'npm test → exit 0' },
          { type: 'other', kind: 'reasoning' },
        ],
      },
    ],
    ...overrides,
  };
}

const state = { nonce: 'N0nce123', formatTime: (ms: number) => `t${ms}` };

/** Everything between <body> and </body>: where untrusted text lands. */
function body(html: string): string {
  return html.slice(html.indexOf('<body>'), html.indexOf('</body>'));
}

/** The page without its own nonce'd script (exactly one), so what is left can be checked for any other. */
function withoutOwnScript(html: string, nonce = 'N0nce123'): string {
  const own = `<script nonce="${nonce}">`;
  assert.equal(html.split(own).length - 1, 1, 'the page has its own script once');
  return html.replace(new RegExp(`${own}[\\s\\S]*?</script>`), '');
}

describe('taskDetailsHtml', () => {
  it('escapes every character that could open markup or break out of an attribute', () => {
    assert.equal(
      escapeHtml(`<a href="x" title='y'>&\`</a>`),
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;',
    );
  });

  it('escapes hostile text in every field that comes from the API', () => {
    const html = firstDetailsLoad(
      details({
        prompt: HOSTILE,
        title: HOSTILE,
        status: 'unknown',
        rawStatus: HOSTILE,
        baseBranch: HOSTILE,
        createdBranch: HOSTILE,
        model: HOSTILE,
        agent: HOSTILE,
        error: HOSTILE,
        threadId: HOSTILE,
        previousRunId: HOSTILE,
        repoUrl: HOSTILE,
        pullRequestUrl: HOSTILE,
        agentRuns: [
          { agent: HOSTILE, model: HOSTILE, status: 'unknown', rawStatus: HOSTILE, branch: HOSTILE, error: HOSTILE },
        ],
        messages: [
          {
            role: HOSTILE,
            parts: [
              { type: 'text', text: HOSTILE },
              { type: 'tool', toolName: HOSTILE, summary: HOSTILE },
              { type: 'other', kind: HOSTILE },
            ],
          },
        ],
      }),
      state,
    );
    assert.ok(!/<script/i.test(withoutOwnScript(html)), 'no script element but the page’s own');
    assert.ok(!/<img/i.test(html), 'no injected element');
    assert.ok(!html.includes('onerror="'), 'no injected handler attribute');
    assert.ok(!/href="javascript:/i.test(html), 'no javascript: link');
    // Every hostile copy is present, escaped (title, heading, status, fields, messages…).
    const escaped = escapeHtml(HOSTILE);
    assert.ok(body(html).split(escaped).length - 1 >= 15, 'hostile text is shown escaped, not dropped');
  });

  it('declares a CSP that allows nothing but its own nonce’d style sheet and script', () => {
    const html = firstDetailsLoad(details(), state);
    const csp = contentSecurityPolicy(state.nonce);
    assert.equal(
      csp,
      `default-src 'none'; style-src 'nonce-N0nce123'; script-src 'nonce-N0nce123'; form-action 'none'; base-uri 'none'`,
    );
    assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`));
    assert.ok(html.includes('<style nonce="N0nce123">'));
    assert.equal((html.match(/<style/g) ?? []).length, 1);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.ok(html.includes('<script nonce="N0nce123">'));
    assert.ok(!/\sstyle="/.test(html), 'no inline style attributes (the CSP would block them anyway)');
  });

  it('themes the page with VS Code’s CSS variables', () => {
    const html = firstDetailsLoad(details(), state);
    assert.match(html, /var\(--vscode-foreground\)/);
    assert.match(html, /var\(--vscode-editor-background\)/);
  });

  it('shows the conversation by role, with tool parts summarised and other parts named', () => {
    const html = body(firstDetailsLoad(details(), state));
    assert.match(html, /<article class="message user"><h3>You<\/h3><div class="text">Add rate limiting/);
    assert.match(html, /<article class="message assistant"><h3>Agent<\/h3><div class="text">Done\.<\/div>/);
    assert.match(html, /<summary>Tool: bash<\/summary><div class="text">npm test → exit 0<\/div>/);
    assert.match(html, /\(reasoning content not shown\)/);
  });

  it('shows the metadata: status, repository, branches, pull request, diff stats, error', () => {
    const html = body(
      firstDetailsLoad(
        details({
          status: 'failed',
          rawStatus: 'error',
          pullRequestUrl: 'https://github.com/blackbox-demo/shop-api/pull/42',
          diffStats: { filesChanged: 3, linesAdded: 120, linesRemoved: 7 },
          error: 'Tests failed',
          createdAt: 1000,
        }),
        state,
      ),
    );
    assert.match(html, /<span class="status status-failed">failed<\/span>/);
    assert.match(html, /<a href="https:\/\/github\.com\/blackbox-demo\/shop-api">blackbox-demo\/shop-api<\/a>/);
    assert.match(html, /Base branch<\/th><td><code>main<\/code>/);
    assert.match(html, /Created branch<\/th><td><code>blackbox\/rate-limit<\/code>/);
    assert.match(html, /<a href="https:\/\/github\.com\/blackbox-demo\/shop-api\/pull\/42">#42<\/a>/);
    assert.match(html, /\+120<\/span> <span class="removed">−7<\/span> in 3 files/);
    assert.match(html, /<h2>Error<\/h2><div class="text">Tests failed<\/div>/);
    assert.match(html, /Created<\/th><td>t1000/);
  });

  it('links only https://github.com URLs', () => {
    const html = body(
      firstDetailsLoad(
        details({ pullRequestUrl: 'http://github.com/o/r/pull/1', repoUrl: 'https://evil.example/o/r.git' }),
        state,
      ),
    );
    assert.ok(!html.includes('href="http://'));
    assert.ok(!html.includes('href="https://evil'));
    assert.match(html, /not a github\.com link/);
    assert.equal(safeGithubUrl('https://github.com.evil.example/x'), undefined);
    assert.equal(safeGithubUrl('https://user:pw@github.com/x'), undefined);
    assert.equal(safeGithubUrl('https://github.com:8443/x'), undefined);
    assert.equal(linkedRepositoryName('https://github.com/o/r.git'), 'o/r');
    assert.equal(linkedRepositoryName('https://github.com/o/r/../../x'), undefined);
  });

  it('says when it refreshes itself, and shows a failed refresh without losing the page', () => {
    const active = firstDetailsLoad(details(), {
      ...state,
      fetchedAt: 5,
      refreshEverySeconds: 4,
      refreshError: 'Cannot <reach>',
    });
    assert.match(active, /Updated t5 · refreshing every 4 s while the task is active/);
    assert.match(active, /Could not refresh: Cannot &lt;reach&gt;/);
    const done = firstDetailsLoad(details({ status: 'completed', rawStatus: 'completed' }), {
      ...state,
      fetchedAt: 5,
      refreshEverySeconds: 4,
    });
    assert.ok(!done.includes('refreshing every'));
  });

  it('removes terminal escapes and bidi overrides from agent text and tool output', () => {
    const html = body(
      firstDetailsLoad(
        details({
          messages: [
            {
              role: 'assistant',
              parts: [
                { type: 'text', text: '\u001b[31mred\u001b[0m \u202eevil' },
                { type: 'tool', toolName: 'bash', summary: '\u001b]8;;https://x\u0007link' },
              ],
            },
          ],
        }),
        state,
      ),
    );
    assert.match(html, /<div class="text">red evil<\/div>/);
    assert.match(html, /<summary>Tool: bash<\/summary><div class="text">link<\/div>/);
    assert.ok(!html.includes('\u001b') && !html.includes('\u202e'));
  });

  it('bounds a huge message and titles a task without a prompt by its id', () => {
    const html = firstDetailsLoad(
      details({
        prompt: undefined,
        messages: [{ role: 'assistant', parts: [{ type: 'text', text: 'z'.repeat(50_000) }] }],
      }),
      state,
    );
    assert.match(html, /<h1>Task run-1<\/h1>/);
    assert.match(html, /30000 more characters not shown/);
  });
  describe('DetailsPage: refreshes that keep the reader’s place', () => {
    function pageWithNonces() {
      let n = 0;
      return new DetailsPage(() => `nonce${++n}`);
    }
    const refresh = { refreshEverySeconds: 4, formatTime: (ms: number) => `t${ms}` };

    it('loads the page first, then leaves it alone when a refresh brings nothing new', () => {
      const page = pageWithNonces();
      const first = page.update(details(), { ...refresh, fetchedAt: 1, pageOnScreen: false });
      assert.equal(first.kind, 'load');
      assert.match(page.html, /Updated t1/);
      const html = page.html;
      for (const fetchedAt of [2, 3, 4]) {
        assert.deepEqual(page.update(details(), { ...refresh, fetchedAt, pageOnScreen: true }), { kind: 'unchanged' });
      }
      assert.equal(page.html, html, 'same nonce, same "Updated" time: the page does not change');
    });

    it('patches new content into the page on screen, with the time it changed', () => {
      const page = pageWithNonces();
      page.update(details(), { ...refresh, fetchedAt: 1, pageOnScreen: false });
      const more = details({
        messages: [...details().messages, { role: 'assistant', parts: [{ type: 'text', text: 'Tests pass now.' }] }],
      });
      const update = page.update(more, { ...refresh, fetchedAt: 9, pageOnScreen: true });
      assert.equal(update.kind, 'patch');
      assert.ok(update.kind === 'patch' && update.body.includes('Tests pass now.'));
      assert.ok(update.kind === 'patch' && update.body.includes('Updated t9'));
      assert.ok(update.kind === 'patch' && !update.body.includes('<script'), 'the patch is markup, never script');
      assert.ok(page.html.includes('Tests pass now.'), 'the page as it would load next has it too');
    });

    it('a failed refresh and its recovery are news; a page not on screen is loaded instead of patched', () => {
      const page = pageWithNonces();
      page.update(details(), { ...refresh, fetchedAt: 1, pageOnScreen: false });
      const failed = page.update(details(), { ...refresh, fetchedAt: 1, refreshError: 'offline', pageOnScreen: true });
      assert.equal(failed.kind, 'patch');
      assert.equal(page.update(details(), { ...refresh, fetchedAt: 5, pageOnScreen: false }).kind, 'load');
    });

    it('its script only swaps in posted markup: no eval, no network, nothing sent back', () => {
      const html = firstDetailsLoad(details(), state);
      const script = /<script nonce="N0nce123">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
      assert.ok(script.length > 0 && script.length < 1_200, `a small script (${script.length} characters)`);
      assert.match(script, /data\.type !== 'update' \|\| typeof data\.body !== 'string'/);
      assert.doesNotMatch(script, /eval|Function\(|fetch|XMLHttpRequest|postMessage|acquireVsCodeApi|src\s*=|href/);
    });
  });
});
