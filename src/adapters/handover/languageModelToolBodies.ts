import * as vscode from 'vscode';
import type { CancelTaskResult } from '../../commands/cancelTask';
import type { CommandContext } from '../../commands/support/commandContext';
import type { ContinueTaskResult } from '../../commands/continueTask';
import type { CreateTaskResult } from '../../commands/createTask';
import { checkBranchName } from '../../core/git/branchName';
import { describeError } from '../../core/view/errorDescription';
import { NotFoundError } from '../../core/http/errors';
import { GitOperationError } from '../../core/git/gitFailure';
import { gitHubDisplayName, parseGitHubRemote, sameGitHubRepository } from '../../core/git/githubRemote';
import { renderEventStream } from '../../core/logs/logRenderer';
import { isTerminal, type Task, type TaskDetails } from '../../core/tasks/model';
import type { PreflightIssueKind } from '../../core/git/preflight';
import type { AgentChoice } from '../../core/api/tasksApi';
import {
  isPlausibleTaskId,
  logTailLines,
  statusFromInput,
  taskDetailsText,
  taskListText,
} from '../../core/handover/toolText';
import { oneLine } from '../../core/util/untrustedText';
import type { ApiConnection } from '../api/apiSession';
import type { GitHubRemote, LocalRepository } from '../git/gitRepository';

import {
  TOOL_NAMES,
  type ContinueToolInput,
  type CreateToolInput,
  type LanguageModelTools,
  type ListToolInput,
  type TaskIdInput,
} from './languageModelTools';

/** How long get_task listens to a running task's log before answering with what it has. */
const LOG_LISTEN_MS = 3_000;
/** Rendered log kept while reading it (only the tail is answered). */
const LOG_BUFFER_CHARS = 64_000;
const DEFAULT_LIST_LIMIT = 20;
const MAX_LIST_LIMIT = 50;
const MAX_PROMPT_PREVIEW = 300;

/** What a create would use, settled without asking anyone; or why it cannot go ahead. */
type CreateTarget =
  | {
      readonly ok: true;
      readonly kind: 'repository';
      readonly repository: LocalRepository;
      readonly remote: GitHubRemote;
      /** The branch the model asked for, else the checked-out one (undefined: detached HEAD). */
      readonly branch: string | undefined;
      readonly explicitBranch: boolean;
    }
  | { readonly ok: true; readonly kind: 'standalone' }
  | { readonly ok: false; readonly problem: string };

/**
 * The BLACKBOX tools for chat agents. Each answers in compact plain text (values from the
 * API cleaned and bounded). None opens a dialog of its own: what Create Task would ask about
 * (no key, several repositories, unpushed work) comes back as text saying what to do. The
 * write tools go through the same commands as the UI (one create flow, drafts, sending
 * once, the new task in the tree with its log followed), and VS Code asks the user to
 * confirm them with the text their prepareInvocation gives.
 */
