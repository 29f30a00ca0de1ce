import * as l10n from '@vscode/l10n';
import { cleanText } from '../util/untrustedText';

/**
 * The shell every webview page of the extension is built in, and the rules that keep text
 * from the API harmless in it: every text is escaped (after terminal escapes and bidi
 * overrides are removed), links go only to https://github.com/, and the page carries a CSP
 * that allows no network at all and nothing but its own nonce'd style sheet and script.
 */
export interface WebviewPageParts {
  readonly title: string;
  /** Markup for the page's `<main>`, every API text in it already escaped. */
  readonly body: string;
  readonly styles: string;
  readonly script: string;
  /** A fresh random value per render, for the CSP. */
  readonly nonce: string;
}

export function webviewPage(parts: WebviewPageParts): string {
  const nonce = escapeHtml(parts.nonce);
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="UTF-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(parts.nonce))}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
    `<title>${escapeHtml(parts.title)}</title>`,
    `<style nonce="${nonce}">${parts.styles}</style>`,
    '</head>',
    '<body>',
    `<main id="page">${parts.body}</main>`,
    `<script nonce="${nonce}">${parts.script}</script>`,
    '</body>',
    '</html>',
  ].join('\n');
}

/**
 * How one refresh reaches a page: both pages patch new content into the page on screen (its
 * script swaps the body, so scroll position, open sections and find stay) and load a page
 * that is not on screen anew.
 */
export type WebviewPageUpdate =
  /** Nothing shown changed: leave the page alone. */
  | { readonly kind: 'unchanged' }
  /** (Re)load the whole page: nothing is loaded yet, or the page is not on screen. */
  | { readonly kind: 'load'; readonly html: string }
  /** Post `body` into the loaded page; `html` is the same page, for its next load. */
  | { readonly kind: 'patch'; readonly body: string; readonly html: string };

/** Nothing may load: only the page's own nonce'd style sheet and script apply. */
export function contentSecurityPolicy(nonce: string): string {
  return [
    `default-src 'none'`,
    `style-src 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `form-action 'none'`,
    `base-uri 'none'`,
  ].join('; ');
}

export function escapeHtml(text: string): string {
  return cleanText(text).replace(/[&<>"'`]/g, (char) => ESCAPES[char] ?? char);
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** The URL itself when it is an https link to github.com (no credentials, no other port), else undefined. */
export function safeGithubUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (
    url.protocol !== 'https:' ||
    url.hostname !== 'github.com' ||
    url.port !== '' ||
    url.username !== '' ||
    url.password !== ''
  )
    return undefined;
  return url.href;
}

/** Text cut to `max` characters, saying how much was left out. */
export function bounded(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n${l10n.t('… ({0} more characters not shown)', text.length - max)}`;
}
