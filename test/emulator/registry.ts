/**
 * All tasks the emulator holds, for both APIs, with the semantics of creating and
 * continuing them (new runs in a chat for v1, follow-ups appended for Cloud), and
 * bounds so a long-running demo does not grow without limit.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { cloudRunLog, defaultCloudLines, defaultRunSteps, scriptedRunLog, slugForBranch } from './logScripts';
import type { Scheduler } from './scheduler';
import { isActive, isTerminal, toRawStatus } from './statuses';
import { TaskState } from './taskState';
import type { AgentExecutionSpec, ApiName, LifecycleStep, TaskSpec } from './types';

export interface Timing {
  /** queued → running, ms. */
  readonly queueMs: number;
  /** Between generated log events, ms. */
  readonly eventMs: number;
  /** Cloud: saving → completed, ms. */
  readonly savingMs: number;
}

export const DEFAULT_TIMING: Timing = { queueMs: 2_000, eventMs: 600, savingMs: 1_500 };

export interface RegistryLimits {
  readonly maxTasksPerApi: number;
  readonly maxEventsPerTask: number;
}

export function cloudId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return Array.from(randomBytes(12), (b) => alphabet[b % alphabet.length]).join('');
}

export interface NewRunInput {
  readonly prompt: string;
  readonly repoUrl?: string;
  readonly baseBranch?: string;
  readonly model?: string;
  readonly agent?: string;
  readonly chatId?: string;
  readonly previousRunId?: string;
  /** v1 multi-agent siblings share the user message … */
  readonly userMessageId?: string;
  /** … and a taskId of their own (a single run's taskId is its runId). */
  readonly taskId?: string;
  /** v1 multi-agent: appended to the branch name, so each agent pushes its own branch. */
  readonly branchSuffix?: string;
  /** Epoch ms; default now (siblings are created one after another, a millisecond apart). */
  readonly createdAt?: number;
}

export class TaskRegistry {
  private readonly tasks = new Map<string, TaskState>();
  private sequence = 0;
  private readonly order = new Map<string, number>();
  readonly chatTitles = new Map<string, string>();

  constructor(
    private readonly scheduler: Scheduler,
    public timing: Timing,
    private readonly limits: RegistryLimits,
  ) {}

  add(spec: TaskSpec): TaskState {
    const id = spec.id ?? (spec.api === 'agent' ? randomUUID() : cloudId());
    if (this.tasks.has(id)) throw new Error(`Emulator already has a task with id ${id}`);
    const task = new TaskState(spec, id, this.scheduler, this.limits.maxEventsPerTask);
    if (task.api === 'agent') {
      task.chatId ??= spec.previousRunId ? (this.tasks.get(spec.previousRunId)?.chatId ?? randomUUID()) : randomUUID();
      if (spec.title !== undefined) this.chatTitles.set(task.chatId, spec.title);
    }
    this.tasks.set(id, task);
    this.order.set(id, this.sequence++);
    task.begin(spec.lifecycle);
    this.evict(task.api);
    return task;
  }

  /** The emulator clock, epoch ms. */
  now(): number {
    return this.scheduler.now();
  }

  get(id: string): TaskState | undefined {
    return this.tasks.get(id);
  }

  /** Newest first (by createdAt, then by insertion). */
  list(api: ApiName): TaskState[] {
    return [...this.tasks.values()]
      .filter((t) => t.api === api)
      .sort((a, b) => b.createdAt - a.createdAt || (this.order.get(b.id) ?? 0) - (this.order.get(a.id) ?? 0));
  }

  /** Every run of a v1 chat, oldest first. */
  chatRuns(chatId: string): TaskState[] {
    return this.list('agent')
      .filter((t) => t.chatId === chatId)
      .reverse();
  }

  /** A created v1 run: queued, then running a generated log, then completed with a branch when it has a repo. */
  createRun(input: NewRunInput): TaskState {
    const branch = input.repoUrl ? `${slugForBranch(input.prompt)}${input.branchSuffix ?? ''}` : undefined;
    const previous = input.previousRunId ? this.tasks.get(input.previousRunId) : undefined;
    const run = this.add({
      api: 'agent',
      prompt: input.prompt,
      status: 'queued',
      repoUrl: input.repoUrl ?? previous?.repoUrl,
      baseBranch: input.baseBranch ?? previous?.baseBranch,
      model: input.model ?? previous?.model,
      agent: input.agent ?? previous?.agent,
      taskId: input.taskId,
      createdAt: input.createdAt,
      chatId: input.chatId,
      previousRunId: input.previousRunId,
      log: scriptedRunLog({
        steps: defaultRunSteps(input.prompt, input.repoUrl ?? previous?.repoUrl, previous?.createdBranch ?? branch),
        paceMs: this.timing.eventMs,
        seed: randomBytes(3).toString('hex'),
      }),
      lifecycle: [{ afterMs: this.timing.queueMs, status: 'running' }],
      onLogEnd: { status: 'completed', createdBranch: previous?.createdBranch ?? branch },
      expectedDurationMs: this.timing.eventMs * 20,
    });
    if (input.userMessageId) run.userMessageId = input.userMessageId;
    return run;
  }

