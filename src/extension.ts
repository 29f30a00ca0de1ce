import * as vscode from 'vscode';
import { useBundle } from './core/util/l10n';
import { ApiSession } from './adapters/api/apiSession';
import { createLogger, type Logger } from './adapters/logger';
import { followRefreshInterval, storeConnectionOf } from './adapters/api/storeConnection';
import { createWorkspaceRemotes } from './adapters/git/workspaceRemotes';
import {
  createFinishedNotifications,
  createNoticePresenter,
  type NoticePresenter,
} from './adapters/tasks/finishedNotifications';
import { createTaskStatusBar } from './adapters/tasks/statusBar';
import { createTaskSnapshotStorage } from './adapters/tasks/taskSnapshotStorage';
import { createTasksView, type TasksView } from './adapters/view/tasksView';
import { PollingTaskStore } from './core/tasks/pollingTaskStore';
import { createLogChannels, type LogChannels } from './adapters/logs/logChannels';
import { createGitAccess, type GitAccess } from './adapters/git/git';
import { registerCommands } from './commands/index';
import { createReviewCommentsHolder, type ReviewCommentsHolder } from './adapters/review/reviewComments';
import type { TaskListStore } from './core/tasks/taskStore';
import { showError } from './adapters/userMessages';
import { registerHandoverCodeActions } from './adapters/handover/codeActions';
import {
  languageModelTools,
  registerLanguageModelTools,
  type LanguageModelTools,
} from './adapters/handover/languageModelTools';
import { registerTaskUriHandler, type TaskUriHandler } from './adapters/handover/uriHandler';

/**
 * What `activate` returns: the composed parts, so integration tests drive and observe the
 * collaborators themselves (a test may wrap one, as it would wrap a fake); nothing here exists for tests only.
 */
export interface BlackboxTasksTestApi {
  readonly session: ApiSession;
  /** The store as the Tasks view sees it (its status, paging and schedule too). */
  readonly store: TaskListStore;
  readonly view: TasksView;
  /** How the finished-task notifications are shown. */
  readonly notices: NoticePresenter;
  readonly logs: LogChannels;
  readonly git: GitAccess;
  readonly logger: Logger;
  /** The chat tools and the link handler, as registered with VS Code. */
  readonly tools: LanguageModelTools;
  readonly uriHandler: TaskUriHandler;
  readonly reviews: ReviewCommentsHolder;
  /** Where the view keeps the user's filter and expand/collapse choices. */
  readonly workspaceState: vscode.Memento;
  /** Milliseconds `activate` itself took (it never waits on the network). */
  readonly activationMs: number;
}

/**
 * The composition root: builds each part, wires them together, registers them for
 * disposal. Nothing here waits on the network; the stored key is read in the background.
 */
export function activate(extension: vscode.ExtensionContext): BlackboxTasksTestApi {
  const started = performance.now();
  useBundle(vscode.l10n.bundle);
  let redact: (text: string) => string = (text) => text;
  const logger = createLogger(
    () => vscode.window.createOutputChannel('BLACKBOX Agent Tasks', { log: true }),
    (text) => redact(text),
  );
  extension.subscriptions.push(logger);
  try {
    const session = new ApiSession(extension, logger);
    redact = (text) => session.redact(text);
    extension.subscriptions.push(session);

    const git = createGitAccess({ logger });
    extension.subscriptions.push(git);
    const remotes = createWorkspaceRemotes(git);
    extension.subscriptions.push(remotes);

    const connection = storeConnectionOf(session, logger);
    extension.subscriptions.push(connection);
    const store = new PollingTaskStore({
      connection,
      storage: createTaskSnapshotStorage(extension.globalStorageUri),
      onDiagnostic: (message, level) => (level === 'warn' ? logger.warn(message) : logger.debug(message)),
    });
    extension.subscriptions.push(store, followRefreshInterval(session, store));

    const view = createTasksView({ extension, store, remotes, logger });
    extension.subscriptions.push(view);
    const notices = createNoticePresenter();
    const notifications = createFinishedNotifications({
      store,
      logger,
      presenter: notices,
      onSeen: (taskId) => view.markSeen(taskId),
    });
    extension.subscriptions.push(notifications);
    const logs = createLogChannels({ extension, session, store, logger });
    extension.subscriptions.push(logs);

    const reviews = createReviewCommentsHolder(extension.workspaceState, logger);
    extension.subscriptions.push(reviews);

    const commandContext = { extension, session, store, view, logs, git, logger, reviews };
    registerCommands(commandContext);
    registerHandoverCodeActions(extension, () => session.keySource !== 'none');
    const tools = languageModelTools(commandContext);
    const uriHandler = registerTaskUriHandler(commandContext);

    const activationMs = performance.now() - started;
    // The rest runs once activate() has returned (VS Code counts activate()'s own time against
    // the extension): the status bar, the first frame of the view, the saved list and the first
    // refresh, the stored key, and the chat tools (VS Code asks for none of them before then).
    const startUp = setImmediate(() => {
      try {
        registerLanguageModelTools(extension, tools);
        extension.subscriptions.push(createTaskStatusBar(store));
        // The view subscribed first, so the first answers land in a drawn tree.
        view.start();
        store.start();
        void session.initialize();
        logger.info(
          `Activated in ${activationMs.toFixed(1)} ms (then started in ${(performance.now() - started - activationMs).toFixed(1)} ms).`,
        );
      } catch (error) {
        reportStartFailure(error, logger, redact);
      }
    });
    extension.subscriptions.push({ dispose: () => clearImmediate(startUp) });
    return {
      session,
      store,
      view,
      notices,
      logs,
      git,
      logger,
      tools,
      uriHandler,
      reviews,
      workspaceState: extension.workspaceState,
      activationMs,
    };
  } catch (error) {
    reportStartFailure(error, logger, redact);
    throw error;
  }
}

/** VS Code hides activation failures in its own log; say it where the user looks. */
function reportStartFailure(error: unknown, logger: Logger, redact: (text: string) => string): void {
  const message = error instanceof Error ? error.message : String(error);
  logger.error(`Activation failed: ${message}`);
  void showError(
    vscode.l10n.t('BLACKBOX Agent Tasks could not start: {0}', redact(message)),
    vscode.l10n.t('Show Output'),
  ).then((choice) => {
    if (choice) logger.show();
  });
}

export function deactivate(): void {
  // Everything is disposed through extension.subscriptions.
}
