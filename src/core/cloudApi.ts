import { ApiError, BadRequestError, isAbortError } from './errors';
import { HttpTasksApiBase } from './httpTasksApiBase';
import type { LogEvent, LogStreamEvent } from './logEvents';
import { indexedLogStream } from './logStream';
import type { DecodedMessage } from './logStream';
import type { AgentRun, ChatMessage, DiffStats, FollowUp, Task, TaskDetails, TaskStatusInfo } from './model';
import { isTerminal } from './model';
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
import { ObjectReader, checkContinueInput, checkCreateInput, clampLimit, isJsonObject } from './validate';

/** The Cloud API (`/api`, `bb_` keys). One task per id; follow-ups rerun the same task. */

const DEFAULT_PAGE_SIZE = 20;

export class CloudTasksApi extends HttpTasksApiBase implements TasksApi {
  readonly kind = 'cloud' as const;

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
    const items = reader.objects('tasks', true);
    let tasks = items.map(parseCloudTask);
    // The server filters coarsely (queued and running are both "active"); narrow to what was asked.
    if (options.status !== undefined) tasks = tasks.filter((task) => task.status === options.status);
    const hasMore = reader.optionalBoolean('hasMore') ?? false;
    return hasMore ? { tasks, hasMore, next: { offset: offset + items.length } } : { tasks, hasMore };
  }

  async get(id: string, options: RequestOptions = {}): Promise<TaskDetails> {
    const body = await this.http.requestJson({ method: 'GET', path: taskPath(id), signal: options.signal });
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
        ? {
            selectedAgents: (input.agents ?? []).map((choice) => ({
              agent: choice.agent,
              ...(choice.model ? { model: choice.model } : {}),
            })),
          }
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
      path: `${taskPath(id)}/continue`,
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
        throw new ApiError(`The task could not be continued${said ? `: ${this.http.redact(said).slice(0, 200)}` : '.'}`);
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
        path: taskPath(id),
        body: { action: 'stop' },
        signal: options.signal,
        retry: false,
      });
    } catch (e) {
      // Only processing/saving tasks can be stopped; the refusal is an answer, not a failure.
      if (BadRequestError.is(e) && (e.status === 400 || e.status === 409)) return { success: false, message: e.userMessage };
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
    const path = `${taskPath(id)}/stream`;
    return indexedLogStream(
      (fromIndex, signal) => this.http.openStream({ path, query: { fromIndex, includeStatus: 'true' }, signal }),
      mapCloudLogMessage,
      this.logStreamSettings(id, options),
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
      return isTerminal(rest.status) ? { ...rest, status: 'queued', rawStatus: 'pending', followUps } : { ...rest, followUps };
    } catch (e) {
      if (isAbortError(e)) throw e;
      return { id, api: 'cloud', threadId: id, status: 'queued', rawStatus: 'pending', followUps: [followUp] };
    }
  }
}

function taskPath(id: string): string {
  return `/api/tasks/${encodeURIComponent(id)}`;
}

/** `{ task: {…} }` answers; a bare task object is accepted too. */
function taskOf(body: unknown): ObjectReader {
  const reader = ObjectReader.of(body);
  if (reader.has('task')) return reader.object('task');
  if (reader.has('id')) return reader;
  return reader.object('task');
}

export function parseCloudTask(reader: ObjectReader): Task {
  const id = reader.string('id');
  const prompt = reader.optionalText('prompt');
  const title = reader.optionalText('title');
  const repoUrl = reader.optionalText('repoUrl');
  const agent = reader.optionalText('selectedAgent');
  const model = reader.optionalText('selectedModel');
  const baseBranch = reader.optionalText('selectedBranch');
  const createdBranch = reader.optionalText('branchName');
  const pullRequestUrl = reader.optionalText('prUrl');
  const error = reader.optionalErrorText('error');
  const progress = reader.optionalNumber('progress');
  const createdAt = reader.optionalTimestamp('createdAt');
  const updatedAt = reader.optionalTimestamp('updatedAt');
  const completedAt = reader.optionalTimestamp('completedAt');
  const startedAt = reader.optionalTimestamp('startedAt');
  const diffStats = parseDiffStats(reader.optionalObject('diffStats'));
  const followUps = parseFollowUps(reader);
  const agentRuns = reader.objects('agentExecutions').map(parseAgentRun);
  return {
    id,
    api: 'cloud',
    threadId: id,
    ...normaliseCloudStatus(reader.optionalString('status')),
    ...(prompt !== undefined ? { prompt } : {}),
    ...(title !== undefined ? { title } : {}),
    ...(model !== undefined ? { model } : {}),
    ...(agent !== undefined ? { agent } : {}),
    ...(repoUrl !== undefined ? { repoUrl } : {}),
    ...(baseBranch !== undefined ? { baseBranch } : {}),
    ...(createdBranch !== undefined ? { createdBranch } : {}),
    ...(pullRequestUrl !== undefined ? { pullRequestUrl } : {}),
    ...(diffStats !== undefined ? { diffStats } : {}),
    ...(error !== undefined ? { error } : {}),
    ...(progress !== undefined ? { progress } : {}),
    ...(createdAt !== undefined ? { createdAt } : {}),
    ...(startedAt !== undefined ? { startedAt } : {}),
    ...(completedAt !== undefined ? { completedAt } : {}),
    ...(updatedAt !== undefined ? { updatedAt } : {}),
    ...(followUps.length > 0 ? { followUps } : {}),
    ...(agentRuns.length > 0 ? { agentRuns } : {}),
  };
}