export function createLanguageModelTools(context: CommandContext): LanguageModelTools {
  const { session, store, git } = context;

  const connection = async (): Promise<ApiConnection | string> => {
    await session.whenLoaded();
    const current = session.current();
    if (current) return current;
    const problem = session.currentProblem();
    return problem && problem.reason !== 'noKey'
      ? vscode.l10n.t('The BLACKBOX API cannot be used: {0} Nothing was done.', problem.message)
      : vscode.l10n.t(
          'No BLACKBOX API key is set, so nothing was done. Ask the user to run "BLACKBOX: Set API Key…" (or set the BLACKBOX_API_KEY environment variable).',
        );
  };

  const failure = (error: unknown, doing: string): string =>
    NotFoundError.is(error)
      ? vscode.l10n.t('{0} failed: there is no such task.', doing)
      : session.redact(describeError(error, doing).message);

  /** The task by id: known to the tree, else fetched (and added to the tree, so commands can act on it). */
  const findTask = async (api: ApiConnection, id: string): Promise<Task | string> => {
    if (!isPlausibleTaskId(id)) return vscode.l10n.t('"{0}" is not a task id.', oneLine(id, 80));
    const known = store.get(id);
    if (known) return known;
    try {
      const { messages: _messages, ...task } = await api.api.get(id);
      store.upsert(task);
      return task;
    } catch (error) {
      return failure(error, vscode.l10n.t('Looking up task {0}', id));
    }
  };

  const resolveTarget = async (input: CreateToolInput, forPreview: boolean): Promise<CreateTarget> => {
    const wanted = input.repository?.trim();
    if (wanted && /^(none|standalone)$/i.test(wanted)) return { ok: true, kind: 'standalone' };
    const loaded = await git.load();
    const standaloneHint = vscode.l10n.t('To create a task without a repository, call again with repository "none".');
    if (!loaded.ok) return { ok: false, problem: `${loaded.message} ${standaloneHint}` };
    const repositories = await git.repositories();
    const names = (): string =>
      repositories
        .map((repository) => {
          const remote = repository.preferredGitHubRemote();
          return remote ? gitHubDisplayName(remote.repository) : repository.label;
        })
        .join(', ') || vscode.l10n.t('none');

    let repository: LocalRepository | undefined;
    let remote: GitHubRemote | undefined;
    if (wanted) {
      const github = parseGitHubRemote(wanted) ?? parseGitHubRemote(`https://github.com/${wanted}`);
      if (github) {
        const matches = await git.repositoriesFor(`https://github.com/${github.owner}/${github.name}.git`);
        repository = matches[0]?.repository;
        remote = matches[0]?.remote;
      }
      repository ??= repositories.find((candidate) => candidate.root.fsPath === wanted || candidate.label === wanted);
      if (!repository)
        return {
          ok: false,
          problem: vscode.l10n.t(
            'No open repository matches "{0}". Open repositories: {1}. {2}',
            oneLine(wanted, 200),
            names(),
            standaloneHint,
          ),
        };
    } else if (repositories.length === 0) {
      return { ok: false, problem: `${vscode.l10n.t('No git repository is open in this window.')} ${standaloneHint}` };
    } else if (repositories.length > 1) {
      return {
        ok: false,
        problem: vscode.l10n.t(
          'Several repositories are open ({0}): call again with repository set to one of them.',
          names(),
        ),
      };
    } else {
      repository = repositories[0];
    }
    if (!repository) return { ok: false, problem: vscode.l10n.t('No git repository is open in this window.') };
    remote ??= repository.preferredGitHubRemote();
    if (!remote) {
      const remotes = repository.gitHubRemotes();
      return {
        ok: false,
        problem:
          remotes.length > 1
            ? vscode.l10n.t(
                '{0} has several GitHub remotes ({1}) and none is the obvious one: call again with repository set to the GitHub repository (owner/name).',
                repository.label,
                remotes.map((candidate) => gitHubDisplayName(candidate.repository)).join(', '),
              )
            : `${vscode.l10n.t('{0} has no GitHub remote, so the agent cannot clone it.', repository.label)} ${standaloneHint}`,
      };
    }

    const asked = input.branch?.trim();
    if (!asked)
      return {
        ok: true,
        kind: 'repository',
        repository,
        remote,
        branch: repository.head().branch,
        explicitBranch: false,
      };
    const checked = checkBranchName(asked);
    if (!checked.ok)
      return {
        ok: false,
        problem: vscode.l10n.t('"{0}" is not a usable branch name ({1}).', oneLine(asked, 120), checked.reason),
      };
    if (!forPreview) {
      try {
        await repository.fetch(remote.remote, checked.name);
      } catch (error) {
        // Not on the remote, or offline: the remote-tracking refs still tell what is known.
        if (!GitOperationError.is(error)) throw error;
      }
      if (!(await repository.remoteBranch(remote.remote, checked.name)))
        return {
          ok: false,
          problem: vscode.l10n.t(
            'Branch "{0}" is not on {1}, so the agent cannot start from it. Push it first, or name a branch that is on {1}.',
            checked.name,
            remote.remote,
          ),
        };
    }
    return { ok: true, kind: 'repository', repository, remote, branch: checked.name, explicitBranch: true };
  };

  const create: vscode.LanguageModelTool<CreateToolInput> = {
    async prepareInvocation(options) {
      const api = await connection();
      const target = typeof api === 'string' ? undefined : await resolveTarget(options.input, true);
      if (!target?.ok) return { invocationMessage: vscode.l10n.t('Checking whether a BLACKBOX task can be created') };
      const where =
        target.kind === 'standalone'
          ? vscode.l10n.t('with no repository (the agent gets only the prompt)')
          : vscode.l10n.t(
              'on {0}, starting from branch "{1}" of {2}',
              gitHubDisplayName(target.remote.repository),
              target.branch ?? vscode.l10n.t('(detached HEAD)'),
              target.remote.remote,
            );
      return {
        invocationMessage: vscode.l10n.t('Creating a BLACKBOX task'),
        confirmationMessages: {
          title: vscode.l10n.t('Create a BLACKBOX task?'),
          message: [
            vscode.l10n.t('A BLACKBOX cloud agent will run {0}, with {1}.', where, agentsText(options.input)),
            vscode.l10n.t('It may push a branch to the repository.'),
            vscode.l10n.t('Prompt: {0}', oneLine(options.input.prompt ?? '', MAX_PROMPT_PREVIEW)),
          ].join('\n\n'),
        },
      };
    },
    async invoke(options) {
      const input = options.input;
      const api = await connection();
      if (typeof api === 'string') return answer(api);
      const prompt = typeof input.prompt === 'string' ? input.prompt.trim() : '';
      if (!prompt) return answer(vscode.l10n.t('The prompt is empty: say what the agent should do.'));
      const who = agentArguments(input);
      if (typeof who === 'string') return answer(who);
      const target = await resolveTarget(input, false);
      if (!target.ok) return answer(vscode.l10n.t('Not created: {0}', target.problem));

      const where =
        target.kind === 'repository'
          ? {
              repository: target.repository.root.fsPath,
              remote: target.remote.remote,
              ...(target.explicitBranch && target.branch
                ? { baseBranch: target.branch, skipPreflight: true }
                : { preflight: {} }),
            }
          : { standalone: true };
      const result = await vscode.commands.executeCommand<CreateTaskResult | undefined>('blackboxTasks.createTask', {
        prompt,
        ...where,
        ...who,
      });
      if (result?.outcome === 'created' && result.taskId) {
        const place =
          target.kind === 'repository'
            ? vscode.l10n.t(
                'in {0} from branch "{1}"',
                gitHubDisplayName(target.remote.repository),
                result.request?.baseBranch ?? target.branch ?? '',
              )
            : vscode.l10n.t('with no repository');
        return answer(
          vscode.l10n.t(
            'Created task {0} {1}. It is queued; VS Code shows it in the BLACKBOX Tasks view. Check on it with {2} (taskId "{0}").',
            result.taskId,
            place,
            TOOL_NAMES.get,
          ),
        );
      }
      const issue = result?.preflight?.find((answered) => answered.choice === 'cancel')?.kind;
      if (issue && target.kind === 'repository')
        return answer(
          vscode.l10n.t(
            'Not created: {0} {1}',
            result?.message ?? '',
            preflightHint(issue, target.branch, target.remote.remote),
          ),
        );
      return answer(
        vscode.l10n.t('Not created: {0}', result?.message ?? vscode.l10n.t('the task could not be created.')),
      );
    },
  };

  const list: vscode.LanguageModelTool<ListToolInput> = {
    async invoke(options, token) {
      const api = await connection();
      if (typeof api === 'string') return answer(api);
      const { status: rawStatus, thisRepositoryOnly, limit: rawLimit } = options.input;
      const status = rawStatus ? statusFromInput(rawStatus) : undefined;
      if (rawStatus && !status)
        return answer(
          vscode.l10n.t(
            'Unknown status "{0}". Use one of: queued, running, completed, failed, cancelled, interrupted.',
            oneLine(rawStatus, 40),
          ),
        );
      const limit = Math.min(
        MAX_LIST_LIMIT,
        Math.max(1, Math.floor(typeof rawLimit === 'number' ? rawLimit : DEFAULT_LIST_LIMIT)),
      );
      let repositories: readonly string[] = [];
      if (thisRepositoryOnly) {
        repositories = await git.gitHubRepositoryUrls();
        if (repositories.length === 0)
          return answer(
            vscode.l10n.t(
              'No GitHub repository is open in this window (or the workspace is not trusted), so there is no "this repository". Call again without thisRepositoryOnly.',
            ),
          );
      }
      const signal = abortSignalOf(token);
      try {
        const page = await api.api.list({
          limit: thisRepositoryOnly ? MAX_LIST_LIMIT : limit,
          ...(status ? { status } : {}),
          signal,
        });
        const tasks = await withDetails(api, page.tasks.map(withKnownFields), signal);
        const matching = thisRepositoryOnly
          ? tasks.filter(
              (task) => task.repoUrl && repositories.some((url) => sameGitHubRepository(url, task.repoUrl ?? '')),
            )
          : tasks;
        const shown = [...matching].sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0)).slice(0, limit);
        const scope = [
          status ?? vscode.l10n.t('any status'),
          thisRepositoryOnly
            ? repositories
                .map((url) => gitHubDisplayName(parseGitHubRemote(url) ?? { owner: '?', name: url }))
                .join(', ')
            : vscode.l10n.t('all repositories'),
        ].join(', ');
        return answer(taskListText(shown, { more: page.hasMore || matching.length > shown.length, scope }));
      } catch (error) {
        return answer(failure(error, vscode.l10n.t('Listing tasks')));
      }
    },
  };

  /** List rows of the Agent API carry no prompt or repository: what the tree already knows fills them in. */
  const withKnownFields = (task: Task): Task => {
    const known = store.get(task.id);
    if (!known) return task;
    const merged: Record<string, unknown> = { ...known };
    for (const [key, value] of Object.entries(task)) if (value !== undefined) merged[key] = value;
    return merged as unknown as Task;
  };

  /** Details for the rows still without a prompt, a few at a time, bounded in time. */
  const withDetails = async (api: ApiConnection, tasks: readonly Task[], signal: AbortSignal): Promise<Task[]> => {
    const result = [...tasks];
    const missing = result.map((task, index) => ({ task, index })).filter(({ task }) => task.prompt === undefined);
    const deadline = AbortSignal.any([signal, AbortSignal.timeout(8_000)]);
    for (let start = 0; start < missing.length; start += 4) {
      await Promise.all(
        missing.slice(start, start + 4).map(async ({ task, index }) => {
          try {
            const { messages: _messages, ...details } = await api.api.get(task.id, { signal: deadline });
            result[index] = { ...task, ...details, status: task.status, rawStatus: task.rawStatus };
          } catch {
            // A row without its prompt is still worth listing.
          }
        }),
      );
      if (deadline.aborted) break;
    }
    return result;
  };

  const get: vscode.LanguageModelTool<TaskIdInput> = {
    async invoke(options, token) {
      const api = await connection();
      if (typeof api === 'string') return answer(api);
      const id = typeof options.input.taskId === 'string' ? options.input.taskId.trim() : '';
      if (!isPlausibleTaskId(id)) return answer(vscode.l10n.t('"{0}" is not a task id.', oneLine(id, 80)));
      const signal = abortSignalOf(token);
      let details: TaskDetails;
      try {
        details = await api.api.get(id, { signal });
      } catch (error) {
        return answer(failure(error, vscode.l10n.t('Looking up task {0}', id)));
      }
      const known = store.get(id);
      const task: TaskDetails = known ? { ...known, ...details, messages: details.messages } : details;
      return answer(taskDetailsText(task, await logTail(api, task, signal)));
    },
  };

  /** The last lines of the task's log as the log channel would show them; a running task is listened to briefly. */
  const logTail = async (api: ApiConnection, task: Task, signal: AbortSignal): Promise<string[] | undefined> => {
    const stop = isTerminal(task.status)
      ? AbortSignal.any([signal, AbortSignal.timeout(LOG_LISTEN_MS * 3)])
      : AbortSignal.any([signal, AbortSignal.timeout(LOG_LISTEN_MS)]);
    let text = '';
    try {
      await renderEventStream(
        api.api.streamLogs(task.id, { signal: stop, maxReconnects: 0 }),
        (piece) => {
          text = (text + piece).slice(-LOG_BUFFER_CHARS);
        },
        {
          status: task.status,
          ...(task.startedAt !== undefined ? { startedAt: task.startedAt } : {}),
          ...(task.completedAt !== undefined ? { completedAt: task.completedAt } : {}),
        },
      );
    } catch {
      if (text === '') return undefined;
    }
    return logTailLines(session.redact(text));
  };

  const continueTool: vscode.LanguageModelTool<ContinueToolInput> = {
    prepareInvocation(options) {
      const task = store.get(options.input.taskId);
      return {
        invocationMessage: vscode.l10n.t('Sending a follow-up to BLACKBOX task {0}', oneLine(options.input.taskId, 80)),
        confirmationMessages: {
          title: vscode.l10n.t('Continue a BLACKBOX task?'),
          message: [
            vscode.l10n.t(
              'The BLACKBOX cloud agent will run again on task {0}{1}, with the whole conversation as context, and may push to its branch.',
              oneLine(options.input.taskId, 80),
              task ? ` (${placeOf(task)})` : '',
            ),
            vscode.l10n.t('Follow-up: {0}', oneLine(options.input.prompt ?? '', MAX_PROMPT_PREVIEW)),
          ].join('\n\n'),
        },
      };
    },
    async invoke(options) {
      const api = await connection();
      if (typeof api === 'string') return answer(api);
      const prompt = typeof options.input.prompt === 'string' ? options.input.prompt.trim() : '';
      if (!prompt) return answer(vscode.l10n.t('The follow-up prompt is empty: say what the agent should do next.'));
      const task = await findTask(api, String(options.input.taskId ?? '').trim());
      if (typeof task === 'string') return answer(task);
      const result = await vscode.commands.executeCommand<ContinueTaskResult | undefined>(
        'blackboxTasks.continueTask',
        { taskId: task.id, prompt },
      );
      if (result?.outcome === 'sent' && result.taskId)
        return answer(
          result.taskId === task.id
            ? vscode.l10n.t('Follow-up sent: task {0} runs again. Check on it with {1}.', task.id, TOOL_NAMES.get)
            : vscode.l10n.t(
                'Follow-up sent: new run {0} continues task {1}. Check on it with {2} (taskId "{0}").',
                result.taskId,
                task.id,
                TOOL_NAMES.get,
              ),
        );
      return answer(
        vscode.l10n.t('Follow-up not sent: {0}', result?.message ?? vscode.l10n.t('it could not be sent.')),
      );
    },
  };

  const cancel: vscode.LanguageModelTool<TaskIdInput> = {
    prepareInvocation(options) {
      const task = store.get(options.input.taskId);
      return {
        invocationMessage: vscode.l10n.t('Cancelling BLACKBOX task {0}', oneLine(options.input.taskId, 80)),
        confirmationMessages: {
          title: vscode.l10n.t('Cancel a BLACKBOX task?'),
          message: vscode.l10n.t(
            'The BLACKBOX cloud agent working on task {0}{1} will be stopped. Anything it already pushed stays on its branch.',
            oneLine(options.input.taskId, 80),
            task ? ` (${placeOf(task)})` : '',
          ),
        },
      };
    },
    async invoke(options) {
      const api = await connection();
      if (typeof api === 'string') return answer(api);
      const task = await findTask(api, String(options.input.taskId ?? '').trim());
      if (typeof task === 'string') return answer(task);
      const result = await vscode.commands.executeCommand<CancelTaskResult | undefined>('blackboxTasks.cancelTask', {
        taskId: task.id,
        confirm: true,
      });
      const outcome = result?.outcome ?? 'failed';
      const status = result?.finalStatus ? ` ${vscode.l10n.t('Status now: {0}.', result.finalStatus)}` : '';
      return answer(
        `${result?.message ?? vscode.l10n.t('Cancel of task {0}: {1}.', task.id, outcome)}${result?.message ? status : ''}`,
      );
    },
  };

  return { create, list, get, continue: continueTool, cancel };
}