  /**
   * A created Cloud task: pending → processing (log plays) → saving → completed with branch and PR.
   * With several agents, their log lines interleave (they work side by side, each line naming its
   * agent) and each agent's execution completes, with its own branch, PR and diff, at its last line.
   */
  createCloudTask(input: NewRunInput & { readonly agents?: readonly AgentExecutionSpec[] }): TaskState {
    const branch = input.repoUrl ? slugForBranch(input.prompt) : undefined;
    const agents = input.agents ?? [];
    const agentBranch = (index: number, agent: string) =>
      branch && `${branch}-${agent}${agents.slice(0, index).some((a) => a.agent === agent) ? `-${index + 1}` : ''}`;
    const perAgent = agents.map((a, index) =>
      cloudRunLog(defaultCloudLines(input.prompt, input.repoUrl, agentBranch(index, a.agent)), {
        agent: a.agent,
        paceMs: this.timing.eventMs,
      }),
    );
    const log =
      agents.length > 0
        ? interleave(perAgent)
        : cloudRunLog(defaultCloudLines(input.prompt, input.repoUrl, branch), {
            agent: input.agent ?? 'blackbox',
            paceMs: this.timing.eventMs,
          });
    const repoPath = input.repoUrl?.replace(/^https:\/\/github\.com\//, '').replace(/\.git$/, '');
    const agentSteps: LifecycleStep[] = [];
    let previousAt = this.timing.queueMs;
    agents.forEach((a, index) => {
      // The agent's last line is event number lines × agents − (agents − index − 1); each event follows the previous by eventMs.
      const lines = perAgent[index]?.length ?? 0;
      const at = this.timing.queueMs + (lines * agents.length - (agents.length - index - 1)) * this.timing.eventMs + 1;
      const agentBranchName = agentBranch(index, a.agent);
      agentSteps.push({
        afterMs: at - previousAt,
        agent: a.agent,
        status: 'completed',
        createdBranch: agentBranchName,
        prUrl: agentBranchName && repoPath ? `https://github.com/${repoPath}/pull/${200 + index}` : undefined,
        diffStats: agentBranchName
          ? { totalLinesAdded: 30 + 11 * index, totalLinesRemoved: 4 + index, totalFilesChanged: 2 + index }
          : undefined,
      });
      previousAt = at;
    });
    const task = this.add({
      api: 'cloud',
      prompt: input.prompt,
      status: 'pending',
      repoUrl: input.repoUrl,
      baseBranch: input.baseBranch ?? 'main',
      model: input.model ?? 'blackboxai/blackbox-pro',
      agent: input.agent ?? 'blackbox',
      agents: agents.map((a) => ({ ...a, status: 'pending', branchName: null, error: null })),
      batchId: agents.length > 0 ? cloudId() : undefined,
      log,
      lifecycle: [{ afterMs: this.timing.queueMs, status: 'processing' }, ...agentSteps],
      expectedDurationMs: this.timing.eventMs * (log.length + 2),
      creatorName: 'Demo User',
    });
    task.afterLog = this.cloudFinish(task, branch);
    return task;
  }

  /** Cloud follow-up: appended to followupMessages, the task runs again. */
  continueCloudTask(task: TaskState, prompt: string, agent?: string, model?: string): void {
    if (agent) task.agent = agent;
    if (model) task.model = model;
    task.followUps.push({ prompt, createdAt: this.scheduler.now(), status: 'processing' });
    const lines = defaultCloudLines(prompt, undefined, task.createdBranch).slice(1);
    task.appendScript(
      cloudRunLog(lines, { agent: task.agent, paceMs: this.timing.eventMs }),
      this.cloudFinish(task, task.createdBranch),
    );
    task.startedAt = this.scheduler.now();
    task.error = undefined;
    task.setStatus('processing');
  }

  /** What a server restart does: live v1 runs are lost (interrupted), nothing is in memory. */
  restart(): void {
    for (const task of this.tasks.values()) {
      if (task.api === 'agent' && isActive('agent', task.status)) task.setStatus('interrupted');
      if (task.api === 'agent') task.inMemory = false;
    }
  }

  setStatus(id: string, status: string): void {
    const task = this.tasks.get(id);
    if (!task) throw new Error(`Emulator has no task ${id}`);
    task.setStatus(toRawStatus(task.api, status));
  }

  dispose(): void {
    for (const task of this.tasks.values()) task.dispose();
    this.tasks.clear();
  }

  private cloudFinish(task: TaskState, branch: string | undefined): LifecycleStep[] {
    const prNumber = 100 + (this.sequence % 900);
    const repoPath = task.repoUrl?.replace(/^https:\/\/github\.com\//, '').replace(/\.git$/, '');
    return [
      { afterMs: 0, status: 'saving' },
      {
        afterMs: this.timing.savingMs,
        status: 'completed',
        createdBranch: branch,
        prUrl: branch && repoPath ? `https://github.com/${repoPath}/pull/${prNumber}` : undefined,
        diffStats: branch ? { totalLinesAdded: 42, totalLinesRemoved: 7, totalFilesChanged: 3 } : undefined,
      },
    ];
  }

  /** Forgets the oldest finished tasks beyond the limit. */
  private evict(api: ApiName): void {
    const all = this.list(api);
    let excess = all.length - this.limits.maxTasksPerApi;
    for (let i = all.length - 1; i >= 0 && excess > 0; i--) {
      const task = all[i];
      if (!task || !isTerminal(api, task.status)) continue;
      task.dispose();
      this.tasks.delete(task.id);
      this.order.delete(task.id);
      excess--;
    }
  }
}

/** Round-robin: the first event of each list, then the second of each, … */
function interleave<T>(lists: readonly (readonly T[])[]): T[] {
  const result: T[] = [];
  const longest = Math.max(0, ...lists.map((list) => list.length));
  for (let i = 0; i < longest; i++) for (const list of lists) if (i < list.length) result.push(list[i]);
  return result;
}
