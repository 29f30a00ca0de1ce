/**
 * Log pipeline benchmark. `throughput`: server (own process) → real HTTP on loopback →
 * TasksApi.streamLogs → LogRenderer, from the emulator and from a replay origin sending
 * the emulator's bytes in large writes (see logServer.ts), against a bare JSON.parse of
 * the same `data:` lines and against the SSE reader and decoder alone (bytes already in
 * memory); medians of interleaved repetitions. `heap` (needs --expose-gc): the live heap
 * while streaming logs of several sizes through the same pipeline (a full GC before each
 * sample, so garbage not yet collected does not count), against reading the largest whole
 * and parsing it. Whether the heap is independent of the log's size is read from the sizes
 * side by side, not from one size against the baseline.
 *
 *   node --expose-gc out/test/bench/logPipeline.js throughput [megabytes] [repetitions]
 *   node --expose-gc out/test/bench/logPipeline.js heap [megabytes,megabytes,…]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { mapAgentLogMessage } from '../../src/core/api/agentParsing';
import { createTasksApi } from '../../src/core/api/createTasksApi';
import { LogRenderer } from '../../src/core/logs/logRenderer';
import { readSseBatches } from '../../src/core/logs/sse';
import type { LogStreamEvent } from '../../src/core/logs/logEvents';
import type { TasksApi } from '../../src/core/api/tasksApi';
import { collectGarbage, heapUsed, median, megabytes, nowMs, runPart } from './benchSupport';
import { benchLogEvents, finishEvent, sseFrame } from './logFixture';

interface ServedLog {
  /** The emulator. */
  readonly url: string;
  /** The same bytes from a bare server writing 64 KB at a time. */
  readonly replayUrl: string;
  readonly key: string;
  readonly runId: string;
  readonly events: number;
  readonly bytes: number;
}

interface LogServer extends ServedLog {
  close(): Promise<void>;
}

