import { cloudDetails, mapCloudLogMessage, parseCloudTask } from './cloudParsing';
import { ApiError, BadRequestError, isAbortError } from '../http/errors';
import { logStreamSettings, selectedAgents, type HttpTasksApiOptions } from './clientParts';
import type { HttpClient } from '../http/http';
import { systemClock, type Clock } from '../util/clock';
import type { LogStreamEvent } from '../logs/logEvents';
import { indexedLogStream } from '../logs/logStream';
import type { FollowUp, Task, TaskDetails, TaskStatusInfo } from '../tasks/model';
import { isTerminal } from '../tasks/model';
import { cloudStatusFilter, normaliseCloudStatus } from './status';
import type {
  CancelResult,
  ContinueInput,
  ContinuedTask,
  CreateTaskInput,
  CreatedTask,
  ListOptions,
  LogStreamOptions,
  RequestOptions,
  TaskPage,
  TasksApi,
} from './tasksApi';
import { ObjectReader, checkContinueInput, checkCreateInput, clampLimit, readRows } from './validate';
import * as l10n from '@vscode/l10n';

/** The Cloud API (`/api`, `bb_` keys). One task per id; follow-ups rerun the same task. */

const DEFAULT_PAGE_SIZE = 20;

export class CloudTasksApi implements TasksApi {
  readonly kind = 'cloud' as const;
  readonly baseUrl: string;
  private readonly http: HttpClient;
  private readonly clock: Clock;

  constructor(private readonly options: HttpTasksApiOptions) {
    this.http = options.http;
    this.baseUrl = options.http.baseUrl;
    this.clock = options.clock ?? systemClock;
  }

  async list(options: ListOptions = {}): Promise<TaskPage> {
    const offset = options.cursor && 'offset' in options.cursor ? Math.max(0, Math.floor(options.cursor.offset)) : 0;
    const limit = clampLimit(options.limit ?? DEFAULT_PAGE_SIZE);
    const filter = options.status === undefined ? undefined : cloudStatusFilter(options.status);
    // No Cloud task is ever "interrupted": nothing to ask for.
    if (filter === null) return { tasks: [], hasMore: false };
    const body = await this.http.requestJson({
      method: 'GET',
      path: '/api/tasks',
      query: { limit, offset, status: filter },
      signal: options.signal,
    });
    const reader = ObjectReader.of(body);
    const items = reader.array('tasks');
    const read = readRows(items, reader.field('tasks'), parseCloudTask);
    let tasks = read.rows;
    // The server filters coarsely (queued and running are both "active"); narrow to what was asked.
    if (options.status !== undefined) tasks = tasks.filter((task) => task.status === options.status);
    const hasMore = reader.optionalBoolean('hasMore') ?? false;
    const problems = read.problems.length ? { problems: read.problems } : {};
    return hasMore
      ? { tasks, hasMore, next: { offset: offset + items.length }, ...problems }
      : { tasks, hasMore, ...problems };
  }

  async get(id: string, options: RequestOptions = {}): Promise<TaskDetails> {
    const body = await this.http.requestJson({ method: 'GET', path: cloudTaskPath(id), signal: options.signal });
    return cloudDetails(parseCloudTask(taskOf(body)));
  }

  /** The Cloud API has no status endpoint: the task itself is read. */
  async status(id: string, options: RequestOptions = {}): Promise<TaskStatusInfo> {
    const task = await this.get(id, options);
    return {
      id: task.id,
      status: task.status,
      rawStatus: task.rawStatus,
      ...(task.progress !== undefined ? { progress: task.progress } : {}),
      ...(task.error !== undefined ? { error: task.error } : {}),
      ...(task.completedAt !== undefined ? { completedAt: task.completedAt } : {}),
    };
  }

  async create(input: CreateTaskInput, options: RequestOptions = {}): Promise<CreatedTask> {
    checkCreateInput(input);
    const multi = input.agents !== undefined && input.agents.length > 0;
    const requestBody = {
      prompt: input.prompt,
      ...(input.repoUrl ? { repoUrl: input.repoUrl } : {}),
      ...(input.baseBranch ? { selectedBranch: input.baseBranch } : {}),
      ...(multi
        ? { selectedAgents: selectedAgents(input.agents ?? []) }
        : {
            ...(input.agent ? { selectedAgent: input.agent } : {}),
            ...(input.model ? { selectedModel: input.model } : {}),
          }),
    };
    // Never retried: a lost answer must not start a second task.
    const body = await this.http.requestJson({
      method: 'POST',
      path: '/api/tasks',
      body: requestBody,
      signal: options.signal,
      retry: false,
    });
    const parsed = parseCloudTask(taskOf(body));
    const task: Task = {
      ...parsed,
      prompt: parsed.prompt ?? input.prompt,
      ...(parsed.repoUrl === undefined && input.repoUrl ? { repoUrl: input.repoUrl } : {}),
      ...(parsed.createdAt === undefined ? { createdAt: this.clock.now() } : {}),
    };
    return { id: task.id, threadId: task.id, task };
  }