function answer(text: string): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
}

function abortSignalOf(token: vscode.CancellationToken | undefined): AbortSignal {
  const controller = new AbortController();
  if (token?.isCancellationRequested) controller.abort();
  token?.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

/** The create command's agent arguments: several agents, one agent and model, or the user's defaults. */
function agentArguments(
  input: CreateToolInput,
): { agents: AgentChoice[] } | { agent?: string; model?: string } | { useDefaults: true } | string {
  const agents = agentList(input);
  if (agents) {
    if (agents.length < 2 || agents.length > 5)
      return vscode.l10n.t('A multi-agent task needs 2 to 5 agents, not {0}. Nothing was created.', agents.length);
    return { agents };
  }
  const agent = nonEmpty(input.agent);
  const model = nonEmpty(input.model);
  if (!agent && !model) return { useDefaults: true };
  return { ...(agent ? { agent } : {}), ...(model ? { model } : {}) };
}

/** The `agents` input as choices: names, or `{ agent, model }` objects; undefined when not given. */
function agentList(input: CreateToolInput): AgentChoice[] | undefined {
  const raw: unknown = input.agents;
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  return (raw as readonly unknown[])
    .map((entry): AgentChoice | undefined => {
      if (typeof entry === 'string') return nonEmpty(entry) ? { agent: entry.trim() } : undefined;
      if (!entry || typeof entry !== 'object') return undefined;
      const { agent, model } = entry as { readonly agent?: unknown; readonly model?: unknown };
      const name = nonEmpty(agent);
      const chosen = nonEmpty(model);
      return name ? { agent: name, ...(chosen ? { model: chosen } : {}) } : undefined;
    })
    .filter((entry): entry is AgentChoice => entry !== undefined);
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function agentsText(input: CreateToolInput): string {
  const agents = agentList(input);
  if (agents && agents.length > 0)
    return vscode.l10n.t(
      'agents {0}',
      agents.map((entry) => oneLine(entry.model ? `${entry.agent} (${entry.model})` : entry.agent, 120)).join(', '),
    );
  const parts = [nonEmpty(input.agent), nonEmpty(input.model)].filter((part): part is string => part !== undefined);
  if (parts.length > 0) return parts.map((part) => oneLine(part, 80)).join(' · ');
  return vscode.l10n.t('the default agent and model from the settings');
}

function placeOf(task: Task): string {
  if (!task.repoUrl) return vscode.l10n.t('no repository');
  const github = parseGitHubRemote(task.repoUrl);
  const name = github ? gitHubDisplayName(github) : oneLine(task.repoUrl, 120);
  const branch = task.createdBranch ?? task.baseBranch;
  return branch ? `${name}, ${oneLine(branch, 120)}` : name;
}

/** What the model can do about a pre-flight issue without a dialog: the user's part, or another call. */
function preflightHint(kind: PreflightIssueKind, branch: string | undefined, remote: string): string {
  switch (kind) {
    case 'detachedHead':
      return vscode.l10n.t('Call again with branch set to a branch that is on {0}.', remote);
    case 'notOnRemote':
      return vscode.l10n.t(
        'Ask the user to push "{0}" to {1}, or call again with branch set to a branch that is already on {1}.',
        branch ?? '',
        remote,
      );
    case 'unpushedCommits':
      return vscode.l10n.t(
        'Ask the user to push them, or call again with branch "{0}" to start from {1}/{0} as it is (without them).',
        branch ?? '',
        remote,
      );
    case 'uncommittedChanges':
      return vscode.l10n.t(
        'If the task needs them, ask the user to commit and push them; otherwise call again with branch "{0}" to go ahead without them.',
        branch ?? '',
      );
  }
}
