import * as vscode from 'vscode';
import {
  API_NAMES,
  decideKeyKind,
  keyInputProblem,
  verificationVerdict,
  type VerificationVerdict,
} from '../core/api/keyCheck';
import type { ApiKind } from '../core/tasks/model';
import { hostOf } from '../core/http/http';
import type { TasksApi } from '../core/api/tasksApi';
import type { CommandContext } from './support/commandContext';
import { actionArguments, booleanArgument, stringArgument } from './support/requireConnection';
import { showError, showInformation, showWarning } from '../adapters/userMessages';

export type SetApiKeyOutcome =
  'verified' | 'storedUnverified' | 'rejected' | 'notStored' | 'invalid' | 'unusableUrl' | 'cancelled';

export interface SetApiKeyResult {
  readonly outcome: SetApiKeyOutcome;
  readonly stored: boolean;
  readonly kind?: ApiKind;
  /** What the user was told (never contains the key). */
  readonly message?: string;
}

/**
 * Set API Key…: a password input; the key's prefix (or the user's choice when it has
 * none we know) picks the API; one cheap request (`list`, limit 1) verifies the key before
 * it is stored in SecretStorage. A rejected key is never stored; when the server cannot be
 * reached the user may store it unchecked. Argument object (README, Command arguments):
 * `{ key, kind?, storeUnverified? }`.
 */
export function setApiKeyCommand(context: CommandContext) {
  const { session, logger, store } = context;

  return async (argument?: unknown): Promise<SetApiKeyResult> => {
    const envInUse = session.keySource === 'env';
    const key = (stringArgument(argument, 'key') ?? (await askForKey(session.keySource)))?.trim();
    if (!key) return { outcome: 'cancelled', stored: false };
    const problem = keyInputProblem(key);
    if (problem) return tell('error', { outcome: 'invalid', stored: false, message: problem });

    const chosen = actionArguments(argument).kind;
    let kind: ApiKind;
    let note: string | undefined;
    if (chosen === 'agent' || chosen === 'cloud') {
      kind = chosen;
    } else {
      const decision = decideKeyKind(key, apiSetting());
      if (decision.kind === 'unknown') {
        const picked = await pickKind(decision.warning);
        if (!picked) return { outcome: 'cancelled', stored: false };
        kind = picked;
      } else {
        kind = decision.kind;
        note = decision.warning;
      }
    }

    let candidate: TasksApi;
    try {
      candidate = session.candidate(key, kind);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const setting = kind === 'agent' ? 'blackboxTasks.agentApiUrl' : 'blackboxTasks.cloudApiUrl';
      return tell('error', {
        outcome: 'unusableUrl',
        stored: false,
        kind,
        message: vscode.l10n.t('The key was not stored: the setting {0} cannot be used. {1}', setting, reason),
      });
    }

    const verdict = await verify(candidate, kind, key);
    if (verdict?.verdict === 'cancelled') return { outcome: 'cancelled', stored: false, kind };
    if (verdict?.verdict === 'rejected') {
      logger.warn(`A new API key was not stored: the ${API_NAMES[kind]} rejected it.`);
      const message = note ? `${verdict.message} ${note}` : verdict.message;
      void showError(message, vscode.l10n.t('Try Again')).then((choice) => {
        if (choice) void vscode.commands.executeCommand('blackboxTasks.setApiKey');
      });
      return { outcome: 'rejected', stored: false, kind, message };
    }
    if (verdict?.verdict === 'unverified') {
      logger.warn(`A new API key could not be checked: ${verdict.message}`);
      const storeAnywayLabel = vscode.l10n.t('Store Anyway');
      const storeAnyway =
        booleanArgument(argument, 'storeUnverified') ??
        (await showWarning(verdict.message, { modal: true }, storeAnywayLabel)) === storeAnywayLabel;
      if (!storeAnyway) return { outcome: 'notStored', stored: false, kind, message: verdict.message };
    }

    const client = session.current()?.api;
    await session.storeKey(key, kind);
    // The same key stored again is not a new account, so nothing reconnects; but it was just
    // accepted, so a refresh schedule stopped by an earlier refusal of it starts again.
    if (verdict === undefined && client !== undefined && session.current()?.api === client) void store.refresh();
    // The host, not the URL: messages neutralise anything link-shaped, which would print the
    // extension's own address as "http[:]//…".
    const host = hostOf(candidate.baseUrl);
    const connected =
      verdict === undefined
        ? vscode.l10n.t('API key stored. Connected to the {0} at {1}.', API_NAMES[kind], host)
        : vscode.l10n.t('API key stored without checking it. Connected to the {0} at {1}.', API_NAMES[kind], host);
    const precedence = envInUse ? vscode.l10n.t('It takes precedence over BLACKBOX_API_KEY from the environment.') : '';
    const message = [connected, precedence, note].filter(Boolean).join(' ');
    logger.info(`API key stored (${API_NAMES[kind]}, ${verdict === undefined ? 'verified' : 'not verified'}).`);
    return tell('info', {
      outcome: verdict === undefined ? 'verified' : 'storedUnverified',
      stored: true,
      kind,
      message,
    });
  };
}

