// How a task log's stream ended, read from what its channel shows: every ending but a stop
// (the channel closed, or the log started over) writes a last line that says which it was.
import { logChannel, type LogOf } from './harness';
import type { RecordedChannel } from './outputChannelSpy';

export type LogEnding =
  /** A finish event or a terminal status: the log's last line is the run's end (`■ Task completed in 3s`). */
  | 'finished'
  /** Reconnects exhausted (`— gave up after 5 attempts: … —`). */
  | 'gave-up'
  /** The server refused the stream (`— could not read the log: … —`). */
  | 'failed'
  /** No key when the log opened, or the key was removed while it streamed. */
  | 'no-connection'
  /** The stream ended without saying how the task ended. */
  | 'ended';

const LAST_LINES: ReadonlyArray<readonly [RegExp, LogEnding]> = [
  [/^■ Task /, 'finished'],
  [/^— gave up after \d+ attempts?: .+ —$/, 'gave-up'],
  [/^— could not read the log: .+ —$/, 'failed'],
  [/^— No BLACKBOX API key is set: set one to see this log\. —$/, 'no-connection'],
  [/^— stopped: the API key was removed —$/, 'no-connection'],
  [/^— the log ended without a final status —$/, 'ended'],
];

/** The ending a log's text shows: its last line, once written in full. */
export function logEnding(text: string): LogEnding | undefined {
  if (!text.endsWith('\n')) return undefined;
  const last = text.trimEnd().split('\n').at(-1) ?? '';
  return LAST_LINES.find(([line]) => line.test(last))?.[1];
}

/**
 * Longer than the channels' append batching (75 ms): a stream's end is written by one last
 * flush, so an ending nothing is appended after for this long is the end of the stream.
 */
const SETTLE_MS = 250;

/**
 * Waits until the log (a recorded channel, or the open channel of a name or task) shows how its
 * stream ended, and nothing more is written; resolves with the ending. Times out with the end of
 * the text seen, so a failure says where the log stopped.
 */
export async function whenLogEnds(
  of: LogOf | RecordedChannel,
  options: { readonly timeoutMs?: number } = {},
): Promise<LogEnding> {
  const { timeoutMs = 15_000 } = options;
  const channelOf = (): RecordedChannel | undefined =>
    typeof of === 'object' && 'appends' in of ? of : logChannel(of);
  const deadline = Date.now() + timeoutMs;
  /** The ending seen, and the channel as it was then. */
  let seen:
    { readonly ending: LogEnding; readonly length: number; readonly clears: number; readonly at: number } | undefined;
  for (;;) {
    const channel = channelOf();
    const ending = channel ? logEnding(channel.text) : undefined;
    if (!channel || !ending) seen = undefined;
    else if (seen?.ending !== ending || seen.length !== channel.text.length || seen.clears !== channel.clears)
      seen = { ending, length: channel.text.length, clears: channel.clears, at: Date.now() };
    else if (Date.now() - seen.at >= SETTLE_MS) return ending;
    if (Date.now() >= deadline) {
      const name = typeof of === 'string' ? of : 'name' in of ? of.name : `of task ${of.id}`;
      const tail = channel ? JSON.stringify(channel.text.slice(-300)) : 'no open channel';
      throw new Error(`timed out after ${timeoutMs} ms waiting for the log ${name} to end; it ends with: ${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
