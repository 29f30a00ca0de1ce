import { LogRenderer } from './logRenderer';
import type { LogStreamEvent } from './logEvents';
import { logTailLines } from '../handover/toolText';
import type { LaneLog } from '../view/compareAgentsHtml';
import type { TaskStatus } from '../tasks/model';

/**
 * The end of each agent's log and its last message, for the Compare Agents page. Each lane has
 * its own renderer (the one the Output channels use) and keeps only the last few thousand
 * characters it rendered, so a long log costs no more than a short one.
 *
 * v1 gives each agent its own run and stream: its events are fed with the lane's key. The Cloud
 * API has one stream for the task, whose log lines name their `agent`: `feedTask` sends each
 * line to the lane of that agent, and a line or status that names no agent to every lane (it
 * is about the task as a whole).
 */

/** Characters of rendered log kept per lane. */
const KEPT_CHARS = 12_000;
/** Longest last message kept. */
const MESSAGE_CHARS = 8_000;

export interface LaneIdentity {
  readonly key: string;
  readonly agent?: string;
  readonly status: TaskStatus;
  readonly startedAt?: number;
  readonly completedAt?: number;
}

interface LaneState {
  readonly renderer: LogRenderer;
  text: string;
  message: string | undefined;
  /** The run's answer as its details give it (v1), which wins over what the log suggests. */
  answer: string | undefined;
  /** v1: the text block being written and its id. */
  block: { id: string | undefined; text: string } | undefined;
  state: LaneLog['state'];
}

export class LaneLogBook {
  private readonly lanes = new Map<string, LaneState>();
  private readonly byAgent = new Map<string, string>();

  constructor(
    lanes: readonly LaneIdentity[],
    private readonly redact: (text: string) => string = (text) => text,
  ) {
    for (const lane of lanes) this.add(lane);
  }

  /** A lane the book did not know (an agent seen for the first time); a known lane is left as it is. */
  add(lane: LaneIdentity): void {
    if (this.lanes.has(lane.key)) return;
    this.lanes.set(lane.key, {
      renderer: new LogRenderer({
        status: lane.status,
        ...(lane.startedAt !== undefined ? { startedAt: lane.startedAt } : {}),
        ...(lane.completedAt !== undefined ? { completedAt: lane.completedAt } : {}),
      }),
      text: '',
      message: undefined,
      answer: undefined,
      block: undefined,
      state: 'loading',
    });
    if (lane.agent !== undefined && !this.byAgent.has(lane.agent.toLowerCase()))
      this.byAgent.set(lane.agent.toLowerCase(), lane.key);
  }

  /** One event of this lane's own stream (v1). */
  feed(laneKey: string, event: LogStreamEvent): void {
    const lane = this.lanes.get(laneKey);
    if (!lane) return;
    if (lane.state === 'loading') lane.state = 'live';
    this.noteMessage(lane, event);
    this.append(lane, lane.renderer.render(event));
  }

  /** One event of a Cloud task's stream: to the lane of the agent it names, else to every lane. */
  feedTask(event: LogStreamEvent): void {
    const agent = event.kind === 'log' ? event.agent?.toLowerCase() : undefined;
    const owner = agent !== undefined ? this.byAgent.get(agent) : undefined;
    if (owner !== undefined) {
      this.feed(owner, event);
      return;
    }
    for (const key of this.lanes.keys()) this.feed(key, event);
  }

  /** This lane's stream ended (`ended`) or could not be read (`unavailable`). */
  finish(laneKey: string, state: 'ended' | 'unavailable'): void {
    const lane = this.lanes.get(laneKey);
    if (!lane) return;
    this.append(lane, lane.renderer.end());
    this.closeBlock(lane);
    lane.state = state === 'unavailable' && lane.text.trim() !== '' ? 'ended' : state;
  }

  /** Every lane's stream ended (the Cloud task's one stream). */
  finishAll(state: 'ended' | 'unavailable'): void {
    for (const key of this.lanes.keys()) this.finish(key, state);
  }

  /** Starts a lane over (its agent was continued: a new run with its own log). */
  restart(lane: LaneIdentity): void {
    this.lanes.delete(lane.key);
    this.add(lane);
  }

  /** The run's own answer, read from its details (v1). */
  setAnswer(laneKey: string, text: string | undefined): void {
    const lane = this.lanes.get(laneKey);
    if (lane) lane.answer = text?.slice(-MESSAGE_CHARS);
  }

  get(laneKey: string): LaneLog | undefined {
    const lane = this.lanes.get(laneKey);
    if (!lane) return undefined;
    const message =
      lane.answer !== undefined && lane.answer.trim() !== ''
        ? lane.answer
        : lane.block && lane.block.text.trim() !== ''
          ? lane.block.text
          : lane.message;
    return {
      lines: logTailLines(this.redact(lane.text)),
      ...(message !== undefined && message.trim() !== '' ? { finalMessage: this.redact(message.trim()) } : {}),
      state: lane.state,
    };
  }

  all(): ReadonlyMap<string, LaneLog> {
    const result = new Map<string, LaneLog>();
    for (const key of this.lanes.keys()) {
      const log = this.get(key);
      if (log) result.set(key, log);
    }
    return result;
  }

  private append(lane: LaneState, text: string): void {
    if (text.length === 0) return;
    lane.text = (lane.text + text).slice(-KEPT_CHARS);
  }

  /** The agent's last words: v1 its last text block, Cloud its last response line. */
  private noteMessage(lane: LaneState, event: LogStreamEvent): void {
    if (event.kind === 'text-start') {
      this.closeBlock(lane);
      lane.block = { id: event.blockId, text: '' };
    } else if (event.kind === 'text') {
      if (!lane.block || (event.blockId !== undefined && lane.block.id !== event.blockId)) {
        this.closeBlock(lane);
        lane.block = { id: event.blockId, text: '' };
      }
      lane.block.text = (lane.block.text + event.text).slice(-MESSAGE_CHARS);
    } else if (event.kind === 'log' && event.contentType === 'agentResponse' && event.message.trim() !== '') {
      lane.message = event.message.slice(-MESSAGE_CHARS);
    }
  }

  private closeBlock(lane: LaneState): void {
    if (lane.block && lane.block.text.trim() !== '') lane.message = lane.block.text;
    lane.block = undefined;
  }
}
