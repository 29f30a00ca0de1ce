import type { LogEvent } from '../logs/logEvents';
import type { DecodedMessage } from '../logs/logStream';
import type { AgentRun, ChatMessage, DiffStats, FollowUp, Task, TaskDetails } from '../tasks/model';
import { normaliseCloudStatus } from './status';
import { ObjectReader, definedFields, isJsonObject } from './validate';
import * as l10n from '@vscode/l10n';

/** Cloud API answers and log stream events, read into the model. */

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
  const rawStatus = reader.essentialString('status');
  const agentRuns = reader.objects('agentExecutions').map((item) => parseAgentRun(item, rawStatus));
  return definedFields({
    id,
    api: 'cloud' as const,
    threadId: id,
    ...normaliseCloudStatus(rawStatus),
    prompt,
    title,
    model,
    agent,
    repoUrl,
    baseBranch,
    createdBranch,
    pullRequestUrl,
    diffStats,
    error,
    progress,
    createdAt,
    startedAt,
    completedAt,
    updatedAt,
    ...(followUps.length > 0 ? { followUps } : {}),
    ...(agentRuns.length > 0 ? { agentRuns } : {}),
  });
}

/** The conversation of a Cloud task: its prompt, then each follow-up. */
export function cloudDetails(task: Task): TaskDetails {
  const messages: ChatMessage[] = [];
  if (task.prompt !== undefined) {
    messages.push({
      role: 'user',
      parts: [{ type: 'text', text: task.prompt }],
      ...(task.createdAt !== undefined ? { createdAt: task.createdAt } : {}),
    });
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
    const entry = reader.child(item, `${reader.field('followupMessages')}[${index}]`);
    if (!entry) return;
    const prompt =
      entry.optionalString('prompt') ??
      entry.optionalString('message') ??
      entry.optionalString('content') ??
      entry.optionalString('text');
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

/**
 * One `agentExecutions` item. The docs list `{agent, model, status, branchName, error, …}`; the
 * "…" is read where it is likely (a PR link, diff stats, times) and ignored when absent. An item
 * without a status takes its task's, so a server that leaves it out still places the task.
 */
function parseAgentRun(reader: ObjectReader, taskStatus: string | undefined): AgentRun {
  const model = reader.optionalText('model') ?? reader.optionalText('selectedModel');
  const branch = reader.optionalText('branchName');
  const error = reader.optionalErrorText('error');
  const pullRequestUrl = reader.optionalText('prUrl') ?? reader.optionalText('pullRequestUrl');
  const diffStats = parseDiffStats(reader.optionalObject('diffStats'));
  const startedAt = reader.optionalTimestamp('startedAt');
  const completedAt = reader.optionalTimestamp('completedAt');
  return {
    agent: reader.optionalText('agent') ?? reader.optionalText('selectedAgent') ?? 'agent',
    ...normaliseCloudStatus(reader.optionalString('status') ?? taskStatus),
    ...definedFields({ model, branch, error, pullRequestUrl, diffStats, startedAt, completedAt }),
  };
}

/** One Cloud stream event (`connected`, `log`, `status`, `complete`, `error`, …) as a log event. */
export function mapCloudLogMessage(event: string | undefined, data: unknown): DecodedMessage {
  if (!isJsonObject(data)) return { kind: 'malformed' };
  const text = (object: Readonly<Record<string, unknown>>, key: string): string | undefined =>
    typeof object[key] === 'string' ? object[key] : undefined;
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
      return {
        kind: 'event',
        event: { kind: 'status', ...normaliseCloudStatus(rawStatus), ...(error ? { error } : {}) },
      };
    }
    case 'complete': {
      const rawStatus = text(data, 'status');
      const total = data['totalLogs'];
      return {
        kind: 'event',
        event:
          rawStatus === undefined
            ? { kind: 'finish', status: 'unknown' }
            : { kind: 'finish', status: normaliseCloudStatus(rawStatus).status, rawStatus },
        ...(typeof total === 'number' && Number.isInteger(total) && total >= 0 ? { total } : {}),
      };
    }
    case 'error':
      return {
        kind: 'event',
        event: {
          kind: 'error',
          message: text(data, 'error') ?? text(data, 'message') ?? l10n.t('The log stream failed.'),
        },
      };
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
