/** The Agent API v1 (`/api/v1/...`) over the task registry, per the contract. */
import { randomUUID } from 'node:crypto';
import { bodyObject, fail, intParam, isObject, json, optionalString, type Reply, type RequestContext } from './http';
import type { TaskRegistry } from './registry';
import { isActive, isTerminal, V1_STATUSES, v1PollStatus } from './statuses';
import { iso, type TaskState } from './taskState';
import type { JsonObject } from './types';

const SUPPORTED_AGENTS = ['claude', 'codex'];
const KNOWN_RUN_PATHS = new Set(['', 'status', 'logs', 'logs/stream', 'continue']);
const GITHUB_REPO = /^https:\/\/github\.com\/([^/\s]+)\/([^/\s]+?)(?:\.git)?\/?$/;

export function handleAgentApi(ctx: RequestContext, registry: TaskRegistry): Reply {
  const [first, id, sub, subsub, ...rest] = ctx.segments;
  const method = ctx.method;
  if (first === 'agent' && (id === 'stream' || id === 'status') && sub === undefined) {
    if (method !== 'GET') return fail(405, 'Method not allowed');
    const run = ctx.query.runId ? registry.get(ctx.query.runId) : undefined;
    if (!ctx.query.runId) return fail(400, 'runId is required');
    if (!run || run.api !== 'agent') return fail(404, 'Task not found');
    return id === 'stream' ? stream(run, ctx, true) : json(200, pollStatus(run));
  }
  if (first !== 'tasks' || rest.length > 0) return fail(404, 'Not found');
  if (id === undefined) {
    if (method === 'GET') return list(ctx, registry);
    if (method === 'POST') return create(ctx, registry);
    return fail(405, 'Method not allowed');
  }
  const run = registry.get(id);
  if (!run || run.api !== 'agent') return fail(404, 'Task not found');
  const route = `${method} ${sub ?? ''}${subsub ? `/${subsub}` : ''}`;
  switch (route) {
    case 'GET ':
      return json(200, details(run, registry));
    case 'PATCH ':
      return patch(run, ctx, registry);
    case 'GET status':
      return json(200, pollStatus(run));
    case 'GET logs':
      return json(200, {
        runId: run.id,
        chatId: run.chatId,
        status: run.status,
        source: run.inMemory && isActive('agent', run.status) ? 'memory' : 'database',
        eventCount: run.events.length,
        events: run.events,
        error: run.error ?? null,
      });
    case 'GET logs/stream':
      return stream(run, ctx, false);
    case 'POST continue':
      return continueRun(run, ctx, registry);
    default:
      return KNOWN_RUN_PATHS.has(route.slice(route.indexOf(' ') + 1))
        ? fail(405, 'Method not allowed')
        : fail(404, 'Not found');
  }
}

function list(ctx: RequestContext, registry: TaskRegistry): Reply {
  const page = intParam(ctx.query, 'page') ?? 1;
  const limit = intParam(ctx.query, 'limit') ?? 20;
  const status = ctx.query.status;
  if (!Number.isInteger(page) || page < 1) return fail(400, 'page must be a positive integer');
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) return fail(400, 'limit must be between 1 and 100');
  if (status !== undefined && !V1_STATUSES.includes(status)) {
    return fail(400, `Invalid status. Must be one of: ${V1_STATUSES.join(', ')}`);
  }
  const all = registry.list('agent').filter((t) => status === undefined || t.status === status);
  const start = (page - 1) * limit;
  const tasks = all.slice(start, start + limit).map((t) => ({
    taskId: t.taskId ?? t.id,
    runId: t.id,
    chatId: t.chatId,
    status: t.status,
    model: t.model ?? null,
    createdAt: iso(t.createdAt),
    startedAt: iso(t.startedAt),
    completedAt: iso(t.completedAt),
    assistantMessageId: t.assistantMessageId,
  }));
  return json(200, { tasks, page, limit, hasMore: start + limit < all.length });
}

function validAgent(value: unknown): value is string {
  return typeof value === 'string' && SUPPORTED_AGENTS.includes(value);
}

const unsupportedAgent = (value: unknown): Reply =>
  fail(400, `Invalid agent "${String(value)}". Supported agents: ${SUPPORTED_AGENTS.join(', ')}`);

