import { LOG_MESSAGE_HEAD_LINES, LOG_MESSAGE_TAIL_LINES, excerpt } from './logExcerpt';
import type { LogStreamEvent } from './logEvents';
import { oneLine } from '../util/untrustedText';

/**
 * Cloud log lines, grouped under a heading per step (and per agent once a second agent
 * speaks). Kept apart from the log renderer because the grouping has its own state, which
 * step and agent were last headed, that nothing else in the renderer reads.
 */
export class CloudLogLines {
  private cloudSection: string | undefined;
  private firstAgent: string | undefined;

  constructor(
    private readonly showAgents: boolean,
    private readonly maxLineChars: number,
  ) {}

  /** The lines for one log event (a heading when the step or agent changes); none for a blank message. */
  linesFor(event: Extract<LogStreamEvent, { kind: 'log' }>): string[] {
    const message = excerpt(event.message, LOG_MESSAGE_HEAD_LINES, LOG_MESSAGE_TAIL_LINES, this.maxLineChars);
    while (message.length > 0 && message[message.length - 1]?.trim() === '') message.pop();
    if (message.length === 0) return [];
    const lines: string[] = [];
    const agent = event.agent ? oneLine(event.agent, 40) : undefined;
    if (agent && this.firstAgent === undefined) this.firstAgent = agent;
    const step = event.step ? oneLine(event.step, 60).replace(/_/g, ' ') : undefined;
    const namesAgent = agent !== undefined && (this.showAgents || agent !== this.firstAgent);
    const section = [step, namesAgent ? agent : undefined].filter(Boolean).join(' · ');
    if (section && section !== this.cloudSection) {
      this.cloudSection = section;
      lines.push(`── ${section} ──`);
    }
    const marker = levelMarker(event.level);
    const indent = ' '.repeat(Array.from(marker).length);
    message.forEach((line, i) => lines.push((i === 0 ? marker : indent) + line));
    return lines;
  }
}

function levelMarker(level: string): string {
  switch (level) {
    case 'error':
      return '✘ ';
    case 'warning':
      return '⚠ ';
    case 'success':
      return '✔ ';
    default:
      return '';
  }
}