async function askForKey(source: 'secret' | 'env' | 'none'): Promise<string | undefined> {
  const context =
    source === 'env'
      ? vscode.l10n.t(
          'BLACKBOX_API_KEY from the environment is in use now; a key stored here takes precedence over it. ',
        )
      : source === 'secret'
        ? vscode.l10n.t('This replaces the stored key. ')
        : '';
  return vscode.window.showInputBox({
    title: vscode.l10n.t('BLACKBOX: Set API Key'),
    password: true,
    ignoreFocusOut: true,
    placeHolder: vscode.l10n.t('sk-… (Agent API v1, Pro plan) or bb_… (Cloud API token)'),
    prompt: `${context}${vscode.l10n.t("The key is checked with one request, then kept in VS Code's secret storage.")}`,
    validateInput: (value) => (value.trim() === '' ? undefined : keyInputProblem(value)),
  });
}

async function pickKind(warning: string): Promise<ApiKind | undefined> {
  const items: (vscode.QuickPickItem & { readonly api: ApiKind })[] = [
    {
      label: API_NAMES.agent,
      description: 'agent.blackbox.ai',
      detail: vscode.l10n.t('Keys that come with a BLACKBOX Pro plan (normally sk-…)'),
      api: 'agent',
    },
    {
      label: API_NAMES.cloud,
      description: 'cloud.blackbox.ai',
      detail: vscode.l10n.t('BLACKBOX Cloud API tokens (normally bb_…)'),
      api: 'cloud',
    },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Unrecognised key: which API is it for?'),
    placeHolder: warning,
    ignoreFocusOut: true,
  });
  return picked?.api;
}

/** One cheap request with the new key; undefined when it was accepted. */
async function verify(api: TasksApi, kind: ApiKind, key: string): Promise<VerificationVerdict | undefined> {
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Checking the key with the {0}…', API_NAMES[kind]),
      cancellable: true,
    },
    async (_progress, token) => {
      const controller = new AbortController();
      const subscription = token.onCancellationRequested(() => controller.abort());
      try {
        await api.list({ limit: 1, signal: controller.signal });
        return undefined;
      } catch (error) {
        return verificationVerdict(error, kind, key);
      } finally {
        subscription.dispose();
      }
    },
  );
}

/** The user's own `blackboxTasks.api` value (application scope: workspaces cannot set it). */
function apiSetting(): string | undefined {
  return vscode.workspace.getConfiguration('blackboxTasks').inspect<string>('api')?.globalValue;
}

function tell(severity: 'info' | 'error', result: SetApiKeyResult): SetApiKeyResult {
  if (result.message) {
    if (severity === 'info') void showInformation(result.message);
    else void showError(result.message);
  }
  return result;
}
