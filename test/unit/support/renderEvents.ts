import { LogRenderer, type LogRendererOptions } from '../../../src/core/logs/logRenderer';
import type { LogStreamEvent } from '../../../src/core/logs/logEvents';

/** A whole event sequence as the log shows it: each event rendered in turn, then the end. */
export function renderEvents(events: Iterable<LogStreamEvent>, options?: LogRendererOptions): string {
  const renderer = new LogRenderer(options);
  let out = '';
  for (const event of events) out += renderer.render(event);
  return out + renderer.end();
}
