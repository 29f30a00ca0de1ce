import * as vscode from 'vscode';
import { agentDefaults, pickAgents, type AgentSelection } from '../adapters/prompts/agentPicker';
import { createDraftStore } from '../adapters/prompts/draftStore';
import { presentError } from '../adapters/errorPresenter';
import type { GitHubRemote, LocalRepository } from '../adapters/git/gitRepository';
import { pickGitHubRemote, pickRemoteBranch, pickRepository } from '../adapters/git/gitPickers';
import { askForPrompt } from '../adapters/prompts/promptInput';
import { describeError } from '../core/view/errorDescription';
import { NetworkError, TimeoutError } from '../core/http/errors';
import { GitOperationError } from '../core/git/gitFailure';
import { gitHubDisplayName } from '../core/git/githubRemote';
import {
  preflightIssues,
  type PreflightChoice,
  type PreflightIssue,
  type PreflightIssueKind,
  type PreflightState,
} from '../core/git/preflight';
import type { AgentChoice, CreatedTask, CreateTaskInput } from '../core/api/tasksApi';
import type { CommandContext } from './support/commandContext';
import { followTaskLogs } from './support/followTaskLogs';
import { actionArguments, booleanArgument, requireConnection, stringArgument } from './support/requireConnection';
import { showError, showInformation, showWarning } from '../adapters/userMessages';

export interface CreateTaskResult {
  /** busy: another create was being sent, so this one sent nothing. */
  readonly outcome: 'created' | 'cancelled' | 'failed' | 'busy';
  readonly taskId?: string;
  /** Exactly what was handed to the API (never the key). */
  readonly request?: CreateTaskInput;
  /** The pre-flight issues raised, with the answer each got. */
  readonly preflight?: readonly { readonly kind: PreflightIssueKind; readonly choice: PreflightChoice }[];
  readonly message?: string;
}

/** Where the task will run: a GitHub repository at a base branch, or nowhere (a standalone prompt). */
type Target =
  | { readonly kind: 'repository'; readonly repository: LocalRepository; readonly remote: GitHubRemote }
  | { readonly kind: 'standalone' };

/** What a retry, or a test, passes to skip the questions already answered. */
interface CreateArguments {
  readonly repository?: string;
  readonly remote?: string;
  readonly standalone?: boolean;
  readonly prompt?: string;
  /** Prefills the prompt box with this text (a hand-over from the editor, a link): the user still edits and sends it. */
  readonly initialPrompt?: string;
  /** Which kept draft this create works on: a hand-over's has its own, so it never replaces what was typed in the box. */
  readonly draft?: 'handover';
  readonly acceptDraft?: boolean;
  readonly agent?: string;
  readonly model?: string;
  readonly agents?: readonly AgentChoice[];
  /** Take agent and model from the settings without asking. */
  readonly useDefaults?: boolean;
  /** Answers to pre-flight issues; an issue without an answer cancels. Absent: ask. */
  readonly preflight?: Partial<Record<PreflightIssueKind, PreflightChoice>>;
  /** The branch to use when a pre-flight answer is pickBranch, or (with skipPreflight) the base branch. */
  readonly baseBranch?: string;
  readonly skipPreflight?: boolean;
}

/** One draft for every new task: whatever was typed last is offered again, whichever repository it ends up in. */
const DRAFT_KEY = 'create:task';
/** The draft of a prefilled hand-over prompt, kept apart so handing a spot over never overwrites a typed draft. */
const HANDOVER_DRAFT_KEY = 'create:handover';
/** Push-and-recheck rounds before giving up; each round resolves at least one issue. */
const MAX_PREFLIGHT_ROUNDS = 6;

/**
 * Create Task…: where (repository, GitHub remote, base branch — with a pre-flight of what
 * the agent would not see), what (a prompt, kept as a draft until the server accepts it),
 * who (agent/model or several agents), then one request. A create is never retried
 * automatically and never sent while another is in flight. Its argument object (keybindings,
 * `command:` links, retries, tests): see CreateArguments and the README's Command arguments.
 */
