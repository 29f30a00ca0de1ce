import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import { Disposable } from '../../core/util/disposable';
import { eventOrTimeout } from '../../core/util/async';
import type { ApiKind } from '../../core/tasks/model';
import type { TasksApi } from '../../core/api/tasksApi';
import {
  apiKindForKey,
  checkBaseUrl,
  DEFAULT_AGENT_API_URL,
  DEFAULT_CLOUD_API_URL,
  resolveApiKind,
  type ApiSetting,
} from '../../core/api/apiConfig';
import { createTasksApi } from '../../core/api/createTasksApi';
import type { Logger } from '../logger';

/** How long a caller right after start-up waits for the stored key to be read. */
const KEY_LOAD_WAIT_MS = 3_000;

export type KeySource = 'secret' | 'env' | 'none';

const SECRET_NAME = 'blackboxTasks.apiKey';
/** The API a user picked for a stored key whose prefix says nothing (kept beside it, not in settings). */
const CHOSEN_KIND_STATE = 'blackboxTasks.chosenApiKind';
const ENV_KEY = 'BLACKBOX_API_KEY';

export interface ApiConnection {
  readonly api: TasksApi;
  readonly kind: ApiKind;
  readonly keySource: Exclude<KeySource, 'none'>;
  /** A short one-way hash of the key: tells accounts apart (e.g. for caches) without holding the key. */
  readonly keyFingerprint: string;
}

/** Why no connection can be made right now, in words fit for the view. */
export type ConnectionProblem =
  | { readonly reason: 'noKey' }
  | { readonly reason: 'badUrl'; readonly message: string }
  | { readonly reason: 'unknownKeyKind'; readonly message: string };

/**
 * Owns the API key (SecretStorage, else the BLACKBOX_API_KEY environment variable) and the
 * user-level settings that decide where it may be sent, and hands out a TasksApi for them.
 * Only the user (global) values of the URL settings are read, never a workspace's.
 */
