/**
 * Fault injection: which requests a fault applies to, and the canned bodies faults answer with.
 * Builders below make the common faults one short call in a test.
 */
import type { ApiName, ErrorBodyShape, Fault, FaultEffect, FaultHandle, FaultScope } from './types';

interface ActiveFault {
  readonly fault: Fault;
  remaining: number;
  hits: number;
}

export interface RequestFacts {
  readonly api: ApiName | 'other';
  readonly method: string;
  readonly path: string;
}

/** `*` matches one path segment, `**` any rest. */
export function pathMatches(pattern: string | RegExp, path: string): boolean {
  if (pattern instanceof RegExp) return pattern.test(path);
  if (!pattern.includes('*')) return pattern === path;
  const source = pattern
    .split('/')
    .map((segment) => (segment === '**' ? '.*' : segment.split('*').map(escapeRegExp).join('[^/]*')))
    .join('/');
  return new RegExp(`^${source}$`).test(path);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class FaultSet {
  private active: ActiveFault[] = [];

  add(fault: Fault): FaultHandle {
    const entry: ActiveFault = { fault, remaining: fault.times ?? Number.POSITIVE_INFINITY, hits: 0 };
    this.active.push(entry);
    return {
      get hits() {
        return entry.hits;
      },
      clear: () => {
        this.active = this.active.filter((a) => a !== entry);
      },
    };
  }

  clear(): void {
    this.active = [];
  }

  /** The faults applying to this request, each counted as used once. */
  take(request: RequestFacts): Fault[] {
    const taken: Fault[] = [];
    for (const entry of this.active) {
      if (!scopeMatches(entry.fault, request)) continue;
      entry.remaining--;
      entry.hits++;
      taken.push(entry.fault);
    }
    this.active = this.active.filter((a) => a.remaining > 0);
    return taken;
  }
}

function scopeMatches(scope: FaultScope, request: RequestFacts): boolean {
  if (scope.api !== undefined && scope.api !== request.api) return false;
  if (scope.method !== undefined && scope.method.toUpperCase() !== request.method.toUpperCase()) return false;
  if (scope.path !== undefined && !pathMatches(scope.path, request.path)) return false;
  return true;
}

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Insufficient credits',
  403: 'Forbidden',
  404: 'Not found',
  408: 'Request Timeout',
  409: 'Conflict',
  429: 'Too many requests',
  500: 'Internal server error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function reasonFor(status: number): string {
  return REASONS[status] ?? `HTTP ${status}`;
}

export interface CannedBody {
  readonly contentType?: string;
  readonly text: string;
}

/** The body an error fault answers with, in the shape asked for. */
export function errorBody(status: number, shape: ErrorBodyShape = 'json', message = reasonFor(status)): CannedBody {
  switch (shape) {
    case 'json':
      return { contentType: 'application/json', text: JSON.stringify({ error: message }) };
    case 'json-object':
      return {
        contentType: 'application/json',
        text: JSON.stringify({ error: { code: message.toLowerCase().replace(/[^a-z0-9]+/g, '_'), message } }),
      };
    case 'html':
      return {
        contentType: 'text/html; charset=utf-8',
        text:
          `<!DOCTYPE html>\n<html><head><title>${status} ${reasonFor(status)}</title></head>\n` +
          `<body><center><h1>${status} ${reasonFor(status)}</h1></center><hr><center>cloudfront</center></body></html>\n`,
      };
    case 'text':
      return { contentType: 'text/plain; charset=utf-8', text: `${status} ${message}` };
    case 'empty':
      return { text: '' };
  }
}

type WithScope<E> = E & FaultScope;

/** Short builders: `emulator.fault(faults.status(503, { path: '/api/v1/tasks', times: 2 }))`. */
export const faults = {
  status: (
    status: number,
    options: Omit<WithScope<Extract<FaultEffect, { kind: 'status' }>>, 'kind' | 'status'> = {},
  ): Fault => ({
    kind: 'status',
    status,
    ...options,
  }),
  rateLimited: (retryAfterSeconds: number | string, scope: FaultScope = {}): Fault => ({
    kind: 'status',
    status: 429,
    retryAfter: retryAfterSeconds,
    ...scope,
  }),
  htmlGateway: (status = 502, scope: FaultScope = {}): Fault => ({ kind: 'status', status, body: 'html', ...scope }),
  latency: (ms: number, scope: FaultScope = {}): Fault => ({ kind: 'latency', ms, ...scope }),
  hang: (scope: FaultScope = {}): Fault => ({ kind: 'hang', ...scope }),
  drop: (where: { afterBytes?: number; afterEvents?: number } = {}, scope: FaultScope = {}): Fault => ({
    kind: 'drop',
    ...where,
    ...scope,
  }),
  stall: (afterEvents: number, scope: FaultScope = {}): Fault => ({ kind: 'stall', afterEvents, ...scope }),
  streamError: (message: string, afterEvents = 1, scope: FaultScope = {}): Fault => ({
    kind: 'stream-error',
    message,
    afterEvents,
    ...scope,
  }),
  malformedJson: (scope: FaultScope = {}, text?: string): Fault => ({ kind: 'malformed-json', text, ...scope }),
  transform: (transform: (body: unknown) => unknown, scope: FaultScope = {}): Fault => ({
    kind: 'transform',
    transform,
    ...scope,
  }),
  /**
   * A list answer whose row `index` has `field` set to `value` (e.g. a number where a string
   * belongs): one bad row among good ones. `value: undefined` removes the field.
   */
  listRowField: (index: number, field: string, value: unknown, scope: FaultScope = {}): Fault => ({
    kind: 'transform',
    transform: (body) => {
      if (typeof body !== 'object' || body === null || !Array.isArray((body as { tasks?: unknown }).tasks)) return body;
      const tasks = [...(body as { tasks: unknown[] }).tasks];
      const row = tasks[index];
      if (typeof row === 'object' && row !== null) {
        const changed: Record<string, unknown> = { ...(row as Record<string, unknown>) };
        if (value === undefined) delete changed[field];
        else changed[field] = value;
        tasks[index] = changed;
      }
      return { ...body, tasks };
    },
    method: 'GET',
    ...scope,
  }),
  sse: (options: Omit<Extract<FaultEffect, { kind: 'sse' }>, 'kind'>, scope: FaultScope = {}): Fault => ({
    kind: 'sse',
    ...options,
    ...scope,
  }),
};
