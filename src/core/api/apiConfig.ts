import type { ApiKind } from '../tasks/model';
import * as l10n from '@vscode/l10n';

/** The `blackboxTasks.api` setting. */
export type ApiSetting = 'auto' | 'agent' | 'cloud';

export const DEFAULT_AGENT_API_URL = 'https://agent.blackbox.ai';
export const DEFAULT_CLOUD_API_URL = 'https://cloud.blackbox.ai';

/** The API a key belongs to, by its prefix: `sk-` Agent API v1, `bb_` Cloud API. */
export function apiKindForKey(key: string): ApiKind | undefined {
  const trimmed = key.trim();
  if (trimmed.startsWith('sk-')) return 'agent';
  if (trimmed.startsWith('bb_')) return 'cloud';
  return undefined;
}

/**
 * The API to use: an explicit setting wins; `auto` goes by the key's prefix and is
 * undefined for a key of unknown shape (the caller asks the user to choose).
 */
export function resolveApiKind(setting: string | undefined, key: string | undefined): ApiKind | undefined {
  if (setting === 'agent' || setting === 'cloud') return setting;
  return key === undefined ? undefined : apiKindForKey(key);
}

export type BaseUrlCheck =
  { readonly ok: true; readonly url: string } | { readonly ok: false; readonly reason: string };

/**
 * Checks a configured API base URL before the key is ever sent to it: https only
 * (plain http is allowed for loopback hosts, where the emulator runs), no credentials,
 * query or fragment. The result has no trailing slash, so paths append directly.
 */
export function checkBaseUrl(raw: string): BaseUrlCheck {
  const text = raw.trim();
  if (text === '') return { ok: false, reason: l10n.t('The API URL is empty.') };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: l10n.t('The API URL is not a valid URL.') };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, reason: l10n.t('The API URL must start with https://.') };
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return {
      ok: false,
      reason: l10n.t(
        'The API URL must use https:// (plain http:// is only allowed for 127.0.0.1, localhost and [::1]).',
      ),
    };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, reason: l10n.t('The API URL must not contain a user name or password.') };
  }
  // `URL` drops an empty "?" or "#", so look at the text as well.
  if (url.search !== '' || text.includes('?'))
    return { ok: false, reason: l10n.t('The API URL must not contain a query.') };
  if (url.hash !== '' || text.includes('#'))
    return { ok: false, reason: l10n.t('The API URL must not contain a fragment.') };
  const path = url.pathname.replace(/\/+$/, '');
  return { ok: true, url: `${url.protocol}//${url.host}${path}` };
}

function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  // WHATWG URL parsing has already normalised IPv4 forms (e.g. 2130706433) to dotted quads.
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}
