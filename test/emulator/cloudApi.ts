/** The Cloud API (`/api/tasks...`) over the task registry, per the contract. */
import { bodyObject, fail, intParam, isObject, json, optionalString, type Reply, type RequestContext } from './http';
import type { TaskRegistry } from './registry';
import { CLOUD_STATUS_GROUPS, isActive, isRunning, isTerminal } from './statuses';
import { iso, type TaskState } from './taskState';
import type { JsonObject } from './types';

const CLOUD_AGENTS = ['claude', 'blackbox', 'codex', 'gemini'];
const GITHUB_REPO = /^https:\/\/github\.com\/[^/\s]+\/[^/\s]+?(?:\.git)?\/?$/;

export function handleCloudApi(ctx: RequestContext, registry: TaskRegistry): Reply {
  const [first, id, sub, ...rest] = ctx.segments;
  if (first !== 'tasks' || rest.length > 0) return fail(404, 'Not found');
  if (id === undefined) {
    if (ctx.method === 'GET') return list(ctx, registry);
    if (ctx.method === 'POST') return create(ctx, registry);
    return fail(405, 'Method not allowed');
  }
  const task = registry.get(id);
  if (!task || task.api !== 'cloud') return fail(404, 'Task not found');
  switch (`${ctx.method} ${sub ?? ''}`) {
    case 'GET ':
      return json(200, { task: cloudTaskJson(task) });
    case 'PATCH ':
      return stop(task, ctx);
    case 'GET stream':
      return stream(task, ctx);
    case 'POST continue':
      return continueTask(task, ctx, registry);
    default:
      return ['', 'stream', 'continue'].includes(sub ?? '') ? fail(405, 'Method not allowed') : fail(404, 'Not found');
  }
}

export function cloudTaskJson(task: TaskState): JsonObject {
  const prNumber = task.prUrl ? Number(/\/pull\/(\d+)/.exec(task.prUrl)?.[1] ?? Number.NaN) : Number.NaN;
  return {
    id: task.id,
    userId: 'user_demo',
    prompt: task.prompt,
    repoUrl: task.repoUrl ?? null,
    selectedAgent: task.agent ?? 'blackbox',
    selectedModel: task.model ?? 'blackboxai/blackbox-pro',
    selectedBranch: task.baseBranch ?? 'main',
    branchName: task.createdBranch ?? null,
    status: task.status,
    progress: cloudProgress(task),
    error: task.error ?? null,
    prNumber: Number.isNaN(prNumber) ? null : prNumber,
    prUrl: task.prUrl ?? null,
    merged: false,
    diffStats: task.diffStats ?? null,
    batchId: task.batchId ?? null,
    sandboxId: task.startedAt !== undefined ? `sbx_${task.id.slice(0, 8)}` : null,
    createdAt: iso(task.createdAt),
    updatedAt: iso(task.updatedAt),
    completedAt: iso(task.completedAt),
    creatorName: task.creatorName ?? 'Demo User',
    followupMessages: task.followUps.map((f, i) => ({
      id: `${task.id}-followup-${i + 1}`,
      prompt: f.prompt,
      status: f.status ?? 'completed',
      createdAt: iso(f.createdAt ?? task.updatedAt),
    })),
    // The documented fields, then the docs' "…": a PR, diff stats and times once an agent has them.
    agentExecutions: task.agents.map((a) => ({
      agent: a.agent,
      model: a.model ?? null,
      status: a.status ?? task.status,
      branchName: a.branchName ?? null,
      error: a.error ?? null,
      ...(a.prUrl ? { prUrl: a.prUrl } : {}),
      ...(a.diffStats ? { diffStats: a.diffStats } : {}),
      ...(a.startedAt !== undefined ? { startedAt: iso(a.startedAt) } : {}),
      ...(a.completedAt !== undefined ? { completedAt: iso(a.completedAt) } : {}),
    })),
  };
}

function cloudProgress(task: TaskState): number {
  if (task.status === 'saving') return 95;
  if (isRunning('cloud', task.status)) return task.progress();
  return task.status === 'completed' ? 100 : 0;
}

function list(ctx: RequestContext, registry: TaskRegistry): Reply {
  const limit = intParam(ctx.query, 'limit') ?? 50;
  const offset = intParam(ctx.query, 'offset') ?? 0;
  const filter = ctx.query.filter ?? 'all';
  const status = ctx.query.status;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) return fail(400, 'limit must be between 1 and 100');
  if (!Number.isInteger(offset) || offset < 0) return fail(400, 'offset must be a non-negative integer');
  if (!['all', 'tasks', 'batch'].includes(filter)) return fail(400, 'filter must be one of: all, tasks, batch');
  const group = status === undefined ? undefined : CLOUD_STATUS_GROUPS[status];
  if (status !== undefined && !group) return fail(400, 'status must be one of: active, completed, failed, stopped');
  const all = registry
    .list('cloud')
    .filter((t) => filter === 'all' || (filter === 'batch') === (t.batchId !== undefined))
    .filter((t) => !group || group.includes(t.status));
  const tasks = all.slice(offset, offset + limit).map(cloudTaskJson);
  return json(200, { tasks, hasMore: offset + limit < all.length, offset, limit });
}

