/**
 * One emulated task (a v1 run or a Cloud task): its status over time, its log as it
 * plays out, and the listeners (open streams) that hear about both.
 */
import type { Scheduler } from './scheduler';
import { isActive, isRunning, isTerminal, toRawStatus } from './statuses';
import type {
  AgentExecutionSpec,
  ApiName,
  DiffStatsSpec,
  EmulatedTask,
  FollowUpSpec,
  JsonObject,
  LifecycleStep,
  ScriptedLogEvent,
  TaskSpec,
} from './types';

export type TaskSignal =
  | { readonly kind: 'event'; readonly index: number; readonly event: JsonObject }
  | { readonly kind: 'status' }
  /** The task became terminal: streams send their last words and close. */
  | { readonly kind: 'end' };

export type TaskListener = (signal: TaskSignal) => void;

export const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

export class TaskState implements EmulatedTask {
  readonly id: string;
  readonly api: ApiName;
  status: string;
  prompt: string;
  title?: string;
  taskId?: string;
  chatId?: string;
  previousRunId?: string;
  readonly assistantMessageId: string;
  userMessageId: string;
  repoUrl?: string;
  baseBranch?: string;
  createdBranch?: string;
  prUrl?: string;
  diffStats?: DiffStatsSpec;
  model?: string;
  agent?: string;
  error?: string;
  createdAt: number;
  startedAt?: number;
  completedAt?: number;
  updatedAt: number;
  assistantText?: string;
  batchId?: string;
  creatorName?: string;
  expectedDurationMs: number;
  readonly followUps: FollowUpSpec[] = [];
  agents: AgentExecutionSpec[] = [];
  inMemory = true;
  /** Emitted events; `firstIndex` counts those dropped to keep memory bounded. */
  private readonly emitted: JsonObject[] = [];
  firstIndex = 0;
  private script: ScriptedLogEvent[] = [];
  private scriptStarted = false;
  afterLog: LifecycleStep[] = [];
  private readonly cancels = new Set<() => void>();
  private readonly listeners = new Set<TaskListener>();

  constructor(
    spec: TaskSpec,
    id: string,
    private readonly scheduler: Scheduler,
    private readonly maxEvents: number,
  ) {
    const now = scheduler.now();
    this.id = id;
    this.api = spec.api;
    this.status = toRawStatus(spec.api, spec.status);
    this.prompt = spec.prompt;
    this.title = spec.title;
    this.taskId = spec.api === 'agent' ? (spec.taskId ?? id) : undefined;
    this.chatId = spec.chatId;
    this.previousRunId = spec.previousRunId;
    const tail = id.replace(/[^A-Za-z0-9]/g, '').slice(-12);
    this.assistantMessageId = `msg_${tail}_a`;
    this.userMessageId = `msg_${tail}_u`;
    this.repoUrl = spec.repoUrl;
    this.baseBranch = spec.baseBranch ?? (spec.repoUrl ? 'main' : undefined);
    this.createdBranch = spec.createdBranch;
    this.prUrl = spec.prUrl;
    this.diffStats = spec.diffStats;
    this.model = spec.model;
    this.agent = spec.agent;
    this.error = spec.error;
    this.createdAt = spec.createdAt ?? now - (spec.createdAgoMs ?? 0);
    this.updatedAt = this.createdAt;
    this.assistantText = spec.assistantText;
    this.batchId = spec.batchId;
    this.creatorName = spec.creatorName;
    this.expectedDurationMs = spec.expectedDurationMs ?? 5 * 60_000;
    this.followUps.push(...(spec.followUps ?? []));
    this.agents = [...(spec.agents ?? [])];
    this.script = [...(spec.log ?? [])];
    this.afterLog = spec.afterLog ? [...spec.afterLog] : spec.onLogEnd ? [{ afterMs: 0, ...spec.onLogEnd }] : [];
    if (isRunning(this.api, this.status) || isTerminal(this.api, this.status)) {
      this.startedAt = spec.startedAt ?? Math.min(now, this.createdAt + 2_000);
    }
    if (isTerminal(this.api, this.status)) {
      this.completedAt =
        spec.completedAt ?? Math.max(this.startedAt ?? this.createdAt, Math.min(now, this.createdAt + 4 * 60_000));
      this.updatedAt = this.completedAt;
      this.inMemory = false;
    }
  }