  async continue(id: string, input: ContinueInput, options: RequestOptions = {}): Promise<ContinuedTask> {
    checkContinueInput(input);
    const body = await this.http.requestJson({
      method: 'POST',
      path: `${cloudTaskPath(id)}/continue`,
      body: {
        currentPrompt: input.prompt,
        ...(input.agent ? { selectedAgent: input.agent } : {}),
        ...(input.model ? { selectedModel: input.model } : {}),
      },
      signal: options.signal,
      retry: false,
    });
    if (body !== undefined) {
      const reader = ObjectReader.of(body);
      if (reader.optionalBoolean('success') === false) {
        const said = reader.optionalString('message') ?? reader.optionalErrorText('error');
        throw new ApiError(
          said
            ? l10n.t('The task could not be continued: {0}', this.http.redact(said).slice(0, 200))
            : l10n.t('The task could not be continued.'),
        );
      }
    }
    const task = await this.taskAfterContinue(id, input, options.signal);
    return { id, previousId: id, threadId: id, task };
  }

  async cancel(id: string, options: RequestOptions = {}): Promise<CancelResult> {
    let body: unknown;
    try {
      body = await this.http.requestJson({
        method: 'PATCH',
        path: cloudTaskPath(id),
        body: { action: 'stop' },
        signal: options.signal,
        retry: false,
      });
    } catch (e) {
      // Only processing/saving tasks can be stopped; the refusal is an answer, not a failure.
      if (BadRequestError.is(e) && (e.status === 400 || e.status === 409))
        return { success: false, message: e.userMessage };
      throw e;
    }
    if (body === undefined) return { success: true };
    const reader = ObjectReader.of(body);
    const task = reader.optionalObject('task');
    const message = reader.optionalString('message');
    const rawStatus = task?.optionalString('status');
    return {
      success: reader.optionalBoolean('success') ?? true,
      ...(rawStatus !== undefined ? { status: normaliseCloudStatus(rawStatus).status } : {}),
      ...(message !== undefined ? { message } : {}),
    };
  }

  streamLogs(id: string, options: LogStreamOptions = {}): AsyncIterable<LogStreamEvent> {
    const path = `${cloudTaskPath(id)}/stream`;
    return indexedLogStream(
      (fromIndex, signal) => this.http.openStream({ path, query: { fromIndex, includeStatus: 'true' }, signal }),
      mapCloudLogMessage,
      logStreamSettings(this.options, this.clock, (request) => this.status(id, request), options),
    );
  }

  /**
   * The task as it now stands. A read right after the write may still show the old
   * terminal status, so the task is presented as queued again until a poll says more.
   */
  private async taskAfterContinue(id: string, input: ContinueInput, signal: AbortSignal | undefined): Promise<Task> {
    const followUp: FollowUp = { prompt: input.prompt, createdAt: this.clock.now(), status: 'queued' };
    try {
      const task = await this.get(id, signal ? { signal } : {});
      const { messages: _messages, ...rest } = task;
      const known = rest.followUps ?? [];
      const followUps = known.some((f) => f.prompt === input.prompt) ? known : [...known, followUp];
      return isTerminal(rest.status)
        ? { ...rest, status: 'queued', rawStatus: 'pending', followUps }
        : { ...rest, followUps };
    } catch (e) {
      if (isAbortError(e)) throw e;
      return { id, api: 'cloud', threadId: id, status: 'queued', rawStatus: 'pending', followUps: [followUp] };
    }
  }
}

function cloudTaskPath(id: string): string {
  return `/api/tasks/${encodeURIComponent(id)}`;
}

/** `{ task: {…} }` answers; a bare task object is accepted too. */
function taskOf(body: unknown): ObjectReader {
  const reader = ObjectReader.of(body);
  if (reader.has('task')) return reader.object('task');
  if (reader.has('id')) return reader;
  return reader.object('task');
}