function create(ctx: RequestContext, registry: TaskRegistry): Reply {
  const body = bodyObject(ctx);
  const prompt = optionalString(body, 'prompt');
  if (!prompt) return fail(400, 'Prompt is required');
  const repoUrl = body.repoUrl;
  if (
    repoUrl !== undefined &&
    repoUrl !== null &&
    repoUrl !== '' &&
    (typeof repoUrl !== 'string' || !GITHUB_REPO.test(repoUrl))
  ) {
    return fail(400, 'repoUrl must be a GitHub repository URL');
  }
  const agent = body.selectedAgent ?? 'blackbox';
  if (!CLOUD_AGENTS.includes(String(agent)))
    return fail(400, `Invalid agent. Supported agents: ${CLOUD_AGENTS.join(', ')}`);
  let agents: Array<{ agent: string; model?: string }> | undefined;
  if (body.selectedAgents !== undefined) {
    const selected = body.selectedAgents;
    if (!Array.isArray(selected) || selected.length < 2 || selected.length > 5) {
      return fail(400, 'selectedAgents must contain between 2 and 5 agents');
    }
    agents = [];
    for (const item of selected) {
      if (!isObject(item) || typeof item.agent !== 'string' || !CLOUD_AGENTS.includes(item.agent)) {
        return fail(400, `Each selected agent needs an agent (one of ${CLOUD_AGENTS.join(', ')}) and a model`);
      }
      agents.push({ agent: item.agent, model: typeof item.model === 'string' ? item.model : undefined });
    }
  }
  const task = registry.createCloudTask({
    prompt,
    repoUrl: typeof repoUrl === 'string' && repoUrl !== '' ? repoUrl : undefined,
    baseBranch: optionalString(body, 'selectedBranch'),
    agent: agents ? agents[0]?.agent : String(agent),
    model: optionalString(body, 'selectedModel'),
    agents,
  });
  return json(200, { task: cloudTaskJson(task) });
}

function stream(task: TaskState, ctx: RequestContext): Reply {
  const fromIndex = intParam(ctx.query, 'fromIndex') ?? 0;
  if (!Number.isInteger(fromIndex) || fromIndex < 0) return fail(400, 'fromIndex must be a non-negative integer');
  const includeStatus = ctx.query.includeStatus !== 'false';
  return {
    kind: 'sse',
    flavour: 'named',
    start: (channel) => {
      const sendStatus = () => {
        if (includeStatus) channel.event('status', { status: task.status, error: task.error ?? null });
      };
      const finish = () => {
        channel.event('complete', { status: task.status, totalLogs: task.nextIndex });
        channel.end();
      };
      channel.event('connected', { taskId: task.id, fromIndex });
      const finished = isTerminal('cloud', task.status);
      // A finished task's status comes first, before its log lines: `complete` alone ends the stream.
      if (finished) sendStatus();
      const events = task.events;
      const { truncateLog } = channel.quirks;
      let sent = 0;
      for (let i = Math.max(0, fromIndex - task.firstIndex); i < events.length; i++) {
        if (finished && truncateLog !== undefined && sent++ >= truncateLog) {
          finish();
          return;
        }
        channel.event('log', { index: task.firstIndex + i, log: events[i] });
      }
      if (finished) {
        finish();
        return;
      }
      sendStatus();
      const unsubscribe = task.subscribe((signal) => {
        if (signal.kind === 'event') {
          if (signal.index >= fromIndex) channel.event('log', { index: signal.index, log: signal.event });
        } else if (signal.kind === 'status') sendStatus();
        else finish();
      });
      channel.onClose(unsubscribe);
    },
  };
}

function continueTask(task: TaskState, ctx: RequestContext, registry: TaskRegistry): Reply {
  const body = bodyObject(ctx);
  const prompt = optionalString(body, 'currentPrompt');
  if (!prompt) return fail(400, 'currentPrompt is required');
  const agent = optionalString(body, 'selectedAgent');
  if (agent !== undefined && !CLOUD_AGENTS.includes(agent))
    return fail(400, `Invalid agent. Supported agents: ${CLOUD_AGENTS.join(', ')}`);
  if (isActive('cloud', task.status))
    return fail(400, 'Task is still processing; wait for it to finish before sending a follow-up');
  registry.continueCloudTask(task, prompt, agent, optionalString(body, 'selectedModel'));
  return json(200, { success: true, message: 'Follow-up message sent; the task is processing again' });
}

function stop(task: TaskState, ctx: RequestContext): Reply {
  const body = bodyObject(ctx);
  if (body.action !== 'stop') return fail(400, 'Unsupported action; only "stop" is supported');
  if (!isRunning('cloud', task.status)) return fail(400, `Task cannot be stopped: it is ${task.status}`);
  task.setStatus('stopped');
  return json(200, { message: 'Task stopped successfully', task: cloudTaskJson(task) });
}
