import { InvalidInputError } from './errors';
import { HttpTasksApiBase } from './httpTasksApiBase';
import type { LogEvent, LogStreamEvent } from './logEvents';
import { replayingLogStream } from './logStream';
import type { DecodedMessage } from './logStream';
import type { ChatMessage, MessagePart, Task, TaskDetails, TaskStatusInfo } from './model';
import { agentStatusFilter, normaliseAgentStatus } from './status';
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

/** The Agent API v1 (`/api/v1`, `sk-` keys). */

const DEFAULT_PAGE_SIZE = 20;
/** Prompts learnt from creation or details, so list rows (which carry none) can show one. */
const MAX_REMEMBERED_PROMPTS = 1000;
const MAX_SUMMARY_CHARS = 160;

export class AgentTasksApi extends HttpTasksApiBase implements TasksApi {
  readonly kind = 'agent' as const;
  private readonly prompts = new Map<string, string>();

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
    let tasks = reader.objects('tasks', true).map((item) => this.withKnownPrompt(parseAgentTask(item)));
    // v1 cannot filter by "unknown"; filter here so the caller gets what it asked for.
    if (options.status === 'unknown') tasks = tasks.filter((task) => task.status === 'unknown');
    const hasMore = reader.optionalBoolean('hasMore') ?? false;
    const echoedPage = reader.optionalNumber('page') ?? page;
    return hasMore ? { tasks, hasMore, next: { page: echoedPage + 1 } } : { tasks, hasMore };
  }

  async get(id: string, options: RequestOptions = {}): Promise<TaskDetails> {
    const body = await this.http.requestJson({ method: 'GET', path: taskPath(id), signal: options.signal });
    const details = parseAgentDetails(ObjectReader.of(body));
    if (details.prompt !== undefined) this.rememberPrompt(details.id, details.prompt);
    return details;
  }

  async status(id: string, options: RequestOptions = {}): Promise<TaskStatusInfo> {
    const body = await this.http.requestJson({ method: 'GET', path: `${taskPath(id)}/status`, signal: options.signal });
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
      ...(input.agents && input.agents.length > 0
        ? { selectedAgents: input.agents.map((choice) => ({ agent: choice.agent, ...(choice.model ? { model: choice.model } : {}) })) }
        : {}),
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
    const threadId = reader.optionalString('chatId');
    const agentCount = reader.optionalNumber('agentCount');
    const task = this.startedRun(id, threadId, input, {
      ...(input.repoUrl ? { repoUrl: input.repoUrl } : {}),
      ...(input.baseBranch ? { baseBranch: input.baseBranch } : {}),
    });
    return { id, ...(threadId !== undefined ? { threadId } : {}), task, ...(agentCount !== undefined ? { agentCount } : {}) };
  }

  async continue(id: string, input: ContinueInput, options: RequestOptions = {}): Promise<ContinuedTask> {
    checkContinueInput(input);
    if (input.model && !input.agent) {
      throw new InvalidInputError('Choosing a model for a follow-up also needs an agent; choose both or neither.');
    }
    const body = await this.http.requestJson({
      method: 'POST',
      path: `${taskPath(id)}/continue`,
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
      path: taskPath(id),
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

  streamLogs(id: string, options: LogStreamOptions = {}): AsyncIterable<LogStreamEvent> {
    const path = `${taskPath(id)}/logs/stream`;
    const query = options.includeDeltas === false ? { includeDeltas: 'false' } : {};
    return replayingLogStream((signal) => this.http.openStream({ path, query, signal }), mapAgentLogMessage, this.logStreamSettings(id, options));
  }

  /** A run the API has just started, as sent: queued until a poll says more (list rows carry no prompt, so it is remembered). */
  private startedRun(id: string, threadId: string | undefined, input: Pick<CreateTaskInput, 'prompt' | 'model' | 'agent'>, more: Pick<Task, 'repoUrl' | 'baseBranch' | 'previousRunId'>): Task {
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

function taskPath(id: string): string {
  return `/api/v1/tasks/${encodeURIComponent(id)}`;
}

/** A v1 task as the list and details share it. */
export function parseAgentTask(reader: ObjectReader): Task {
  const id = reader.optionalString('runId') ?? reader.string('taskId');
  const threadId = reader.optionalString('chatId');
  const model = reader.optionalText('model');
  const agent = reader.optionalText('agent');
  const title = reader.optionalText('title');
  const error = reader.optionalErrorText('error');
  const progress = reader.optionalNumber('progress');
  const createdAt = reader.optionalTimestamp('createdAt');
  const startedAt = reader.optionalTimestamp('startedAt');
  const completedAt = reader.optionalTimestamp('completedAt');
  const updatedAt = reader.optionalTimestamp('updatedAt');
  const previousRunId = reader.optionalString('previousRunId');
  return {
    id,
    api: 'agent',
    ...(threadId !== undefined ? { threadId } : {}),
    ...normaliseAgentStatus(reader.optionalString('status')),
    ...(title !== undefined ? { title } : {}),
    ...(model !== undefined ? { model } : {}),
    ...(agent !== undefined ? { agent } : {}),
    ...(error !== undefined ? { error } : {}),
    ...(progress !== undefined ? { progress } : {}),
    ...(createdAt !== undefined ? { createdAt } : {}),
    ...(startedAt !== undefined ? { startedAt } : {}),
    ...(completedAt !== undefined ? { completedAt } : {}),
    ...(updatedAt !== undefined ? { updatedAt } : {}),
    ...(previousRunId !== undefined ? { previousRunId } : {}),
  };
}

/** GET /api/v1/tasks/{runId}. */
export function parseAgentDetails(reader: ObjectReader): TaskDetails {
  const task = parseAgentTask(reader);
  const github = reader.optionalObject('github');
  const repoUrl = github?.optionalText('repoUrl') ?? repoUrlFromParts(github);
  const baseBranch = github?.optionalText('baseBranch');
  const createdBranch = github?.optionalText('createdBranch');
  const pullRequestUrl = github?.optionalText('prUrl') ?? github?.optionalText('pullRequestUrl');
  const messageReaders = reader.objects('messages');
  const messages = messageReaders.map(parseChatMessage);
  const prompt = runPrompt(messages, reader.optionalString('assistantMessageId'));
  return {
    ...task,
    ...(prompt !== undefined ? { prompt } : {}),
    ...(repoUrl !== undefined ? { repoUrl } : {}),
    ...(baseBranch !== undefined ? { baseBranch } : {}),
    ...(createdBranch !== undefined ? { createdBranch } : {}),
    ...(pullRequestUrl !== undefined ? { pullRequestUrl } : {}),
    messages,
  };
}

function repoUrlFromParts(github: ObjectReader | undefined): string | undefined {
  const owner = github?.optionalText('owner');
  const repo = github?.optionalText('repo');
  return owner && repo ? `https://github.com/${owner}/${repo}.git` : undefined;
}

/**
 * The prompt this run answers. The thread holds every run of the chat, so the first
 * user message is only right for the first run:
 * - the run's assistant message is in the thread: the user message before it;
 * - it is not there yet (the run has not answered): the newest user message, because
 *   a chat only takes a follow-up once its latest run has finished;
 * - the server named no assistant message: the first user message.
 */
function runPrompt(messages: readonly ChatMessage[], assistantMessageId: string | undefined): string | undefined {
  const texts = (range: readonly ChatMessage[]) => range.map(userText).filter((text): text is string => text !== undefined);
  if (assistantMessageId === undefined) return texts(messages)[0];
  const answerIndex = messages.findIndex((m) => m.id === assistantMessageId);
  const before = texts(answerIndex === -1 ? messages : messages.slice(0, answerIndex));
  return before[before.length - 1] ?? texts(messages)[0];
}

function userText(message: ChatMessage | undefined): string | undefined {
  if (!message || message.role !== 'user') return undefined;
  const text = message.parts
    .map((part) => (part.type === 'text' ? part.text : ''))
    .join('')
    .trim();
  return text === '' ? undefined : text;
}

function parseChatMessage(reader: ObjectReader): ChatMessage {
  const id = reader.optionalString('id');
  const createdAt = reader.optionalTimestamp('createdAt');
  const parts = reader.objects('parts').map(parseMessagePart);
  // Some servers send plain `content` text instead of parts.
  const content = reader.raw('content');
  if (parts.length === 0 && typeof content === 'string' && content !== '') parts.push({ type: 'text', text: content });
  return {
    ...(id !== undefined ? { id } : {}),
    role: reader.optionalText('role') ?? 'unknown',
    parts,
    ...(createdAt !== undefined ? { createdAt } : {}),
  };
}

/** Text parts as text, tool parts (AI SDK shapes `tool-<name>`, `dynamic-tool`, `tool-invocation`) summarised, the rest kept as their kind. */
export function parseMessagePart(reader: ObjectReader): MessagePart {
  const type = reader.raw('type');
  if (typeof type !== 'string') return { type: 'other', kind: 'unknown' };
  if (type === 'text') {
    const text = reader.raw('text');
    return typeof text === 'string' ? { type: 'text', text } : { type: 'other', kind: type };
  }
  if (type === 'tool-invocation') {
    const invocation = reader.raw('toolInvocation');
    if (isJsonObject(invocation) && typeof invocation['toolName'] === 'string') {
      return { type: 'tool', toolName: invocation['toolName'], summary: summariseToolInput(invocation['args']) };
    }
    return { type: 'other', kind: type };
  }
  if (type === 'dynamic-tool' || type.startsWith('tool-')) {
    const named = reader.raw('toolName');
    const toolName = typeof named === 'string' ? named : type === 'dynamic-tool' ? 'tool' : type.slice('tool-'.length);
    return { type: 'tool', toolName, summary: summariseToolInput(reader.raw('input')) };
  }
  return { type: 'other', kind: type };
}

/** One short line for a tool call: the command for shell tools, the path for file tools, else compact JSON. */
export function summariseToolInput(input: unknown): string {
  let text: string;
  if (typeof input === 'string') text = input;
  else if (isJsonObject(input)) {
    const preferred = ['command', 'cmd', 'path', 'file_path', 'filePath', 'pattern', 'query', 'url', 'description'].find(
      (key) => typeof input[key] === 'string',
    );
    text = preferred !== undefined ? String(input[preferred]) : safeJson(input);
  } else if (input === undefined || input === null) text = '';
  else text = safeJson(input);
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_SUMMARY_CHARS ? `${flat.slice(0, MAX_SUMMARY_CHARS - 1)}…` : flat;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

/** One v1 `data:` object as a log event. */
export function mapAgentLogMessage(_event: string | undefined, data: unknown): DecodedMessage {
  if (!isJsonObject(data) || typeof data['type'] !== 'string') return { kind: 'malformed' };
  const type = data['type'];
  // Sent at the start of every connection, not part of the replayed log.
  if (type === 'resume') return { kind: 'connection' };
  const event = mapAgentLogEvent(type, data);
  return event === undefined ? { kind: 'malformed' } : { kind: 'event', event };
}

function mapAgentLogEvent(type: string, data: Readonly<Record<string, unknown>>): LogEvent | undefined {
  const text = (key: string): string | undefined => (typeof data[key] === 'string' ? (data[key] as string) : undefined);
  switch (type) {
    case 'start': {
      const reader = ObjectReader.of(data);
      let startedAt: number | undefined;
      try {
        startedAt = reader.optionalTimestamp('startedAt');
      } catch {
        startedAt = undefined;
      }
      return startedAt === undefined ? { kind: 'start' } : { kind: 'start', startedAt };
    }
    case 'text-start': {
      const blockId = text('id');
      return blockId === undefined ? { kind: 'text-start' } : { kind: 'text-start', blockId };
    }
    case 'text-delta': {
      const delta = text('delta') ?? text('text');
      if (delta === undefined) return undefined;
      const blockId = text('id');
      return blockId === undefined ? { kind: 'text', text: delta } : { kind: 'text', blockId, text: delta };
    }
    case 'tool-call-start':
    case 'tool-input-start': {
      const toolCallId = text('toolCallId');
      if (toolCallId === undefined) return undefined;
      return { kind: 'tool-start', toolCallId, toolName: text('toolName') ?? 'tool' };
    }
    case 'tool-input-available': {
      const toolCallId = text('toolCallId');
      if (toolCallId === undefined) return undefined;
      return { kind: 'tool-input', toolCallId, toolName: text('toolName') ?? 'tool', input: data['input'] };
    }
    case 'tool-output-available': {
      const toolCallId = text('toolCallId');
      if (toolCallId === undefined) return undefined;
      return { kind: 'tool-output', toolCallId, toolName: text('toolName') ?? 'tool', output: data['output'] };
    }
    case 'finish': {
      const rawStatus = text('status');
      if (rawStatus === undefined) return { kind: 'finish', status: 'unknown' };
      return { kind: 'finish', status: normaliseAgentStatus(rawStatus).status, rawStatus };
    }
    case 'error':
      return { kind: 'error', message: text('errorText') ?? text('error') ?? text('message') ?? 'The run failed.' };
    case 'status': {
      const rawStatus = text('status');
      if (rawStatus === undefined) return { kind: 'unknown', type };
      const error = text('error');
      return {
        kind: 'status',
        ...normaliseAgentStatus(rawStatus),
        ...(error !== undefined ? { error } : {}),
      };
    }
    default: {
      const files = type.includes('file') ? fileList(data) : undefined;
      return files === undefined ? { kind: 'unknown', type } : { kind: 'files', files };
    }
  }
}

/** The undocumented files event: a list of paths, or of objects naming one. */
function fileList(data: Readonly<Record<string, unknown>>): string[] | undefined {
  const list = data['files'] ?? data['paths'] ?? data['changedFiles'];
  if (!Array.isArray(list)) return undefined;
  const files: string[] = [];
  for (const item of list) {
    if (typeof item === 'string') files.push(item);
    else if (isJsonObject(item)) {
      const name = item['path'] ?? item['file'] ?? item['filename'] ?? item['name'];
      if (typeof name === 'string') files.push(name);
    }
  }
  return files;
}
