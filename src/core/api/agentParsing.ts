import type { LogEvent } from '../logs/logEvents';
import type { DecodedMessage } from '../logs/logStream';
import type { ChatMessage, MessagePart, Task, TaskDetails } from '../tasks/model';
import { normaliseAgentStatus } from './status';
import { ObjectReader, definedFields, isJsonObject } from './validate';
import * as l10n from '@vscode/l10n';

/** Agent API v1 answers and log stream messages, read into the model. */

const MAX_SUMMARY_CHARS = 160;

/** A v1 task as the list and details share it. */
export function parseAgentTask(reader: ObjectReader): Task {
  const id = reader.optionalString('runId') ?? reader.string('taskId');
  // A taskId equal to the runId says nothing beyond it; one that differs ties sibling runs together.
  const taskId = reader.optionalString('taskId');
  const taskKey = taskId !== id ? taskId : undefined;
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
  return definedFields({
    id,
    api: 'agent' as const,
    threadId,
    taskKey,
    ...normaliseAgentStatus(reader.essentialString('status')),
    title,
    model,
    agent,
    error,
    progress,
    createdAt,
    startedAt,
    completedAt,
    updatedAt,
    previousRunId,
  });
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
  const assistantMessageId = reader.optionalString('assistantMessageId');
  const prompt = runPrompt(messages, assistantMessageId);
  return {
    ...task,
    ...definedFields({ prompt, repoUrl, baseBranch, createdBranch, pullRequestUrl, assistantMessageId }),
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
  const texts = (range: readonly ChatMessage[]) =>
    range.map(userText).filter((text): text is string => text !== undefined);
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
    const preferred = [
      'command',
      'cmd',
      'path',
      'file_path',
      'filePath',
      'pattern',
      'query',
      'url',
      'description',
    ].find((key) => typeof input[key] === 'string');
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
  const text = (key: string): string | undefined => (typeof data[key] === 'string' ? data[key] : undefined);
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
      return {
        kind: 'error',
        message: text('errorText') ?? text('error') ?? text('message') ?? l10n.t('The run failed.'),
      };
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
