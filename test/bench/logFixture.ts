/**
 * A long, realistic Agent API v1 log for the pipeline benchmark: the agent's prose in
 * small text deltas, then a bash tool call with a few kilobytes of output, repeated
 * until the log reaches the wanted size. Deterministic, so every process that builds
 * it (the emulator child, the measuring process) gets the same bytes.
 */
import type { JsonObject, ScriptedLogEvent } from '../emulator/types';

const PROSE =
  'Reading the order service to see where totals are computed; the discount is applied twice when a coupon and a sale overlap, ';
const OUTPUT_LINE = (n: number) =>
  `  ✓ orders › applies coupon ${n} once when a sale price is active (12 ms) — totals stay within one cent`;

/** One cycle of the log: a text block of 16 deltas, then one bash call with 60 lines of output. */
function cycle(index: number): JsonObject[] {
  const id = `msg_${index}`;
  const events: JsonObject[] = [{ type: 'text-start', id }];
  for (let i = 0; i < 16; i++) events.push({ type: 'text-delta', id, delta: `${PROSE.slice(i * 7, i * 7 + 90)} ` });
  const toolCallId = `tc_${index}`;
  events.push({ type: 'tool-call-start', toolCallId, toolName: 'bash' });
  events.push({
    type: 'tool-input-available',
    toolCallId,
    toolName: 'bash',
    input: { command: `npm test -- --grep "case ${index}"` },
  });
  const stdout = Array.from({ length: 60 }, (_, line) => OUTPUT_LINE(index * 60 + line)).join('\n');
  events.push({ type: 'tool-output-available', toolCallId, toolName: 'bash', output: { stdout, exitCode: 0 } });
  return events;
}

/** What the emulator sends for one v1 event. */
export function sseFrame(event: JsonObject): string {
  return `data: ${JSON.stringify(event)}\n\n`;
}

/** Log events (without the closing `finish`, which the emulator adds) totalling at least `targetBytes` of SSE. */
export function benchLogEvents(targetBytes: number): JsonObject[] {
  const events: JsonObject[] = [];
  let bytes = 0;
  for (let index = 0; bytes < targetBytes; index++) {
    for (const event of cycle(index)) {
      events.push(event);
      bytes += Buffer.byteLength(sseFrame(event));
    }
  }
  return events;
}

export function asScript(events: readonly JsonObject[]): ScriptedLogEvent[] {
  return events.map((event) => ({ delayMs: 0, event }));
}

/** The finish event the emulator appends to a completed run's log. */
export function finishEvent(runId: string): JsonObject {
  return { type: 'finish', status: 'completed', runId };
}

export const BENCH_RUN_ID = 'bench000-0000-4000-8000-000000000001';
