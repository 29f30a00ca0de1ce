import { NotFoundError } from '../../../src/core/http/errors';
import type { ApiKind, Task, TaskDetails, TaskStatus, TaskStatusInfo } from '../../../src/core/tasks/model';
import type { ListOptions, RequestOptions, TaskPage, TasksApi } from '../../../src/core/api/tasksApi';

/**
 * An in-memory TasksApi for store tests: tasks listed newest first like the real
 * services, every call recorded, any call can be made to fail or to wait until released.
 */

export interface FakeCall {
  readonly method: 'list' | 'get' | 'status';
  readonly id?: string;
  readonly options?: ListOptions;
}

let counter = 0;

/** A task with sensible defaults; `createdAt` decreases with each call so later builders are older. */
export function aTask(overrides: Partial<Task> & { readonly status?: TaskStatus } = {}): Task {
  counter++;
  const status = overrides.status ?? 'completed';
  return {
    id: `run-${counter}`,
    api: 'agent',
    rawStatus: status,
    createdAt: Date.parse('2025-01-01T00:00:00Z') - counter * 60_000,
    model: 'blackboxai/anthropic/claude-sonnet-4.6',
    ...overrides,
    status,
  };
}

export class FakeTasksApi implements TasksApi {
  readonly calls: FakeCall[] = [];
  /** Newest first. */
  tasks: Task[] = [];
  /** Details-only fields per task (what the v1 list lacks). */
  readonly detailsOf = new Map<string, Partial<Task>>();
  /** The next calls of a method fail with these errors, in order. */
  readonly failures: Record<'list' | 'get' | 'status', unknown[]> = { list: [], get: [], status: [] };
  /** While set, calls of that method wait until `release` is called. */
  private readonly gates = new Map<string, (() => void)[]>();
  private readonly held = new Set<string>();
  inFlight = 0;
  maxInFlight = 0;

  constructor(
    readonly kind: ApiKind = 'agent',
    readonly baseUrl = 'http://127.0.0.1:1',
  ) {}

  add(...tasks: Task[]): this {
    for (const task of tasks) {
      const { prompt, repoUrl, baseBranch, createdBranch, error, ...listed } = task;
      this.detailsOf.set(task.id, { prompt, repoUrl, baseBranch, createdBranch, error });
      this.tasks.push(this.kind === 'agent' ? listed : task);
    }
    return this;
  }

  setStatus(id: string, status: TaskStatus, extra: Partial<Task> = {}): void {
    this.tasks = this.tasks.map((task) => (task.id === id ? { ...task, status, rawStatus: status, ...extra } : task));
  }

  hold(method: 'list' | 'get' | 'status'): void {
    this.held.add(method);
  }

  /** Lets every waiting call of the method go on, and stops holding new ones. */
  release(method: 'list' | 'get' | 'status'): void {
    this.held.delete(method);
    for (const go of this.gates.get(method) ?? []) go();
    this.gates.delete(method);
  }

  count(method?: FakeCall['method']): number {
    return method ? this.calls.filter((call) => call.method === method).length : this.calls.length;
  }

  clearCalls(): void {
    this.calls.length = 0;
  }

  async list(options: ListOptions = {}): Promise<TaskPage> {
    this.calls.push({ method: 'list', options });
    return this.run('list', options, () => {
      const limit = options.limit ?? 20;
      const cursor = options.cursor;
      const start = cursor === undefined ? 0 : 'page' in cursor ? (cursor.page - 1) * limit : cursor.offset;
      const tasks = this.tasks.slice(start, start + limit);
      const hasMore = start + limit < this.tasks.length;
      return {
        tasks,
        hasMore,
        ...(hasMore
          ? { next: this.kind === 'agent' ? { page: Math.floor(start / limit) + 2 } : { offset: start + limit } }
          : {}),
      };
    });
  }

  async get(id: string, options: RequestOptions = {}): Promise<TaskDetails> {
    this.calls.push({ method: 'get', id });
    return this.run('get', options, () => {
      const task = this.tasks.find((candidate) => candidate.id === id);
      if (!task) throw new NotFoundError();
      return { ...task, ...definedOnly(this.detailsOf.get(id) ?? {}), messages: [] };
    });
  }

  async status(id: string, options: RequestOptions = {}): Promise<TaskStatusInfo> {
    this.calls.push({ method: 'status', id });
    return this.run('status', options, () => {
      const task = this.tasks.find((candidate) => candidate.id === id);
      if (!task) throw new NotFoundError();
      return { id, status: task.status, rawStatus: task.rawStatus };
    });
  }

  create(): never {
    throw new Error('not used by these tests');
  }

  continue(): never {
    throw new Error('not used by these tests');
  }

  cancel(): never {
    throw new Error('not used by these tests');
  }

  streamLogs(): never {
    throw new Error('not used by these tests');
  }

  private async run<T>(method: 'list' | 'get' | 'status', options: RequestOptions, answer: () => T): Promise<T> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.held.has(method)) {
        await new Promise<void>((resolve, reject) => {
          const list = this.gates.get(method) ?? [];
          list.push(resolve);
          this.gates.set(method, list);
          options.signal?.addEventListener('abort', () => reject(abortError()), { once: true });
        });
      } else {
        await Promise.resolve();
      }
      if (options.signal?.aborted) throw abortError();
      const failure = this.failures[method].shift();
      if (failure !== undefined) throw failure as Error;
      return answer();
    } finally {
      this.inFlight--;
    }
  }
}

function definedOnly(value: Partial<Task>): Partial<Task> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

function abortError(): Error {
  const error = new Error('aborted');
  error.name = 'AbortError';
  return error;
}

/** Lets pending promise callbacks run (no timers involved). */
export async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
