import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as vscode from 'vscode';

/**
 * Readable text for a manifest value. A localized package.json holds `%key%` placeholders whose
 * text lives in package.nls.<language>.json (falling back to package.nls.json); VS Code resolves
 * them for its own UI, but `packageJSON` may hand them to us as they are written.
 */
export function manifestText(extension: vscode.Extension<unknown>, language: string, value: string): string {
  const key = /^%(.+)%$/.exec(value)?.[1];
  if (key === undefined) return value;
  for (const bundle of nlsBundles(extension.extensionPath, language)) {
    const text = bundle[key];
    if (typeof text === 'string') return text;
    if (isCommentedText(text)) return text.message;
  }
  return value;
}

function isCommentedText(value: unknown): value is { readonly message: string } {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
}

/** The bundles to look in, most specific first: `de-ch`, then `de`, then the default (English). */
function nlsBundles(extensionPath: string, language: string): Record<string, unknown>[] {
  const names = new Set<string>();
  const lower = language.toLowerCase();
  if (lower && lower !== 'en') {
    names.add(`package.nls.${lower}.json`);
    names.add(`package.nls.${lower.split('-')[0]}.json`);
  }
  names.add('package.nls.json');
  const bundles: Record<string, unknown>[] = [];
  for (const name of names) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(join(extensionPath, name), 'utf8'));
      if (typeof parsed === 'object' && parsed !== null) bundles.push(parsed as Record<string, unknown>);
    } catch {
      // No bundle for this language: the next, more general one answers.
    }
  }
  return bundles;
}
