/**
 * A loopback emulator of both BLACKBOX task APIs on one node:http server
 * (`/api/v1/...` Agent API, `/api/...` Cloud API), driven by scenarios, with a request
 * log and switchable faults. Used by unit, integration and UI tests, benchmarks and the demo.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { handleAgentApi } from './agentApi';
import { handleCloudApi } from './cloudApi';
import { errorBody, FaultSet } from './faults';
import type { Reply, RequestContext } from './http';
import { DEFAULT_TIMING, TaskRegistry, type Timing } from './registry';
import { ManualScheduler, RealScheduler, type Scheduler } from './scheduler';
import { SseChannel } from './sse';
import type { ApiName, EmulatedTask, Fault, FaultHandle, RecordedRequest, Scenario, TaskSpec } from './types';

export type {
  AgentExecutionSpec,
  ApiName,
  EmulatedTask,
  Fault,
  FaultHandle,
  FaultScope,
  LifecycleStep,
  RecordedRequest,
  Scenario,
  ScriptedLogEvent,
  TaskSpec,
} from './types';
export type { Timing } from './registry';

export const DEMO_KEYS = {
  agent: 'sk-emulator-demo-0123456789abcdef',
  cloud: 'bb_emulator_demo_0123456789abcdef',
} as const;

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  scenario?: Scenario;
  /** 'real' timers (default) or 'manual': time moves only with advance(ms). */
  clock?: 'real' | 'manual';
  keys?: { agent?: string; cloud?: string };
  /** How fast created tasks move (defaults: queued 2 s, an event every 600 ms). */
  timing?: Partial<Timing>;
  /** SSE keep-alive comment interval, real ms (default 15 000; 0 = none). */
  keepAliveMs?: number;
  /** Bounds (defaults 5 000 requests, 1 000 tasks per API, 20 000 events per task). */
  maxRecordedRequests?: number;
  maxTasksPerApi?: number;
  maxEventsPerTask?: number;
}

export interface Emulator {
  readonly url: string;
  readonly keys: { readonly agent: string; readonly cloud: string };
  readonly requests: readonly RecordedRequest[];
  clearRequests(): void;
  addTask(spec: TaskSpec): EmulatedTask;
  task(id: string): EmulatedTask | undefined;
  /** Every task of one API (or both), newest first. */
  tasks(api?: ApiName): readonly EmulatedTask[];
  /** Raw status in that API's vocabulary, or a normalised one; unknown words are kept as they are. */
  setTaskStatus(id: string, status: string): void;
  /** Adds an event to a task's log now (v1 event object or Cloud log object). */
  emitLog(id: string, event: Record<string, unknown>): void;
  fault(f: Fault): FaultHandle;
  clearFaults(): void;
  /** A server restart: live v1 runs become interrupted, inMemory null, open connections drop. */
  restart(): void;
  /** Manual clock only: moves time forward, running what falls due. */
  advance(ms: number): void;
  /** The emulator clock, epoch ms. */
  now(): number;
  /** Open SSE responses right now. */
  readonly openStreams: number;
  /** Open SSE responses of one task's log right now (a v1 run's, or a Cloud task's). */
  openStreamsOf(taskId: string): number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

class LoopbackEmulator implements Emulator {
  readonly keys: { readonly agent: string; readonly cloud: string };
  private readonly log: RecordedRequest[] = [];
  private readonly faultSet = new FaultSet();
  private readonly scheduler: Scheduler;
  private readonly registry: TaskRegistry;
  /** Open SSE responses, with the task whose log each streams. */
  private readonly channels = new Map<SseChannel, string | undefined>();
  private readonly held = new Set<ServerResponse>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sockets = new Set<Socket>();
  private closing: Promise<void> | undefined;
  url = '';