export class ApiSession extends Disposable implements vscode.Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private storedKey: string | undefined;
  private loaded = false;
  private connection: ApiConnection | undefined;
  private problem: ConnectionProblem = { reason: 'noKey' };
  /** Undefined until the first change event after the key was read. */
  private published: PublishedState | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly logger: Logger,
    private readonly environment: NodeJS.ProcessEnv = process.env,
  ) {
    super();
    this.register(
      context.secrets.onDidChange((e) => {
        if (e.key === SECRET_NAME) void this.reloadKey('the stored key changed (possibly in another window)');
      }),
    );
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (
          e.affectsConfiguration('blackboxTasks.api') ||
          e.affectsConfiguration('blackboxTasks.agentApiUrl') ||
          e.affectsConfiguration('blackboxTasks.cloudApiUrl')
        ) {
          this.rebuild('settings changed');
        }
      }),
    );
    // Until the stored key is read there is no connection to build: one built from the
    // environment key alone would be thrown away when it arrives. Nothing is published here:
    // activate() only registers, and initialize() runs once it has returned.
  }

  /** Says whether a key is known so far (the environment's), then reads the stored key. Local IPC only: never touches the network. */
  async initialize(): Promise<void> {
    this.publishKeySource();
    await this.reloadKey('startup');
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  /**
   * Resolves once the stored key has been read, or after a few seconds: a command or tool used
   * right after start-up waits for it rather than saying no key is set (local IPC, normally milliseconds).
   */
  async whenLoaded(): Promise<void> {
    if (!this.loaded) await eventOrTimeout(this.onDidChange, KEY_LOAD_WAIT_MS);
  }

  /** Whether BLACKBOX_API_KEY is set, whether or not a stored key takes precedence over it. */
  get hasEnvironmentKey(): boolean {
    return this.environmentKey() !== undefined;
  }

  get keySource(): KeySource {
    if (this.storedKey) return 'secret';
    if (this.environmentKey()) return 'env';
    return 'none';
  }

  current(): ApiConnection | undefined {
    return this.connection;
  }

  currentProblem(): ConnectionProblem | undefined {
    return this.connection ? undefined : this.problem;
  }

  /** A client for a key that is not stored yet, so it can be verified first. */
  candidate(key: string, kind: ApiKind): TasksApi {
    const baseUrl = this.baseUrlFor(kind);
    if (!baseUrl.ok) throw new Error(baseUrl.reason);
    return this.build(kind, baseUrl.url, key);
  }

  async storeKey(key: string, kind: ApiKind): Promise<void> {
    const chosen = apiKindForKey(key) === kind ? undefined : kind;
    await this.context.globalState.update(CHOSEN_KIND_STATE, chosen);
    await this.context.secrets.store(SECRET_NAME, key);
    await this.reloadKey('a key was stored');
  }

  async clearKey(): Promise<void> {
    await this.context.secrets.delete(SECRET_NAME);
    await this.context.globalState.update(CHOSEN_KIND_STATE, undefined);
    await this.reloadKey('the key was cleared');
  }

  /** Removes every secret this session knows from a text before it is shown or logged. */
  redact(text: string): string {
    let result = text;
    for (const secret of this.secrets()) {
      if (secret.length >= 4) result = result.split(secret).join('‹redacted›');
    }
    return result;
  }

  /** The secrets `redact` removes, for redactors of text that arrives in pieces (a streamed log). */
  secrets(): readonly string[] {
    return [this.storedKey, this.environmentKey()].filter((secret): secret is string => !!secret);
  }

  private async reloadKey(why: string): Promise<void> {
    try {
      this.storedKey = (await this.context.secrets.get(SECRET_NAME)) || undefined;
    } catch (error) {
      this.storedKey = undefined;
      this.logger.error(`Could not read the stored API key: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.loaded = true;
    this.rebuild(why);
  }

  private environmentKey(): string | undefined {
    const value = this.environment[ENV_KEY]?.trim();
    return value ? value : undefined;
  }

  private rebuild(why: string): void {
    if (!this.loaded) return;
    const key = this.storedKey ?? this.environmentKey();
    const source = this.keySource;
    const before = this.published;
    this.connection = undefined;
    if (!key || source === 'none') {
      this.problem = { reason: 'noKey' };
    } else {
      const kind = this.kindFor(key, source);
      if (!kind) {
        this.problem = {
          reason: 'unknownKeyKind',
          message: vscode.l10n.t(
            'The API key starts with neither sk- (Agent API) nor bb_ (Cloud API). Choose the API in the setting blackboxTasks.api or set the key again.',
          ),
        };
      } else {
        const baseUrl = this.baseUrlFor(kind);
        if (!baseUrl.ok) {
          this.problem = { reason: 'badUrl', message: baseUrl.reason };
        } else {
          const keyFingerprint = fingerprintOf(key);
          const same = before?.kind === 'connected' ? before.connection : undefined;
          // The same API, address and key (stored again, or a settings event that changed
          // none of them) keeps its client: listeners are not told of a change that is none.
          this.connection =
            same && same.kind === kind && same.api.baseUrl === baseUrl.url && same.keyFingerprint === keyFingerprint
              ? { ...same, keySource: source }
              : { api: this.build(kind, baseUrl.url, key), kind, keySource: source, keyFingerprint };
        }
      }
    }
    this.publishKeySource();
    const now = this.identity();
    if (before && sameIdentity(before, now)) {
      this.logger.debug(`Connection unchanged (${why}).`);
      return;
    }
    this.published = now;
    const target = this.connection
      ? `${this.connection.kind} API at ${this.connection.api.baseUrl}`
      : this.problem.reason;
    this.logger.info(`Connection: ${target} (key from ${source}; ${why}).`);
    this.changed.fire();
  }

  /** What listeners were last told: the connection, or the problem in its place. */
  private identity(): PublishedState {
    return this.connection
      ? { kind: 'connected', connection: this.connection }
      : { kind: 'problem', problem: this.problem };
  }

  /** The context keys for menus and welcome views: whether a key is known, and where it comes from. */
  private publishKeySource(): void {
    const source = this.keySource;
    void vscode.commands.executeCommand('setContext', 'blackboxTasks.hasKey', source !== 'none');
    void vscode.commands.executeCommand('setContext', 'blackboxTasks.keySource', source);
  }

  private kindFor(key: string, source: KeySource): ApiKind | undefined {
    const setting = this.userSetting<ApiSetting>('api', 'auto');
    if (setting !== 'auto') return resolveApiKind(setting, key);
    if (source === 'secret') {
      const chosen = this.context.globalState.get<ApiKind>(CHOSEN_KIND_STATE);
      if (chosen === 'agent' || chosen === 'cloud') return chosen;
    }
    return resolveApiKind(setting, key);
  }

  private baseUrlFor(kind: ApiKind): ReturnType<typeof checkBaseUrl> {
    const raw =
      kind === 'agent'
        ? this.userSetting('agentApiUrl', DEFAULT_AGENT_API_URL)
        : this.userSetting('cloudApiUrl', DEFAULT_CLOUD_API_URL);
    return checkBaseUrl(raw);
  }

  /** The user's own value or the default: workspace and folder values are ignored on purpose. */
  private userSetting<T>(name: string, fallback: T): T {
    const inspected = vscode.workspace.getConfiguration('blackboxTasks').inspect<T>(name);
    return inspected?.globalValue ?? inspected?.defaultValue ?? fallback;
  }

  private build(kind: ApiKind, baseUrl: string, apiKey: string): TasksApi {
    return createTasksApi({
      kind,
      baseUrl,
      apiKey,
      onDiagnostic: (message) => this.logger.debug(message),
    });
  }
}

type PublishedState =
  | { readonly kind: 'connected'; readonly connection: ApiConnection }
  | { readonly kind: 'problem'; readonly problem: ConnectionProblem };

/** Whether two states send the same key to the same place (or fail for the same reason). */
function sameIdentity(a: PublishedState, b: PublishedState): boolean {
  if (a.kind === 'connected' && b.kind === 'connected') return a.connection.api === b.connection.api;
  if (a.kind === 'problem' && b.kind === 'problem') return JSON.stringify(a.problem) === JSON.stringify(b.problem);
  return false;
}

function fingerprintOf(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}
