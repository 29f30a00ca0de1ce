import { mapAgentLogMessage, parseAgentDetails, parseAgentTask } from './agentParsing';
import { InvalidInputError } from '../http/errors';
import { titleProblem } from '../tasks/rename';
import { logStreamSettings, selectedAgents, type HttpTasksApiOptions } from './clientParts';
import type { HttpClient } from '../http/http';
import { systemClock, type Clock } from '../util/clock';
import type { LogStreamEvent } from '../logs/logEvents';
import { replayingLogStream } from '../logs/logStream';
import type { Task, TaskDetails, TaskStatusInfo } from '../tasks/model';
import { agentStatusFilter, normaliseAgentStatus } from './status';
import type {
  CancelResult,
  ContinueInput,
  ContinuedTask,
  CreateTaskInput,
  CreatedTask,
  ListOptions,
  LogStreamOptions,
  RenameResult,
  RequestOptions,
  TaskPage,
  TasksApi,
} from './tasksApi';
import { ObjectReader, checkContinueInput, checkCreateInput, clampLimit, readRows } from './validate';
import * as l10n from '@vscode/l10n';

/** The Agent API v1 (`/api/v1`, `sk-` keys). */

const DEFAULT_PAGE_SIZE = 20;
/** Prompts learnt from creation or details, so list rows (which carry none) can show one. */
const MAX_REMEMBERED_PROMPTS = 1000;

export class AgentTasksApi implements TasksApi {
  readonly kind = 'agent' as const;
  readonly baseUrl: string;
  private readonly http: HttpClient;
  private readonly clock: Clock;
  private readonly prompts = new Map<string, string>();

  constructor(private readonly options: HttpTasksApiOptions) {
    this.http = options.http;
    this.baseUrl = options.http.baseUrl;
    this.clock = options.clock ?? systemClock;
  }

  async list(options: ListOptions = {}): Promise<TaskPage> {
    const page = options.cursor && 'page' in options.cursor ? Math.max(1, Math.floor(options.cursor.page)) : 1;
    const limit = clampLimit(options.limit ?? DEFAULT_PAGE_SIZE);
    const status = options.status === undefined ? undefined : agentStatusFilter(options.status);
    const body = await this.http.requestJson({
      method: 'GET',
      path: '/api/v1/tasks',
      query: { page, limit, status },
      signal: options.signal,
    });
    const reader = ObjectReader.of(body);
    const read = readRows(reader.array('tasks'), reader.field('tasks'), parseAgentTask);
    let tasks = read.rows.map((task) => this.withKnownPrompt(task));
    // v1 cannot filter by "unknown"; filter here so the caller gets what it asked for.
    if (options.status === 'unknown') tasks = tasks.filter((task) => task.status === 'unknown');
    const hasMore = reader.optionalBoolean('hasMore') ?? false;
    const echoedPage = reader.optionalNumber('page') ?? page;
    const problems = read.problems.length ? { problems: read.problems } : {};
    return hasMore ? { tasks, hasMore, next: { page: echoedPage + 1 }, ...problems } : { tasks, hasMore, ...problems };
  }

  async get(id: string, options: RequestOptions = {}): Promise<TaskDetails> {
    const body = await this.http.requestJson({ method: 'GET', path: agentTaskPath(id), signal: options.signal });
    const details = parseAgentDetails(ObjectReader.of(body));
    if (details.prompt !== undefined) this.rememberPrompt(details.id, details.prompt);
    return details;
  }

  async status(id: string, options: RequestOptions = {}): Promise<TaskStatusInfo> {
    const body = await this.http.requestJson({
      method: 'GET',
      path: `${agentTaskPath(id)}/status`,
      signal: options.signal,
    });
    const reader = ObjectReader.of(body);
    const progress = reader.optionalNumber('progress');
    const error = reader.optionalErrorText('error');
    const startedAt = reader.optionalTimestamp('startedAt');
    const completedAt = reader.optionalTimestamp('completedAt');
    return {
      id: reader.optionalString('runId') ?? id,
      ...normaliseAgentStatus(reader.optionalString('status')),
      ...(progress !== undefined ? { progress } : {}),
      ...(error !== undefined ? { error } : {}),
      ...(startedAt !== undefined ? { startedAt } : {}),
      ...(completedAt !== undefined ? { completedAt } : {}),
    };
  }