export function createTaskCommand(context: CommandContext) {
  const drafts = createDraftStore(context.extension.workspaceState);
  let sending = false;

  return async (argument?: unknown): Promise<CreateTaskResult> => {
    const args = readCreateArguments(argument);
    const connection = await requireConnection(context);
    if (!connection) {
      if (args.prompt) await drafts.save(DRAFT_KEY, args.prompt);
      return { outcome: 'cancelled', message: vscode.l10n.t('No API key is set.') };
    }

    const target = await chooseTarget(context, args);
    if (!target) return { outcome: 'cancelled' };

    let baseBranch: string | undefined;
    const answered: { kind: PreflightIssueKind; choice: PreflightChoice }[] = [];
    if (target.kind === 'repository') {
      const checked = await runPreflight(target.repository, target.remote, args, answered);
      if (!checked.ok)
        return { outcome: 'cancelled', preflight: answered, ...(checked.message ? { message: checked.message } : {}) };
      baseBranch = checked.branch;
    }

    const where =
      target.kind === 'repository'
        ? `${gitHubDisplayName(target.remote.repository)} · ${baseBranch}`
        : vscode.l10n.t('no repository');
    const draftKey = args.draft === 'handover' || args.initialPrompt !== undefined ? HANDOVER_DRAFT_KEY : DRAFT_KEY;
    let prompt = args.prompt?.trim();
    if (!prompt && args.acceptDraft) {
      prompt = drafts.get(draftKey)?.trim();
      if (!prompt)
        return { outcome: 'cancelled', preflight: answered, message: vscode.l10n.t('There is no draft to send.') };
    }
    if (!prompt) {
      const draft = args.initialPrompt ?? drafts.get(draftKey);
      prompt = (
        await askForPrompt({
          title: vscode.l10n.t('New BLACKBOX task ({0})', where),
          placeHolder: vscode.l10n.t('Describe the change for the agent'),
          ...(draft ? { initialValue: draft } : {}),
          onDraft: (text) => void drafts.save(draftKey, text),
        })
      )?.trim();
      if (!prompt) return { outcome: 'cancelled', preflight: answered };
    }
    await drafts.save(draftKey, prompt);

    const selection = hasAgentArguments(args)
      ? selectionFromArguments(args)
      : await pickAgents(connection.kind, vscode.l10n.t('New BLACKBOX task ({0})', where));
    if (!selection)
      return { outcome: 'cancelled', preflight: answered, message: vscode.l10n.t('Your prompt is kept as a draft.') };

    const request: CreateTaskInput = {
      prompt,
      ...(target.kind === 'repository'
        ? { repoUrl: target.remote.cloneUrl, ...(baseBranch ? { baseBranch } : {}) }
        : {}),
      ...(selection.kind === 'single'
        ? {
            ...(selection.agent ? { agent: selection.agent } : {}),
            ...(selection.model ? { model: selection.model } : {}),
          }
        : { agents: selection.agents }),
    };

    if (sending) {
      const message = vscode.l10n.t(
        'A task is already being created. Wait for it to finish; your prompt is kept as a draft.',
      );
      void showInformation(message);
      return { outcome: 'busy', request, message };
    }
    // The connection may have changed while the user was typing.
    const current = context.session.current();
    if (!current) {
      void requireConnection(context);
      return {
        outcome: 'failed',
        request,
        message: vscode.l10n.t('No API key is set. Your prompt is kept as a draft.'),
      };
    }

    sending = true;
    let created: CreatedTask;
    try {
      created = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Creating the task ({0})…', where) },
        () => current.api.create(request),
      );
    } catch (error) {
      const uncertain = NetworkError.is(error) || TimeoutError.is(error);
      if (uncertain) void context.store.refresh();
      const doing = uncertain
        ? vscode.l10n.t(
            'Creating the task (your prompt is kept as a draft). The server may have received it: check the list before you retry, so it is not created twice',
          )
        : vscode.l10n.t('Creating the task (your prompt is kept as a draft)');
      void presentError(error, doing, {
        logger: context.logger,
        redact: (text) => context.session.redact(text),
        canRetry: true,
      }).then((retry) => {
        if (retry)
          void vscode.commands.executeCommand(
            'blackboxTasks.createTask',
            retryArguments(target, baseBranch, selection, draftKey === HANDOVER_DRAFT_KEY),
          );
      });
      return {
        outcome: 'failed',
        request,
        preflight: answered,
        message: context.session.redact(describeError(error, doing).message),
      };
    } finally {
      sending = false;
    }

    await drafts.clear(draftKey);
    context.store.upsert(created.task);
    context.logger.info(
      `Created task ${created.id} (${where}${created.agentCount ? `, ${created.agentCount} agents` : ''}).`,
    );
    // Revealing is a courtesy (a row not drawn yet is skipped by reveal); any other failure is logged, never the command's.
    context.view
      .reveal(created.id)
      .catch((error: unknown) =>
        context.logger.debug(
          `Could not reveal task ${created.id}: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
    followTaskLogs(context.logs, created.id);
    vscode.window.setStatusBarMessage(`$(check) ${vscode.l10n.t('Task created ({0}).', where)}`, 5_000);
    return { outcome: 'created', taskId: created.id, request, preflight: answered };
  };
}

function readCreateArguments(argument: unknown): CreateArguments {
  const raw = actionArguments(argument);
  const preflight = raw['preflight'];
  const agents = raw['agents'];
  const text = (name: string): string | undefined => stringArgument(argument, name);
  const flag = (name: string): boolean | undefined => booleanArgument(argument, name);
  return {
    ...(text('repository') !== undefined ? { repository: text('repository') } : {}),
    ...(text('remote') !== undefined ? { remote: text('remote') } : {}),
    ...(flag('standalone') !== undefined ? { standalone: flag('standalone') } : {}),
    ...(text('prompt') !== undefined ? { prompt: text('prompt') } : {}),
    ...(text('initialPrompt') !== undefined ? { initialPrompt: text('initialPrompt') } : {}),
    ...(text('draft') === 'handover' ? { draft: 'handover' as const } : {}),
    ...(flag('acceptDraft') !== undefined ? { acceptDraft: flag('acceptDraft') } : {}),
    ...(text('agent') !== undefined ? { agent: text('agent') } : {}),
    ...(text('model') !== undefined ? { model: text('model') } : {}),
    ...(Array.isArray(agents) ? { agents: agents.filter(isAgentChoice) } : {}),
    ...(flag('useDefaults') !== undefined ? { useDefaults: flag('useDefaults') } : {}),
    ...(preflight && typeof preflight === 'object' ? { preflight: preflight } : {}),
    ...(text('baseBranch') !== undefined ? { baseBranch: text('baseBranch') } : {}),
    ...(flag('skipPreflight') !== undefined ? { skipPreflight: flag('skipPreflight') } : {}),
  };
}

function isAgentChoice(value: unknown): value is AgentChoice {
  return typeof value === 'object' && value !== null && typeof (value as { agent?: unknown }).agent === 'string';
}

function hasAgentArguments(args: CreateArguments): boolean {
  return args.agent !== undefined || args.model !== undefined || args.agents !== undefined || args.useDefaults === true;
}

function selectionFromArguments(args: CreateArguments): AgentSelection {
  if (args.agents && args.agents.length > 0) return { kind: 'multi', agents: args.agents };
  const defaults = agentDefaults();
  const agent = args.agent ?? defaults.agent;
  const model = args.model ?? defaults.model;
  return { kind: 'single', ...(agent ? { agent } : {}), ...(model ? { model } : {}) };
}

function retryArguments(
  target: Target,
  baseBranch: string | undefined,
  selection: AgentSelection,
  handover: boolean,
): CreateArguments {
  const who: Partial<CreateArguments> = {
    ...(selection.kind === 'multi'
      ? { agents: selection.agents }
      : // An empty agent stands for "the service's default", so the retry does not ask again.
        { agent: selection.agent ?? '', ...(selection.model ? { model: selection.model } : {}) }),
    ...(handover ? { draft: 'handover' as const } : {}),
  };
  if (target.kind === 'standalone') return { standalone: true, acceptDraft: true, ...who };
  return {
    repository: target.repository.root.fsPath,
    remote: target.remote.remote,
    ...(baseBranch ? { baseBranch } : {}),
    skipPreflight: true,
    acceptDraft: true,
    ...who,
  };
}

/** Repository and GitHub remote, or a standalone task when there is none (and the user agrees). */
async function chooseTarget(context: CommandContext, args: CreateArguments): Promise<Target | undefined> {
  if (args.standalone) return { kind: 'standalone' };
  const interactive = args.repository === undefined;

  const loaded = await context.git.load();
  if (!loaded.ok) return offerStandalone(loaded.message, interactive);

  let repository: LocalRepository | undefined;
  const repositories = await context.git.repositories();
  if (args.repository !== undefined) {
    const wanted = vscode.Uri.file(args.repository).fsPath;
    repository =
      repositories.find((candidate) => candidate.root.fsPath === wanted) ??
      (await context.git.openRepository(vscode.Uri.file(args.repository)));
    if (!repository)
      return offerStandalone(vscode.l10n.t('{0} is not an open git repository.', args.repository), false);
  } else if (repositories.length === 0) {
    return offerStandalone(vscode.l10n.t('No git repository is open in this window.'), true);
  } else if (repositories.length === 1) {
    repository = repositories[0];
  } else {
    const choice = await pickRepository(repositories, {
      placeHolder: vscode.l10n.t('Which repository should the agent work on?'),
      offerStandalone: true,
    });
    if (!choice) return undefined;
    if (choice.kind === 'standalone') return { kind: 'standalone' };
    repository = choice.repository;
  }
  if (!repository) return undefined;

  const remotes = repository.gitHubRemotes();
  let remote: GitHubRemote | undefined;
  if (args.remote !== undefined) {
    remote = remotes.find((candidate) => candidate.remote === args.remote);
    if (!remote)
      return offerStandalone(
        vscode.l10n.t('The remote "{0}" of {1} does not point at GitHub.', args.remote, repository.label),
        false,
      );
  } else {
    remote = repository.preferredGitHubRemote();
    if (!remote && remotes.length > 1) {
      if (!interactive) return undefined;
      remote = await pickGitHubRemote(
        remotes,
        vscode.l10n.t('Which remote of {0} should the agent clone?', repository.label),
      );
      if (!remote) return undefined;
    }
  }
  if (!remote)
    return offerStandalone(
      vscode.l10n.t('{0} has no GitHub remote, so the agent cannot clone it.', repository.label),
      interactive,
    );
  return { kind: 'repository', repository, remote };
}

async function offerStandalone(why: string, interactive: boolean): Promise<Target | undefined> {
  if (!interactive) {
    void showWarning(why);
    return undefined;
  }
  const choice = await showInformation(
    why,
    {
      modal: true,
      detail: vscode.l10n.t('You can still create a standalone task: the agent gets your prompt but no repository.'),
    },
    vscode.l10n.t('Create Standalone Task'),
  );
  return choice ? { kind: 'standalone' } : undefined;
}

type PreflightOutcome =
  { readonly ok: true; readonly branch: string } | { readonly ok: false; readonly message?: string };

/**
 * Explains, one at a time, what the agent would not see, and acts on the answer: push and
 * look again, accept, base the task on another remote branch, or stop.
 */
async function runPreflight(
  repository: LocalRepository,
  remote: GitHubRemote,
  args: CreateArguments,
  answered: { kind: PreflightIssueKind; choice: PreflightChoice }[],
): Promise<PreflightOutcome> {
  if (args.skipPreflight && args.baseBranch) return { ok: true, branch: args.baseBranch };
  const accepted = new Set<PreflightIssueKind>();
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Checking {0}', remote.remote) },
      async () => {
        await repository.refresh();
        const branch = repository.head().branch;
        if (!branch) return;
        try {
          await repository.fetch(remote.remote, branch);
        } catch (error) {
          // Not on the remote, or offline: the remote-tracking refs still tell what is known.
          if (!GitOperationError.is(error)) throw error;
        }
      },
    );
    for (let round = 0; round < MAX_PREFLIGHT_ROUNDS; round++) {
      const state = await readPreflightState(repository, remote.remote);
      const issue: PreflightIssue | undefined = preflightIssues(state, accepted)[0];
      if (!issue) return state.branch ? { ok: true, branch: state.branch } : { ok: false };
      const choice = args.preflight ? (args.preflight[issue.kind] ?? 'cancel') : await askAbout(issue);
      answered.push({ kind: issue.kind, choice });
      if (choice === 'cancel') return { ok: false, message: issue.message };
      if (choice === 'useRemote') {
        accepted.add(issue.kind);
      } else if (choice === 'push' && state.branch) {
        const branch = state.branch;
        const setUpstream = repository.head().upstream === undefined;
        await vscode.window.withProgress(
          {
            location: vscode.ProgressLocation.Notification,
            title: vscode.l10n.t('Pushing "{0}" to {1}…', branch, remote.remote),
          },
          () => repository.push(remote.remote, branch, setUpstream),
        );
        await repository.refresh();
      } else if (choice === 'pickBranch') {
        const picked = args.preflight
          ? args.baseBranch
          : await pickRemoteBranch(repository, remote.remote, {
              placeHolder: vscode.l10n.t('Base the task on which branch of {0}?', remote.remote),
              ...(state.branch ? { preferred: [state.branch] } : {}),
            });
        return picked ? { ok: true, branch: picked } : { ok: false };
      }
    }
    return { ok: false, message: vscode.l10n.t('The repository kept changing while it was being checked. Try again.') };
  } catch (error) {
    if (!GitOperationError.is(error)) throw error;
    void showError(error.message);
    return { ok: false, message: error.message };
  }
}

async function readPreflightState(repository: LocalRepository, remote: string): Promise<PreflightState> {
  const head = repository.head();
  const uncommitted = repository.uncommittedCount();
  if (!head.branch) {
    return {
      remote,
      onRemote: false,
      ahead: 0,
      uncommitted,
      ...(head.commit ? { headCommit: head.commit.slice(0, 7) } : {}),
    };
  }
  const onRemote = (await repository.remoteBranch(remote, head.branch)) !== undefined;
  const ahead = onRemote ? await repository.commitsAhead(head.branch, remote) : 0;
  return { branch: head.branch, remote, onRemote, ahead, uncommitted };
}

async function askAbout(issue: PreflightIssue): Promise<PreflightChoice> {
  const options = issue.options.filter((option) => option.choice !== 'cancel');
  const picked = await showWarning(
    issue.message,
    { modal: true, detail: issue.detail },
    ...options.map((option) => option.label),
  );
  return options.find((option) => option.label === picked)?.choice ?? 'cancel';
}