  /** Starts time moving for this task: already-persisted log, running script, lifecycle. */
  begin(lifecycle: readonly LifecycleStep[] = []): void {
    if (isTerminal(this.api, this.status)) {
      // Persisted history: timestamps spread over the run, not "now".
      const start = this.startedAt ?? this.createdAt;
      const span = Math.max(0, (this.completedAt ?? start) - start);
      const count = Math.max(1, this.script.length);
      this.script.forEach((step, i) => this.emit(step.event, start + Math.floor((span * i) / count)));
      this.script = [];
      this.emitEndEvents();
    } else if (isRunning(this.api, this.status)) {
      this.startScript(false);
    }
    let delay = 0;
    for (const step of lifecycle) {
      delay += step.afterMs;
      this.later(delay, () => this.applyStep(step));
    }
  }

  get events(): readonly JsonObject[] {
    return this.emitted;
  }

  /** Index of the next event to be emitted (Cloud `totalLogs`). */
  get nextIndex(): number {
    return this.firstIndex + this.emitted.length;
  }

  get remainingScript(): number {
    return this.script.length;
  }

  subscribe(listener: TaskListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Adds more script (a Cloud follow-up); plays at once when the task is running. */
  appendScript(events: readonly ScriptedLogEvent[], afterLog: readonly LifecycleStep[]): void {
    this.script.push(...events);
    this.afterLog = [...afterLog];
    this.scriptStarted = false;
  }

  emit(event: JsonObject, at = this.scheduler.now()): void {
    const stamped = this.stamp(event, at);
    this.emitted.push(stamped);
    if (this.emitted.length > this.maxEvents) {
      this.emitted.shift();
      this.firstIndex++;
    }
    this.updatedAt = this.scheduler.now();
    this.notify({ kind: 'event', index: this.nextIndex - 1, event: stamped });
  }

  /** Moves to `status` (raw or normalised); terminal statuses end the run and its streams. */
  setStatus(status: string, extra: Partial<Omit<LifecycleStep, 'afterMs' | 'status'>> = {}): void {
    const raw = toRawStatus(this.api, status);
    if (extra.error !== undefined) this.error = extra.error;
    if (extra.createdBranch !== undefined) this.createdBranch = extra.createdBranch;
    if (extra.prUrl !== undefined) this.prUrl = extra.prUrl;
    if (extra.diffStats !== undefined) this.diffStats = extra.diffStats;
    const wasRunning = isRunning(this.api, this.status);
    const wasTerminal = isTerminal(this.api, this.status);
    this.status = raw;
    if (raw !== 'pending') this.syncAgents(raw);
    const now = this.scheduler.now();
    this.updatedAt = now;
    if (isRunning(this.api, raw)) {
      if (!wasRunning) {
        this.startedAt ??= now;
        this.completedAt = undefined;
        this.inMemory = true;
        this.notify({ kind: 'status' });
        this.startScript(true);
        return;
      }
    } else if (isTerminal(this.api, raw) && !wasTerminal) {
      this.completedAt = now;
      this.cancelTimers();
      this.script = [];
      this.notify({ kind: 'status' });
      this.emitEndEvents();
      this.notify({ kind: 'end' });
      return;
    } else if (isActive(this.api, raw)) {
      this.completedAt = undefined;
    }
    this.notify({ kind: 'status' });
  }

  /** Linear estimate from elapsed time, as the v1 /status endpoint does. */
  progress(): number {
    if (this.status === 'completed') return 100;
    if (!isRunning(this.api, this.status) || this.startedAt === undefined) return 0;
    const elapsed = this.scheduler.now() - this.startedAt;
    return Math.max(1, Math.min(99, Math.floor((elapsed / this.expectedDurationMs) * 100)));
  }

  /** The assistant's reply so far: the scripted text or the text deltas. */
  replyText(): string {
    if (this.assistantText !== undefined) return this.assistantText;
    let text = '';
    for (const event of this.emitted) {
      if (event.type === 'text-start' && text !== '') text += '\n\n';
      if (event.type === 'text-delta' && typeof event.delta === 'string') text += event.delta;
    }
    return text;
  }

  dispose(): void {
    this.cancelTimers();
    this.listeners.clear();
  }

  private stamp(event: JsonObject, at: number): JsonObject {
    if (this.api === 'cloud') {
      return event.timestamp === undefined ? { ...event, timestamp: iso(at) } : event;
    }
    if ((event.type === 'start' || event.type === 'finish' || event.type === 'resume') && event.runId === undefined) {
      return { ...event, runId: this.id };
    }
    return event;
  }

  private emitEndEvents(): void {
    if (this.api !== 'agent') return;
    const last = this.emitted[this.emitted.length - 1];
    if (last?.type === 'finish') return;
    if (this.status === 'failed') this.emit({ type: 'error', errorText: this.error ?? 'The agent run failed' });
    this.emit({ type: 'finish', status: this.status });
  }

  private startScript(announce: boolean): void {
    if (this.scriptStarted) return;
    this.scriptStarted = true;
    if (this.api === 'agent' && (announce || !this.emitted.some((e) => e.type === 'start'))) {
      this.emit({ type: 'start', startedAt: iso(this.startedAt ?? this.scheduler.now()) });
    }
    this.playNext();
  }

  private playNext(): void {
    const next = this.script[0];
    if (!next) {
      this.runAfterLog();
      return;
    }
    const run = () => {
      this.script.shift();
      this.emit(next.event);
      this.playNext();
    };
    const delay = next.delayMs ?? 0;
    if (delay <= 0) run();
    else this.later(delay, run);
  }

  private runAfterLog(): void {
    const steps = this.afterLog;
    this.afterLog = [];
    let delay = 0;
    for (const step of steps) {
      delay += step.afterMs;
      if (delay <= 0) this.applyStep(step);
      else this.later(delay, () => this.applyStep(step));
    }
  }

  private applyStep(step: LifecycleStep): void {
    if (isTerminal(this.api, this.status)) return;
    const { status, agent, ...extra } = step;
    if (agent !== undefined) this.setAgentStatus(agent, status, extra);
    else this.setStatus(status, extra);
  }

  /**
   * One agent of a multi-agent Cloud task moves on its own; the task follows its agents: once
   * every one has finished it completes (with the first successful agent's branch, PR and diff)
   * when any completed, and fails otherwise.
   */
  setAgentStatus(agent: string, status: string, extra: Partial<Omit<LifecycleStep, 'afterMs' | 'status'>> = {}): void {
    const index = this.agents.findIndex((a) => a.agent === agent && !(a.status && isTerminal(this.api, a.status)));
    const current = this.agents[index];
    if (!current) return;
    const raw = toRawStatus(this.api, status);
    const now = this.scheduler.now();
    this.agents[index] = {
      ...current,
      status: raw,
      startedAt: current.startedAt ?? (isRunning(this.api, raw) || isTerminal(this.api, raw) ? now : undefined),
      ...(isTerminal(this.api, raw) ? { completedAt: now } : {}),
      ...(extra.createdBranch !== undefined ? { branchName: extra.createdBranch } : {}),
      ...(extra.error !== undefined ? { error: extra.error } : {}),
      ...(extra.prUrl !== undefined ? { prUrl: extra.prUrl } : {}),
      ...(extra.diffStats !== undefined ? { diffStats: extra.diffStats } : {}),
    };
    this.updatedAt = now;
    this.notify({ kind: 'status' });
    if (!this.agents.every((a) => a.status !== undefined && isTerminal(this.api, a.status))) return;
    const done = this.agents.find((a) => a.status === 'completed');
    if (done)
      this.setStatus('completed', {
        ...(done.branchName ? { createdBranch: done.branchName } : {}),
        ...(done.prUrl ? { prUrl: done.prUrl } : {}),
        ...(done.diffStats ? { diffStats: done.diffStats } : {}),
      });
    else this.setStatus('error', { error: this.agents.find((a) => a.error)?.error ?? 'Every agent failed' });
  }

  /** Multi-agent executions and the latest follow-up move with the task. */
  private syncAgents(raw: string): void {
    const now = this.scheduler.now();
    this.agents = this.agents.map((a) => {
      if (a.status && isTerminal(this.api, a.status)) return a;
      const branchName =
        raw === 'completed' && this.createdBranch && !a.branchName ? `${this.createdBranch}-${a.agent}` : a.branchName;
      const started = isRunning(this.api, raw) || isTerminal(this.api, raw);
      return {
        ...a,
        status: raw,
        branchName,
        ...(started && a.startedAt === undefined ? { startedAt: now } : {}),
        ...(isTerminal(this.api, raw) ? { completedAt: now } : {}),
      };
    });
    const last = this.followUps[this.followUps.length - 1];
    if (last && (last.status === undefined || isActive(this.api, last.status))) {
      this.followUps[this.followUps.length - 1] = { ...last, status: raw };
    }
  }

  private later(ms: number, fn: () => void): void {
    const cancel = this.scheduler.after(ms, () => {
      this.cancels.delete(cancel);
      fn();
    });
    this.cancels.add(cancel);
  }

  private cancelTimers(): void {
    for (const cancel of this.cancels) cancel();
    this.cancels.clear();
  }

  private notify(signal: TaskSignal): void {
    for (const listener of [...this.listeners]) listener(signal);
  }
}