  async create(input: CreateTaskInput, options: RequestOptions = {}): Promise<CreatedTask> {
    checkCreateInput(input);
    const requestBody = {
      prompt: input.prompt,
      ...(input.repoUrl ? { repoUrl: input.repoUrl } : {}),
      ...(input.baseBranch ? { selectedBranch: input.baseBranch } : {}),
      ...(input.model ? { model: input.model } : {}),
      ...(input.agent ? { agent: input.agent } : {}),
      ...(input.agents && input.agents.length > 0 ? { selectedAgents: selectedAgents(input.agents) } : {}),
    };
    // Never retried: a lost answer must not start a second task.
    const body = await this.http.requestJson({
      method: 'POST',
      path: '/api/v1/tasks',
      body: requestBody,
      signal: options.signal,
      retry: false,
    });
    const reader = ObjectReader.of(body);
    const id = reader.optionalString('runId') ?? reader.string('taskId');
    const taskId = reader.optionalString('taskId');
    const taskKey = taskId !== id ? taskId : undefined;
    const threadId = reader.optionalString('chatId');
    const agentCount = reader.optionalNumber('agentCount');
    // With several agents, the answer names the first agent's run; its siblings arrive with the next list.
    const first = input.agents?.[0];
    const task = this.startedRun(id, threadId, first ? { prompt: input.prompt, ...first } : input, {
      ...(input.repoUrl ? { repoUrl: input.repoUrl } : {}),
      ...(input.baseBranch ? { baseBranch: input.baseBranch } : {}),
      ...(taskKey !== undefined ? { taskKey } : {}),
      ...(agentCount !== undefined && agentCount > 1 ? { agentCount } : {}),
    });
    return {
      id,
      ...(threadId !== undefined ? { threadId } : {}),
      task,
      ...(agentCount !== undefined ? { agentCount } : {}),
    };
  }

  async continue(id: string, input: ContinueInput, options: RequestOptions = {}): Promise<ContinuedTask> {
    checkContinueInput(input);
    if (input.model && !input.agent) {
      throw new InvalidInputError(
        l10n.t('Choosing a model for a follow-up also needs an agent; choose both or neither.'),
      );
    }
    const body = await this.http.requestJson({
      method: 'POST',
      path: `${agentTaskPath(id)}/continue`,
      body: {
        prompt: input.prompt,
        ...(input.model ? { model: input.model } : {}),
        ...(input.agent ? { agent: input.agent } : {}),
      },
      signal: options.signal,
      retry: false,
    });
    const reader = ObjectReader.of(body);
    const runId = reader.string('runId');
    const threadId = reader.optionalString('chatId');
    const previousId = reader.optionalString('previousRunId') ?? id;
    const task = this.startedRun(runId, threadId, input, { previousRunId: previousId });
    return { id: runId, previousId, ...(threadId !== undefined ? { threadId } : {}), task };
  }

  async cancel(id: string, options: RequestOptions = {}): Promise<CancelResult> {
    const body = await this.http.requestJson({
      method: 'PATCH',
      path: agentTaskPath(id),
      body: { action: 'cancel' },
      signal: options.signal,
      retry: false,
    });
    if (body === undefined) return { success: true };
    const reader = ObjectReader.of(body);
    const rawStatus = reader.optionalString('status');
    const message = reader.optionalString('message');
    return {
      success: reader.optionalBoolean('success') ?? true,
      ...(rawStatus !== undefined ? { status: normaliseAgentStatus(rawStatus).status } : {}),
      ...(message !== undefined ? { message } : {}),
    };
  }

  async rename(id: string, title: string, options: RequestOptions = {}): Promise<RenameResult> {
    const problem = titleProblem(title);
    if (problem) throw new InvalidInputError(problem);
    const body = await this.http.requestJson({
      method: 'PATCH',
      path: agentTaskPath(id),
      body: { title: title.trim() },
      signal: options.signal,
      retry: false,
    });
    if (body === undefined) return { success: true };
    const reader = ObjectReader.of(body);
    const message = reader.optionalString('message');
    return { success: reader.optionalBoolean('success') ?? true, ...(message !== undefined ? { message } : {}) };
  }

  streamLogs(id: string, options: LogStreamOptions = {}): AsyncIterable<LogStreamEvent> {
    const path = `${agentTaskPath(id)}/logs/stream`;
    const query = options.includeDeltas === false ? { includeDeltas: 'false' } : {};
    return replayingLogStream(
      (signal) => this.http.openStream({ path, query, signal }),
      mapAgentLogMessage,
      logStreamSettings(this.options, this.clock, (request) => this.status(id, request), options),
    );
  }

  /** A run the API has just started, as sent: queued until a poll says more (list rows carry no prompt, so it is remembered). */
  private startedRun(
    id: string,
    threadId: string | undefined,
    input: Pick<CreateTaskInput, 'prompt' | 'model' | 'agent'>,
    more: Pick<Task, 'repoUrl' | 'baseBranch' | 'previousRunId' | 'taskKey' | 'agentCount'>,
  ): Task {
    this.rememberPrompt(id, input.prompt);
    return {
      id,
      api: 'agent',
      ...(threadId !== undefined ? { threadId } : {}),
      status: 'queued',
      rawStatus: 'queued',
      prompt: input.prompt,
      ...(input.model ? { model: input.model } : {}),
      ...(input.agent ? { agent: input.agent } : {}),
      ...more,
      createdAt: this.clock.now(),
    };
  }

  private withKnownPrompt(task: Task): Task {
    if (task.prompt !== undefined) return task;
    const prompt = this.prompts.get(task.id);
    return prompt === undefined ? task : { ...task, prompt };
  }

  private rememberPrompt(id: string, prompt: string): void {
    this.prompts.delete(id);
    this.prompts.set(id, prompt);
    if (this.prompts.size > MAX_REMEMBERED_PROMPTS) {
      const oldest = this.prompts.keys().next().value;
      if (oldest !== undefined) this.prompts.delete(oldest);
    }
  }
}

function agentTaskPath(id: string): string {
  return `/api/v1/tasks/${encodeURIComponent(id)}`;
}
