import * as vscode from 'vscode';
import type { CommandContext } from '../../commands/support/commandContext';
import type { CreateTaskResult } from '../../commands/createTask';
import { requireConnection } from '../../commands/support/requireConnection';
import { describeError } from '../../core/view/errorDescription';
import { NotFoundError } from '../../core/http/errors';
import { isPlausibleTaskId } from '../../core/handover/toolText';
import { oneLine } from '../../core/util/untrustedText';
import type { TaskUriHandler, UriOutcome } from './uriHandler';

/** Longest prompt a link may prefill: links travel through chat and mail, a prompt box should stay readable. */
const MAX_LINK_PROMPT_CHARS = 20_000;

/**
 * Links into the editor:
 * - `vscode://<publisher>.blackbox-agent-tasks/task?id=<id>` reveals the task's row and opens its log;
 * - `…/create?prompt=<text>` opens Create Task with the prompt prefilled. Anyone can write a
 *   link, so it never sends anything: the user reads the prompt in the box and sends it.
 * Anything else is answered with a message saying what a link should look like.
 * `handleUri` resolves with what it did (VS Code ignores the value; tests read it).
 */
export class TaskUriHandlerBody implements TaskUriHandler {
  constructor(private readonly context: CommandContext) {}

  async handleUri(uri: vscode.Uri): Promise<UriOutcome> {
    const query = new URLSearchParams(uri.query);
    const path = uri.path.replace(/\/+$/, '');
    if (path === '/task') return this.showTask(query.get('id') ?? '');
    if (path === '/create') return this.create(query.get('prompt'));
    return this.refuse(
      vscode.l10n.t(
        'This BLACKBOX link is not understood ({0}). Links open a task (/task?id=…) or Create Task (/create?prompt=…).',
        oneLine(path || '/', 80),
      ),
    );
  }

  private async showTask(raw: string): Promise<UriOutcome> {
    const id = raw.trim();
    if (!isPlausibleTaskId(id))
      return this.refuse(
        id === ''
          ? vscode.l10n.t('This BLACKBOX link names no task: it needs ?id=<task id>.')
          : vscode.l10n.t('This BLACKBOX link names no valid task id ("{0}").', oneLine(id, 80)),
      );
    const connection = await requireConnection(this.context);
    if (!connection) return { outcome: 'refused', message: vscode.l10n.t('No API key is set.') };
    const { store, view, logs, logger, session } = this.context;
    let task = store.get(id);
    if (!task) {
      try {
        const { messages: _messages, ...details } = await connection.api.get(id);
        task = details;
        store.upsert(task);
      } catch (error) {
        return this.refuse(
          NotFoundError.is(error)
            ? vscode.l10n.t('Task {0} from the link was not found for the current API key.', id)
            : session.redact(describeError(error, vscode.l10n.t('Opening task {0}', id)).message),
        );
      }
    }
    await vscode.commands.executeCommand('workbench.view.extension.blackboxTasks');
    view
      .reveal(id)
      .catch((error: unknown) =>
        logger.debug(`Could not reveal ${id}: ${error instanceof Error ? error.message : String(error)}`),
      );
    view.markSeen(id);
    await logs.show(id, { preserveFocus: false, task });
    return { outcome: 'shown', taskId: id };
  }

  private async create(prompt: string | null): Promise<UriOutcome> {
    if (prompt !== null && prompt.length > MAX_LINK_PROMPT_CHARS)
      return this.refuse(
        vscode.l10n.t(
          'The prompt in this BLACKBOX link is too long ({0} characters; at most {1}).',
          prompt.length,
          MAX_LINK_PROMPT_CHARS,
        ),
      );
    const initialPrompt = prompt?.trim();
    const result = await vscode.commands.executeCommand<CreateTaskResult | undefined>(
      'blackboxTasks.createTask',
      initialPrompt ? { initialPrompt } : undefined,
    );
    return { outcome: 'create', result };
  }

  private refuse(message: string): UriOutcome {
    void vscode.window.showErrorMessage(message);
    return { outcome: 'refused', message };
  }
}