function create(ctx: RequestContext, registry: TaskRegistry): Reply {
  const body = bodyObject(ctx);
  const prompt = optionalString(body, 'prompt') ?? optionalString(body, 'message');
  if (!prompt) return fail(400, 'Either prompt or message is required');
  if (body.agent !== undefined && !validAgent(body.agent)) return unsupportedAgent(body.agent);
  const repoUrl = body.repoUrl;
  if (repoUrl !== undefined && repoUrl !== null && (typeof repoUrl !== 'string' || !GITHUB_REPO.test(repoUrl))) {
    return fail(400, 'repoUrl must be a GitHub repository URL');
  }
  const common = {
    prompt,
    repoUrl: typeof repoUrl === 'string' ? repoUrl : undefined,
    baseBranch: optionalString(body, 'selectedBranch'),
    model: optionalString(body, 'model') ?? 'blackboxai/anthropic/claude-sonnet-4.6',
  };
  if (body.selectedAgents !== undefined) {
    const selected = body.selectedAgents;
    if (!Array.isArray(selected) || selected.length < 2 || selected.length > 5) {
      return fail(400, 'selectedAgents must list between 2 and 5 agents');
    }
    const choices: Array<{ agent: string; model?: string }> = [];
    for (const item of selected) {
      const agent: unknown = isObject(item) ? item.agent : item;
      if (!validAgent(agent)) return unsupportedAgent(agent);
      const model = isObject(item) && typeof item.model === 'string' ? item.model : undefined;
      choices.push({ agent, model });
    }
    // Each agent gets its own run; the siblings share one taskId (distinct from every runId) and chat.
    const taskId = randomUUID();
    const runs: TaskState[] = [];
    choices.forEach((choice, index) => {
      const sameAgentBefore = choices.slice(0, index).some((other) => other.agent === choice.agent);
      runs.push(
        registry.createRun({
          ...common,
          agent: choice.agent,
          model: choice.model ?? common.model,
          taskId,
          chatId: runs[0]?.chatId,
          userMessageId: runs[0]?.userMessageId,
          branchSuffix: `-${choice.agent}${sameAgentBefore ? `-${index + 1}` : ''}`,
          createdAt: registry.now() + index,
        }),
      );
    });
    return created(runs[0], runs.length);
  }
  const run = registry.createRun({ ...common, agent: typeof body.agent === 'string' ? body.agent : undefined });
  return created(run, 1);
}

function created(run: TaskState, agentCount: number): Reply {
  return json(200, {
    taskId: run.taskId ?? run.id,
    runId: run.id,
    chatId: run.chatId,
    assistantMessageId: run.assistantMessageId,
    agentCount,
  });
}

function details(run: TaskState, registry: TaskRegistry): JsonObject {
  const match = run.repoUrl ? GITHUB_REPO.exec(run.repoUrl) : null;
  return {
    taskId: run.taskId ?? run.id,
    runId: run.id,
    chatId: run.chatId,
    status: run.status,
    assistantMessageId: run.assistantMessageId,
    createdAt: iso(run.createdAt),
    startedAt: iso(run.startedAt),
    completedAt: iso(run.completedAt),
    error: run.error ?? null,
    github: run.repoUrl
      ? {
          repoUrl: run.repoUrl,
          owner: match?.[1] ?? null,
          repo: match?.[2] ?? null,
          baseBranch: run.baseBranch ?? 'main',
          createdBranch: run.createdBranch ?? null,
          // Undocumented: a pull request the agent opened.
          ...(run.prUrl ? { prUrl: run.prUrl } : {}),
        }
      : null,
    messages: chatMessages(run.chatId ? registry.chatRuns(run.chatId) : [run]),
    inMemory:
      run.inMemory && !isTerminal('agent', run.status)
        ? { status: run.status, eventCount: run.events.length, lastEventAt: iso(run.updatedAt) }
        : null,
  };
}

