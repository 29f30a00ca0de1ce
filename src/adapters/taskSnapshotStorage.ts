import * as vscode from 'vscode';
import { createHash } from 'node:crypto';
import type { SnapshotStorage, TaskSnapshot } from '../core/taskSnapshot';

/**
 * The task snapshot as one JSON file per API kind and base URL in the extension's global
 * storage (not in globalState, which every window loads whole at startup). The file name
 * is a hash of kind and URL, so it says nothing about the account and holds no key.
 */
export function createTaskSnapshotStorage(storageUri: vscode.Uri): SnapshotStorage {
  const fileFor = (accountKey: string): vscode.Uri =>
    vscode.Uri.joinPath(storageUri, `tasks-${createHash('sha256').update(accountKey).digest('hex').slice(0, 16)}.json`);
  return {
    async load(accountKey: string): Promise<unknown> {
      let bytes: Uint8Array;
      try {
        bytes = await vscode.workspace.fs.readFile(fileFor(accountKey));
      } catch (error) {
        if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return undefined;
        throw error;
      }
      return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    },
    async save(accountKey: string, snapshot: TaskSnapshot): Promise<void> {
      await vscode.workspace.fs.createDirectory(storageUri);
      await vscode.workspace.fs.writeFile(fileFor(accountKey), new TextEncoder().encode(JSON.stringify(snapshot)));
    },
  };
}
