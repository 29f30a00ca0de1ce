import type { TaskStatus } from '../tasks/model';

/**
 * The options a log renderer takes and the counts it reports. Kept in their own file so
 * the renderer's file holds only its state and layout; they describe its surface.
 */

export interface LogRendererOptions {
  /** Lines kept from the start and from the end of a tool's output (or a long log message). */
  readonly headLines?: number;
  readonly tailLines?: number;
  /** Longer lines are cut with an ellipsis. */
  readonly maxLineChars?: number;
  /** The run's start, when known before its `start` event (a task's startedAt). */
  readonly startedAt?: number;
  /** The run's end, when already known (replaying a finished task). */
  readonly completedAt?: number;
  /** "Now" for the duration of a run that ends while it is watched; without it and without completedAt no duration is shown. */
  readonly now?: () => number;
  /** IANA zone for times of day (default: the machine's). */
  readonly timeZone?: string;
  /** The status already shown above the log (the header's): only a change is printed. */
  readonly status?: TaskStatus;
  /** Always name the agent in Cloud step headings (multi-agent tasks). */
  readonly showAgents?: boolean;
  /** Tool calls tracked at once; the oldest open one is forgotten beyond this. */
  readonly maxOpenToolCalls?: number;
}

/** What the renderer saw, for the extension's own diagnostics. */
export interface LogRenderStats {
  readonly events: number;
  readonly unknown: number;
  readonly malformed: number;
  /** Unknown event types and how often each came (at most a few dozen types are named). */
  readonly unknownTypes: Readonly<Record<string, number>>;
}
