import * as vscode from 'vscode';
import { Emitter } from '../../core/util/emitter';
import { messageOf } from '../../core/util/errorMessage';
import type { ConnectionSource, ConnectionState, RefreshControls } from '../../core/tasks/taskStore';
import { accountKeyFor } from '../../core/tasks/taskSnapshot';
import type { Logger } from '../logger';
import type { ApiSession } from './apiSession';

/** The session's key and settings as the store sees them; "not read yet" is not "no key". */
export function storeConnectionOf(session: ApiSession, logger: Logger): ConnectionSource & vscode.Disposable {
  const changed = new Emitter<void>((error) => logger.error(`Switching accounts failed: ${messageOf(error)}`));
  const subscription = session.onDidChange(() => changed.fire());
  return {
    onDidChange: changed.event,
    state(): ConnectionState {
      const current = session.current();
      if (!session.isLoaded) return { kind: 'pending' };
      if (current)
        return {
          kind: 'connected',
          connection: {
            api: current.api,
            accountKey: accountKeyFor(current.kind, current.api.baseUrl, current.keyFingerprint),
          },
        };
      const problem = session.currentProblem();
      return problem && problem.reason !== 'noKey' ? { kind: 'none', problem: problem.message } : { kind: 'none' };
    },
    dispose: () => {
      subscription.dispose();
      changed.dispose();
    },
  };
}

/**
 * Keeps the store's refresh interval on the user's setting. The setting matters once there is a
 * connection to refresh, so it is first read then, not during activate() (the store starts on
 * the setting's default).
 */
export function followRefreshInterval(session: ApiSession, store: RefreshControls): vscode.Disposable {
  let read = false;
  return vscode.Disposable.from(
    session.onDidChange(() => {
      if (read || !session.isLoaded) return;
      read = true;
      store.setRefreshInterval(refreshIntervalMs());
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('blackboxTasks.refreshIntervalSeconds'))
        store.setRefreshInterval(refreshIntervalMs());
    }),
  );
}

function refreshIntervalMs(): number {
  const seconds = vscode.workspace.getConfiguration('blackboxTasks').get<number>('refreshIntervalSeconds', 5);
  return Math.min(600, Math.max(2, Number.isFinite(seconds) ? seconds : 5)) * 1000;
}
