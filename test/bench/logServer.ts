/**
 * The emulator in a process of its own, serving one completed run with a long log, so
 * the pipeline benchmark measures the client's work, not the server's, in its process.
 * Beside it, a replay origin: a bare node:http server that answers the same log stream
 * with the very bytes the emulator sends, written in large chunks. The emulator writes
 * one event per write (waiting only when the socket buffer is full) and serialises each
 * event as it goes; the replay origin shows what the client itself can take.
 * Started with child_process.fork; argv[2] is the log size in bytes. Sends
 * `{ url, replayUrl, key, runId, events, bytes }` once listening and closes on 'close'.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmulator } from '../emulator/emulator';
import { asScript, BENCH_RUN_ID, benchLogEvents, sseFrame } from './logFixture';

async function main(): Promise<void> {
  const targetBytes = Number(process.argv[2] ?? 8 * 1024 * 1024);
  const events = benchLogEvents(targetBytes);
  const emulator = await startEmulator({ clock: 'manual', keepAliveMs: 0, maxEventsPerTask: events.length + 16 });
  emulator.addTask({
    api: 'agent',
    id: BENCH_RUN_ID,
    prompt: 'Fix the double discount',
    status: 'completed',
    log: asScript(events),
  });
  const served = emulator.task(BENCH_RUN_ID)?.events ?? [];
  const payload = Buffer.from(served.map(sseFrame).join(''), 'utf8');
  const replay = await startReplayOrigin(payload);
  const stop = () => {
    replay.closeAllConnections();
    replay.close();
    void emulator.close().then(() => process.exit(0));
  };
  process.on('message', (message) => {
    if (message === 'close') stop();
  });
  process.on('disconnect', stop);
  const replayUrl = `http://127.0.0.1:${(replay.address() as AddressInfo).port}`;
  process.send?.({
    url: emulator.url,
    replayUrl,
    key: emulator.keys.agent,
    runId: BENCH_RUN_ID,
    events: served.length,
    bytes: payload.length,
  });
}

/** Answers every request with the whole log as text/event-stream, 64 KB per write. */
function startReplayOrigin(payload: Buffer): Promise<ReturnType<typeof createServer>> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' });
    let offset = 0;
    const pump = (): void => {
      while (offset < payload.length) {
        const chunk = payload.subarray(offset, offset + 64 * 1024);
        offset += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    pump();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