/** The whole chat: each run's prompt (multi-agent siblings share one) and its reply so far. */
function chatMessages(runs: readonly TaskState[]): JsonObject[] {
  const messages: JsonObject[] = [];
  const seen = new Set<string>();
  for (const run of runs) {
    if (!seen.has(run.userMessageId)) {
      seen.add(run.userMessageId);
      messages.push({
        id: run.userMessageId,
        role: 'user',
        parts: [{ type: 'text', text: run.prompt }],
        createdAt: iso(run.createdAt),
      });
    }
    const text = run.replyText();
    if (run.startedAt === undefined && text === '') continue;
    const parts: JsonObject[] = [{ type: 'step-start' }];
    if (text) parts.push({ type: 'text', text });
    messages.push({
      id: run.assistantMessageId,
      role: 'assistant',
      parts,
      createdAt: iso(run.startedAt ?? run.createdAt),
    });
  }
  return messages;
}

function pollStatus(run: TaskState): JsonObject {
  return {
    runId: run.id,
    status: v1PollStatus(run.status),
    progress: run.progress(),
    error: run.error ?? null,
    startedAt: iso(run.startedAt),
    completedAt: iso(run.completedAt),
  };
}

/** Runs that have had their one `session-init` (the `sessionInitOnce` fault). */
const sessionInitSent = new WeakSet<TaskState>();

function stream(run: TaskState, ctx: RequestContext, raw: boolean): Reply {
  const includeDeltas = ctx.query.includeDeltas !== 'false';
  return {
    kind: 'sse',
    flavour: 'data-only',
    start: (channel) => {
      const send = (event: JsonObject) => {
        if (includeDeltas || event.type !== 'text-delta') channel.data(event);
      };
      if (raw) channel.data({ type: 'resume', runId: run.id });
      if (channel.quirks.sessionInitOnce && !sessionInitSent.has(run)) {
        sessionInitSent.add(run);
        channel.data({ type: 'session-init', sessionId: `sess_once_${run.id}` });
      }
      for (const event of run.events) send(event);
      if (isTerminal('agent', run.status) || (channel.quirks.closeWhileQueued && run.status === 'queued')) {
        channel.end();
        return;
      }
      const unsubscribe = run.subscribe((signal) => {
        if (signal.kind === 'event') send(signal.event);
        else if (signal.kind === 'end') channel.end();
      });
      channel.onClose(unsubscribe);
    },
  };
}

function continueRun(run: TaskState, ctx: RequestContext, registry: TaskRegistry): Reply {
  const body = bodyObject(ctx);
  const prompt = optionalString(body, 'prompt');
  if (!prompt) return fail(400, 'prompt is required');
  if (body.model !== undefined && body.agent === undefined) return fail(400, 'agent is required when model is set');
  if (body.agent !== undefined && !validAgent(body.agent)) return unsupportedAgent(body.agent);
  if (isActive('agent', run.status))
    return fail(400, 'This run is still in progress; wait for it to finish or cancel it first');
  const next = registry.createRun({
    prompt,
    chatId: run.chatId,
    previousRunId: run.id,
    model: optionalString(body, 'model'),
    agent: optionalString(body, 'agent'),
  });
  return json(200, {
    runId: next.id,
    chatId: next.chatId,
    assistantMessageId: next.assistantMessageId,
    previousRunId: run.id,
  });
}

function patch(run: TaskState, ctx: RequestContext, registry: TaskRegistry): Reply {
  const body = bodyObject(ctx);
  const { action, title } = body;
  if (action === undefined && title === undefined) return fail(400, 'Provide action "cancel" or a title');
  if (action !== undefined && action !== 'cancel')
    return fail(400, `Unsupported action "${String(action)}"; only "cancel" is supported`);
  if (title !== undefined && (typeof title !== 'string' || title.trim().length < 1 || title.length > 200)) {
    return fail(400, 'title must be between 1 and 200 characters');
  }
  if (typeof title === 'string' && run.chatId) {
    registry.chatTitles.set(run.chatId, title);
    run.title = title;
  }
  if (action !== 'cancel') return json(200, { success: true, status: run.status, message: 'Title updated' });
  if (isTerminal('agent', run.status)) {
    return json(200, { success: false, status: run.status, message: `Run is already ${run.status}` });
  }
  run.setStatus('cancelled');
  return json(200, { success: true, status: run.status, message: 'Run cancelled' });
}