/** The conversation of a Cloud task: its prompt, then each follow-up. */
function cloudDetails(task: Task): TaskDetails {
  const messages: ChatMessage[] = [];
  if (task.prompt !== undefined) {
    messages.push({ role: 'user', parts: [{ type: 'text', text: task.prompt }], ...(task.createdAt !== undefined ? { createdAt: task.createdAt } : {}) });
  }
  for (const followUp of task.followUps ?? []) {
    messages.push({
      role: 'user',
      parts: [{ type: 'text', text: followUp.prompt }],
      ...(followUp.createdAt !== undefined ? { createdAt: followUp.createdAt } : {}),
    });
  }
  return { ...task, messages };
}

function parseDiffStats(reader: ObjectReader | undefined): DiffStats | undefined {
  if (!reader) return undefined;
  return {
    filesChanged: reader.optionalNumber('totalFilesChanged') ?? 0,
    linesAdded: reader.optionalNumber('totalLinesAdded') ?? 0,
    linesRemoved: reader.optionalNumber('totalLinesRemoved') ?? 0,
  };
}

/** `followupMessages`: plain strings or objects with the prompt under one of a few names. */
function parseFollowUps(reader: ObjectReader): FollowUp[] {
  const items = reader.optionalArray('followupMessages') ?? [];
  const followUps: FollowUp[] = [];
  items.forEach((item, index) => {
    if (typeof item === 'string') {
      followUps.push({ prompt: item });
      return;
    }
    const entry = ObjectReader.of(item, `${reader.field('followupMessages')}[${index}]`);
    const prompt =
      entry.optionalString('prompt') ?? entry.optionalString('message') ?? entry.optionalString('content') ?? entry.optionalString('text');
    if (prompt === undefined) return;
    const createdAt = entry.optionalTimestamp('createdAt') ?? entry.optionalTimestamp('timestamp');
    const rawStatus = entry.optionalString('status');
    followUps.push({
      prompt,
      ...(createdAt !== undefined ? { createdAt } : {}),
      ...(rawStatus !== undefined ? { status: normaliseCloudStatus(rawStatus).status } : {}),
    });
  });
  return followUps;
}

function parseAgentRun(reader: ObjectReader): AgentRun {
  const model = reader.optionalText('model');
  const branch = reader.optionalText('branchName');
  const error = reader.optionalErrorText('error');
  return {
    agent: reader.optionalText('agent') ?? 'agent',
    ...normaliseCloudStatus(reader.optionalString('status')),
    ...(model !== undefined ? { model } : {}),
    ...(branch !== undefined ? { branch } : {}),
    ...(error !== undefined ? { error } : {}),
  };
}

/** One Cloud stream event (`connected`, `log`, `status`, `complete`, `error`, …) as a log event. */
export function mapCloudLogMessage(event: string | undefined, data: unknown): DecodedMessage {
  if (!isJsonObject(data)) return { kind: 'malformed' };
  const text = (object: Readonly<Record<string, unknown>>, key: string): string | undefined =>
    typeof object[key] === 'string' ? (object[key] as string) : undefined;
  switch (event) {
    case 'connected':
      return { kind: 'connection' };
    case 'log': {
      const log = isJsonObject(data['log']) ? data['log'] : data;
      const message = text(log, 'message');
      if (message === undefined) return { kind: 'malformed' };
      const index = data['index'];
      const contentType = text(log, 'contentType');
      const step = text(log, 'step');
      const agent = text(log, 'agent');
      const timestamp = timestampOf(log['timestamp']);
      const logEvent: LogEvent = {
        kind: 'log',
        level: text(log, 'type') ?? 'info',
        message,
        ...(contentType !== undefined ? { contentType } : {}),
        ...(step !== undefined ? { step } : {}),
        ...(agent !== undefined ? { agent } : {}),
        ...(timestamp !== undefined ? { timestamp } : {}),
      };
      return typeof index === 'number' && Number.isInteger(index) && index >= 0
        ? { kind: 'event', event: logEvent, index }
        : { kind: 'event', event: logEvent };
    }
    case 'status': {
      const rawStatus = text(data, 'status');
      if (rawStatus === undefined) return { kind: 'malformed' };
      const error = text(data, 'error');
      return { kind: 'event', event: { kind: 'status', ...normaliseCloudStatus(rawStatus), ...(error ? { error } : {}) } };
    }
    case 'complete': {
      const rawStatus = text(data, 'status');
      return {
        kind: 'event',
        event:
          rawStatus === undefined
            ? { kind: 'finish', status: 'unknown' }
            : { kind: 'finish', status: normaliseCloudStatus(rawStatus).status, rawStatus },
      };
    }
    case 'error':
      return { kind: 'event', event: { kind: 'error', message: text(data, 'error') ?? text(data, 'message') ?? 'The log stream failed.' } };
    default:
      return { kind: 'event', event: { kind: 'unknown', type: event ?? text(data, 'type') ?? 'message' } };
  }
}

function timestampOf(value: unknown): number | undefined {
  try {
    return ObjectReader.of({ value }).optionalTimestamp('value');
  } catch {
    return undefined;
  }
}
