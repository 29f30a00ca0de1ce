// Records every outbound network attempt made in the extension host (fetch, http, https, net,
// tls), so tests can prove a phase such as activation touched no network. Installed by the
// integration entry before any test file or extension code runs in this host.
// `import x = require()` keeps the real module objects: a namespace import would be a copy
// that the extension's own `require('node:https')` never sees.
/* eslint-disable @typescript-eslint/no-require-imports -- the spy must patch the very module objects the extension requires (see above) */
import http = require('node:http');
import https = require('node:https');
import net = require('node:net');
import tls = require('node:tls');
/* eslint-enable @typescript-eslint/no-require-imports */

export interface NetworkAttempt {
  readonly via: string;
  readonly target: string;
  readonly at: number;
  /** Where the call came from, so an attempt can be attributed to the extension's bundle. */
  readonly stack: string;
}

const attempts: NetworkAttempt[] = [];
let installed = false;

/** Wrapping cannot be undone safely (others may wrap on top), so it happens once per host. */
export function installNetworkSpy(): void {
  if (installed) return;
  installed = true;
  const record = (via: string, target: unknown): void => {
    attempts.push({ via, target: describeTarget(target), at: performance.now(), stack: new Error().stack ?? '' });
  };

  const originalFetch = globalThis.fetch;
  if (typeof originalFetch === 'function') {
    globalThis.fetch = (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      record('fetch', input);
      return originalFetch(input, init);
    };
  }
  wrapMethod(http, 'request', 'http.request', record);
  wrapMethod(http, 'get', 'http.get', record);
  wrapMethod(https, 'request', 'https.request', record);
  wrapMethod(https, 'get', 'https.get', record);
  wrapMethod(net, 'connect', 'net.connect', record);
  wrapMethod(net, 'createConnection', 'net.createConnection', record);
  wrapMethod(tls, 'connect', 'tls.connect', record);
}

export function networkAttempts(): readonly NetworkAttempt[] {
  return attempts;
}

/**
 * Attempts whose call stack passes through any of `codePaths` (folders or file prefixes). Pass
 * both a bundle and its sources: with source maps on, stacks name the sources instead.
 */
export function networkAttemptsFrom(...codePaths: string[]): NetworkAttempt[] {
  return attempts.filter((attempt) => codePaths.some((path) => attempt.stack.includes(path)));
}

function wrapMethod(target: object, name: string, via: string, record: (via: string, target: unknown) => void): void {
  const original: unknown = Reflect.get(target, name);
  if (typeof original !== 'function') return;
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    record(via, args[0]);
    return Reflect.apply(original, this, args);
  };
  // Some node builtins expose getters only; skip what cannot be replaced rather than fail the run.
  try {
    Reflect.set(target, name, wrapped);
  } catch {
    // Not writable here.
  }
}

function describeTarget(target: unknown): string {
  if (typeof target === 'string') return target;
  if (target instanceof URL) return target.href;
  if (typeof Request !== 'undefined' && target instanceof Request) return target.url;
  if (typeof target === 'object' && target !== null) {
    const options = target as { host?: unknown; hostname?: unknown; port?: unknown; path?: unknown };
    const host =
      typeof options.hostname === 'string' ? options.hostname : typeof options.host === 'string' ? options.host : '';
    const port = typeof options.port === 'number' || typeof options.port === 'string' ? `:${options.port}` : '';
    const path = typeof options.path === 'string' ? options.path : '';
    return `${host}${port}${path}` || '(options)';
  }
  return String(target);
}