function startLogServer(targetBytes: number): Promise<LogServer> {
  const child: ChildProcess = fork(join(__dirname, 'logServer.js'), [String(targetBytes)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('the log server did not start within 60 s'));
    }, 60_000);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the log server exited early (${code})`)));
    child.once('message', (message) => {
      clearTimeout(timer);
      const served = message as ServedLog;
      resolve({
        ...served,
        close: () =>
          new Promise<void>((done) => {
            child.removeAllListeners('exit');
            child.once('exit', () => done());
            child.send('close');
            setTimeout(() => child.kill(), 5_000).unref();
          }),
      });
    });
  });
}

interface Rate {
  readonly ms: number;
  readonly events: number;
  readonly bytes: number;
}

function rates(runs: readonly Rate[]): {
  ms: number;
  eventsPerSecond: number;
  megabytesPerSecond: number;
  events: number;
  bytes: number;
} {
  const ms = median(runs.map((run) => run.ms));
  const first = runs[0];
  return {
    ms,
    events: first.events,
    bytes: first.bytes,
    eventsPerSecond: first.events / (ms / 1000),
    megabytesPerSecond: megabytes(first.bytes) / (ms / 1000),
  };
}

/** The baseline: split the text into lines and JSON.parse every `data:` line, nothing else. */
function bareParse(text: string, bytes: number): Rate {
  const started = nowMs();
  let events = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('data: ')) {
      JSON.parse(line.slice(6));
      events++;
    }
  }
  return { ms: nowMs() - started, events, bytes };
}

/** The same bytes as a stream of chunks the size a loopback socket typically delivers. */
function memoryStream(bytes: Uint8Array, chunk = 64 * 1024): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.subarray(offset, offset + chunk));
      offset += chunk;
    },
  });
}

/** SSE reader and decoder alone: streaming TextDecoder, eventsource-parser, JSON.parse, mapping to LogEvents. */
async function readerAndDecoder(bytes: Uint8Array): Promise<Rate> {
  const started = nowMs();
  let events = 0;
  for await (const batch of readSseBatches(memoryStream(bytes))) {
    for (const item of batch) {
      if (item.type !== 'message') continue;
      if (mapAgentLogMessage(undefined, JSON.parse(item.data)).kind === 'event') events++;
    }
  }
  return { ms: nowMs() - started, events, bytes: bytes.length };
}

/** The renderer alone, on events already decoded: what turning events into text costs. */
function rendererAlone(events: readonly LogStreamEvent[], bytes: number): Rate {
  const renderer = new LogRenderer();
  const started = nowMs();
  let chars = 0;
  for (const event of events) chars += renderer.render(event).length;
  chars += renderer.end().length;
  if (chars === 0) throw new Error('the renderer produced nothing');
  return { ms: nowMs() - started, events: events.length, bytes };
}

interface PipelineRun extends Rate {
  readonly renderedChars: number;
  readonly reconnects: number;
  /** The highest live heap above the start, over the samples. */
  readonly peakHeapGrowth?: number;
  readonly heapSamples?: number;
}

/** Events between two heap samples; each sample runs a full GC first. */
const HEAP_SAMPLE_EVERY = 2000;

/** A client like the extension's, keeping the stream's reconnect diagnostics for the report. */
function clientFor(baseUrl: string, key: string, notes: string[]): TasksApi {
  return createTasksApi({
    kind: 'agent',
    baseUrl,
    apiKey: key,
    onDiagnostic: (message) => {
      if (/reconnect|gave up/.test(message) && notes.length < 10) notes.push(message);
    },
  });
}

/**
 * The whole client path the extension uses for a task's log channel, the channel itself
 * excepted. With `heapFrom`, the live heap is sampled (after a full GC) every few thousand
 * events; the time then includes the collections and is not a throughput figure.
 */
async function pipeline(api: TasksApi, runId: string, bytes: number, heapFrom?: number): Promise<PipelineRun> {
  const renderer = new LogRenderer();
  let events = 0;
  let renderedChars = 0;
  let reconnects = 0;
  let peak = 0;
  let samples = 0;
  const started = nowMs();
  for await (const event of api.streamLogs(runId)) {
    if (event.kind === 'reconnecting') reconnects++;
    if (event.kind !== 'connected' && event.kind !== 'reconnecting') events++;
    renderedChars += renderer.render(event).length;
    if (heapFrom !== undefined && events % HEAP_SAMPLE_EVERY === 0) {
      collectGarbage();
      samples++;
      peak = Math.max(peak, heapUsed() - heapFrom);
    }
  }
  renderedChars += renderer.end().length;
  const ms = nowMs() - started;
  return {
    ms,
    events,
    bytes,
    renderedChars,
    reconnects,
    ...(heapFrom !== undefined ? { peakHeapGrowth: peak, heapSamples: samples } : {}),
  };
}

async function throughput(sizeMb: number, repetitions: number): Promise<unknown> {
  const server = await startLogServer(sizeMb * 1024 * 1024);
  try {
    const events = [...benchLogEvents(sizeMb * 1024 * 1024), finishEvent(server.runId)];
    const text = events.map(sseFrame).join('');
    const bytes = new TextEncoder().encode(text);
    if (bytes.length !== server.bytes || events.length !== server.events) {
      throw new Error(
        `fixture mismatch: ${events.length} events / ${bytes.length} bytes here, ${server.events} / ${server.bytes} served`,
      );
    }
    const notes: string[] = [];
    const viaEmulator = clientFor(server.url, server.key, notes);
    const viaReplay = clientFor(server.replayUrl, server.key, notes);
    const decoded: LogStreamEvent[] = [];
    for (const event of events) {
      const message = mapAgentLogMessage(undefined, event);
      if (message.kind === 'event') decoded.push(message.event);
    }
    // One untimed round of each warms the JIT and the connection pools.
    bareParse(text, bytes.length);
    await readerAndDecoder(bytes);
    rendererAlone(decoded, bytes.length);
    await pipeline(viaReplay, server.runId, server.bytes);
    await pipeline(viaEmulator, server.runId, server.bytes);
    const bare: Rate[] = [];
    const decoder: Rate[] = [];
    const rendered: Rate[] = [];
    const replayed: PipelineRun[] = [];
    const emulated: PipelineRun[] = [];
    // Interleaved, so a busy moment on a shared machine spreads over every kind.
    for (let i = 0; i < repetitions; i++) {
      bare.push(bareParse(text, bytes.length));
      decoder.push(await readerAndDecoder(bytes));
      rendered.push(rendererAlone(decoded, bytes.length));
      replayed.push(await pipeline(viaReplay, server.runId, server.bytes));
      emulated.push(await pipeline(viaEmulator, server.runId, server.bytes));
    }
    for (const run of [...replayed, ...emulated]) {
      if (run.events !== server.events)
        throw new Error(`the pipeline delivered ${run.events} of ${server.events} events`);
    }
    const summary = (runs: readonly PipelineRun[]) => ({
      ...rates(runs),
      renderedChars: runs[0].renderedChars,
      reconnects: runs.reduce((sum, run) => sum + run.reconnects, 0),
    });
    return {
      part: 'logThroughput',
      sizeMb: megabytes(server.bytes),
      repetitions,
      bareParse: rates(bare),
      readerAndDecoder: rates(decoder),
      rendererAlone: rates(rendered),
      pipelineReplay: summary(replayed),
      pipelineEmulator: summary(emulated),
      notes,
    };
  } finally {
    await server.close();
  }
}

/** One log size streamed with the live heap sampled. */
async function streamedHeap(sizeMb: number): Promise<{
  readonly sizeMb: number;
  readonly events: number;
  readonly samples: number;
  readonly peakLiveHeapGrowthBytes: number;
  readonly retainedHeapGrowthBytes: number;
  readonly notes: readonly string[];
}> {
  const server = await startLogServer(sizeMb * 1024 * 1024);
  try {
    const notes: string[] = [];
    const api = clientFor(server.replayUrl, server.key, notes);
    collectGarbage();
    const before = heapUsed();
    const streamed = await pipeline(api, server.runId, server.bytes, before);
    collectGarbage();
    return {
      sizeMb: megabytes(server.bytes),
      events: streamed.events,
      samples: streamed.heapSamples ?? 0,
      peakLiveHeapGrowthBytes: streamed.peakHeapGrowth ?? 0,
      retainedHeapGrowthBytes: heapUsed() - before,
      notes,
    };
  } finally {
    await server.close();
  }
}

/** What a client that buffers the whole answer and parses it holds at once. */
async function naiveHeap(sizeMb: number): Promise<{ readonly sizeMb: number; readonly peakHeapGrowthBytes: number }> {
  const server = await startLogServer(sizeMb * 1024 * 1024);
  try {
    collectGarbage();
    const before = heapUsed();
    const response = await fetch(`${server.replayUrl}/api/v1/tasks/${server.runId}/logs/stream`, {
      headers: { Authorization: `Bearer ${server.key}`, Accept: 'text/event-stream' },
    });
    const body = await response.text();
    const parsed = body
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line): unknown => JSON.parse(line.slice(6)));
    // Only what is still reachable counts, as for the streamed samples.
    collectGarbage();
    const peak = heapUsed() - before;
    if (parsed.length !== server.events) throw new Error(`naive read got ${parsed.length} of ${server.events} events`);
    return { sizeMb: megabytes(server.bytes), peakHeapGrowthBytes: peak };
  } finally {
    await server.close();
  }
}

async function heap(sizesMb: readonly number[]): Promise<unknown> {
  // One small log first, not reported: what the first log pays once (code loaded and
  // compiled, HTTP client pools) would otherwise count against the smallest size.
  await streamedHeap(1);
  const sizes = [];
  for (const sizeMb of sizesMb) sizes.push(await streamedHeap(sizeMb));
  const largest = Math.max(...sizesMb);
  return { part: 'logHeap', sampleEveryEvents: HEAP_SAMPLE_EVERY, sizes, naive: await naiveHeap(largest) };
}

const mode = process.argv[2] ?? 'throughput';
const sizes = (process.argv[3] ?? (mode === 'heap' ? '10,50' : '4')).split(',').map(Number);
const repetitions = Number(process.argv[4] ?? 5);
runPart(() => (mode === 'heap' ? heap(sizes) : throughput(sizes[0] ?? 4, repetitions)));
