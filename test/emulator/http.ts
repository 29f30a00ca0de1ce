/** What route handlers receive and return; the server turns replies into bytes (faults included). */
import type { SseChannel } from './sse';
import type { JsonObject } from './types';

export interface RequestContext {
  readonly method: string;
  readonly path: string;
  /** Path segments after the API prefix, e.g. ['tasks', '<id>', 'logs', 'stream']. */
  readonly segments: readonly string[];
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
}

export type Reply =
  | {
      readonly kind: 'json';
      readonly status: number;
      readonly body: unknown;
      readonly headers?: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'sse'; readonly flavour: 'data-only' | 'named'; readonly start: (channel: SseChannel) => void };

export function json(status: number, body: unknown): Reply {
  return { kind: 'json', status, body };
}

export function fail(status: number, message: string): Reply {
  return { kind: 'json', status, body: { error: message } };
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The JSON body as an object, or an empty object (a missing body is validated field by field). */
export function bodyObject(ctx: RequestContext): JsonObject {
  return isObject(ctx.body) ? ctx.body : {};
}

export function optionalString(body: JsonObject, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' && value.trim().length > 0 ? value : undefined;
}

/** A strict integer query parameter: undefined when absent, NaN when malformed. */
export function intParam(query: Readonly<Record<string, string>>, key: string): number | undefined {
  const raw = query[key];
  if (raw === undefined) return undefined;
  return /^-?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
}