  constructor(
    private readonly server: Server,
    private readonly options: EmulatorOptions,
  ) {
    this.keys = { agent: options.keys?.agent ?? DEMO_KEYS.agent, cloud: options.keys?.cloud ?? DEMO_KEYS.cloud };
    this.scheduler = options.clock === 'manual' ? new ManualScheduler(Date.now()) : new RealScheduler();
    this.registry = new TaskRegistry(
      this.scheduler,
      { ...DEFAULT_TIMING, ...options.timing },
      { maxTasksPerApi: options.maxTasksPerApi ?? 1_000, maxEventsPerTask: options.maxEventsPerTask ?? 20_000 },
    );
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          res
            .writeHead(500, { 'Content-Type': 'application/json' })
            .end(JSON.stringify({ error: 'Internal server error' }));
        }
        console.error('[emulator] handler failed:', error);
      });
    });
    for (const spec of options.scenario?.tasks ?? []) this.registry.add(spec);
  }

  get requests(): readonly RecordedRequest[] {
    return this.log;
  }

  get openStreams(): number {
    return this.channels.size;
  }

  openStreamsOf(taskId: string): number {
    let open = 0;
    for (const streamed of this.channels.values()) if (streamed === taskId) open++;
    return open;
  }

  clearRequests(): void {
    this.log.length = 0;
  }

  addTask(spec: TaskSpec): EmulatedTask {
    return this.registry.add(spec);
  }

  task(id: string): EmulatedTask | undefined {
    return this.registry.get(id);
  }

  tasks(api?: ApiName): readonly EmulatedTask[] {
    return api ? this.registry.list(api) : [...this.registry.list('agent'), ...this.registry.list('cloud')];
  }

  setTaskStatus(id: string, status: string): void {
    this.registry.setStatus(id, status);
  }

  emitLog(id: string, event: Record<string, unknown>): void {
    const task = this.registry.get(id);
    if (!task) throw new Error(`Emulator has no task ${id}`);
    task.emit(event);
  }

  fault(f: Fault): FaultHandle {
    return this.faultSet.add(f);
  }

  clearFaults(): void {
    this.faultSet.clear();
  }

  restart(): void {
    // Connections die first, as in a crash: what the restart does to the runs is never sent on them.
    for (const channel of [...this.channels.keys()]) channel.destroy();
    for (const res of [...this.held]) res.destroy();
    this.held.clear();
    this.registry.restart();
  }

  advance(ms: number): void {
    if (!(this.scheduler instanceof ManualScheduler))
      throw new Error("advance() needs the emulator started with clock: 'manual'");
    this.scheduler.advance(ms);
  }

  now(): number {
    return this.scheduler.now();
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.faultSet.clear();
    this.scheduler.dispose();
    this.registry.dispose();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const channel of [...this.channels.keys()]) channel.destroy();
    for (const res of this.held) res.destroy();
    this.held.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    const api: ApiName | 'other' =
      path === '/api/v1' || path.startsWith('/api/v1/') ? 'agent' : path.startsWith('/api/') ? 'cloud' : 'other';
    const raw = await readBody(req);
    if (raw === undefined) {
      res.writeHead(413, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: 'Payload too large' }));
      return;
    }
    let body: unknown;
    let badJson = false;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
        badJson = true;
      }
    }
    const record: RecordedRequest = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      body,
      api,
      at: this.scheduler.now(),
      authorized: api !== 'other' && this.isAuthorized(req.headers.authorization, api),
      accept: req.headers.accept,
      faults: [],
    };
    this.log.push(record);
    if (this.log.length > (this.options.maxRecordedRequests ?? 5_000)) this.log.shift();

    const faults = this.faultSet.take({ api, method, path });
    record.faults.push(...faults.map((f) => f.kind));
    const latency = faults.reduce((sum, f) => sum + (f.kind === 'latency' ? f.ms : 0), 0);
    if (latency > 0) await this.pause(latency);
    if (this.closing || res.destroyed) return;
    if (faults.some((f) => f.kind === 'hang')) {
      this.held.add(res);
      res.on('close', () => this.held.delete(res));
      return;
    }
    const statusFault = faults.find((f) => f.kind === 'status');
    if (statusFault?.kind === 'status') {
      const canned = errorBody(statusFault.status, statusFault.body, statusFault.message);
      const headers: Record<string, string> = {};
      if (canned.contentType) headers['Content-Type'] = canned.contentType;
      if (statusFault.retryAfter !== undefined) headers['Retry-After'] = String(statusFault.retryAfter);
      record.status = statusFault.status;
      res.writeHead(statusFault.status, headers).end(canned.text);
      return;
    }

    let reply: Reply;
    let segments: readonly string[] = [];
    if (api === 'other') reply = { kind: 'json', status: 404, body: { error: 'Not found' } };
    else if (!record.authorized) reply = { kind: 'json', status: 401, body: { error: 'Unauthorized' } };
    else if (badJson) reply = { kind: 'json', status: 400, body: { error: 'Invalid JSON body' } };
    else {
      const prefix = api === 'agent' ? '/api/v1' : '/api';
      segments = path
        .slice(prefix.length)
        .split('/')
        .filter((s) => s.length > 0)
        .map(safeDecode);
      const ctx: RequestContext = { method, path, segments, query: record.query, body };
      reply = api === 'agent' ? handleAgentApi(ctx, this.registry) : handleCloudApi(ctx, this.registry);
    }
    if (reply.kind === 'sse') {
      record.status = 200;
      const channel = new SseChannel(res, {
        faults,
        keepAliveMs: this.options.keepAliveMs ?? 15_000,
        flavour: reply.flavour,
      });
      // Both APIs stream a task's log from …/tasks/<id>/….
      this.channels.set(channel, segments[0] === 'tasks' ? segments[1] : undefined);
      channel.onClose(() => this.channels.delete(channel));
      reply.start(channel);
      return;
    }
    record.status = reply.status;
    sendJson(res, reply.status, reply.body, faults, reply.headers);
  }

  private isAuthorized(header: string | undefined, api: ApiName): boolean {
    const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
    return match?.[1]?.trim() === (api === 'agent' ? this.keys.agent : this.keys.cloud);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The body as text, or undefined when it is larger than the emulator accepts. */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  faults: readonly Fault[],
  headers: Readonly<Record<string, string>> = {},
): void {
  let body = value;
  for (const f of faults) if (f.kind === 'transform') body = f.transform(body);
  let text = JSON.stringify(body) ?? 'null';
  const malformed = faults.find((f) => f.kind === 'malformed-json');
  if (malformed?.kind === 'malformed-json')
    text = malformed.text ?? text.slice(0, Math.max(1, Math.floor(text.length / 2)));
  const bytes = Buffer.from(text, 'utf8');
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(bytes.length),
  });
  const drop = faults.find((f) => f.kind === 'drop');
  if (drop?.kind === 'drop') {
    const cut = Math.min(bytes.length - 1, Math.max(0, drop.afterBytes ?? Math.floor(bytes.length / 2)));
    res.write(bytes.subarray(0, cut), () => res.destroy());
    return;
  }
  res.end(bytes);
}

/** Starts the emulator on 127.0.0.1 and resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const server = createServer({ noDelay: true, keepAliveTimeout: 5_000 });
  const emulator = new LoopbackEmulator(server, options);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('Emulator did not get a TCP address');
  emulator.url = `http://127.0.0.1:${address.port}`;
  return emulator;
}
