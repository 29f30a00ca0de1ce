import * as vscode from 'vscode';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LatestSnapshot, SnapshotStorage, TaskSnapshot } from '../../core/tasks/taskSnapshot';

/**
 * The task snapshot as one JSON file per account in the extension's global storage (not in
 * globalState, which every window loads whole at startup). A file's name is a hash of the
 * account key, so it says nothing about the account and holds no key. A small pointer file
 * names the snapshot written last, so the next start can draw it before the key is read;
 * it lives beside the snapshots, where they are (in code-server globalState lives in the
 * browser, the snapshots on the server).
 *
 * A `file:` storage folder is read and written with node:fs: through vscode.workspace.fs
 * every call is a round trip to the workbench, which in code-server means the browser.
 */

const LATEST_FILE = 'tasks-latest.json';

/** Bytes in and out of the storage folder; `read` gives undefined for a missing file. */
interface StorageFiles {
  read(name: string): Promise<Uint8Array | undefined>;
  write(name: string, bytes: Uint8Array): Promise<void>;
  remove(name: string): Promise<void>;
}

function nodeFiles(folder: string): StorageFiles {
  const path = (name: string) => join(folder, name);
  return {
    async read(name) {
      try {
        return await readFile(path(name));
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async write(name, bytes) {
      await mkdir(folder, { recursive: true });
      await writeFile(path(name), bytes);
    },
    remove: (name) => rm(path(name), { force: true }),
  };
}

function workspaceFiles(folder: vscode.Uri): StorageFiles {
  const uri = (name: string) => vscode.Uri.joinPath(folder, name);
  return {
    async read(name) {
      try {
        return await vscode.workspace.fs.readFile(uri(name));
      } catch (error) {
        if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return undefined;
        throw error;
      }
    },
    async write(name, bytes) {
      await vscode.workspace.fs.createDirectory(folder);
      await vscode.workspace.fs.writeFile(uri(name), bytes);
    },
    async remove(name) {
      try {
        await vscode.workspace.fs.delete(uri(name));
      } catch (error) {
        if (!(error instanceof vscode.FileSystemError && error.code === 'FileNotFound')) throw error;
      }
    },
  };
}

function isMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';
}

function fileNameFor(accountKey: string): string {
  return `tasks-${createHash('sha256').update(accountKey).digest('hex').slice(0, 16)}.json`;
}

function parseJson(bytes: Uint8Array): unknown {
  return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
}

/** The pointer's snapshot file name, if the pointer is one of ours. */
function latestFileName(pointer: unknown): string | undefined {
  const file = typeof pointer === 'object' && pointer !== null ? (pointer as { file?: unknown }).file : undefined;
  return typeof file === 'string' && /^tasks-[0-9a-f]{16}\.json$/.test(file) ? file : undefined;
}

export function createTaskSnapshotStorage(storageUri: vscode.Uri): SnapshotStorage {
  const files = storageUri.scheme === 'file' ? nodeFiles(storageUri.fsPath) : workspaceFiles(storageUri);
  return {
    async load(accountKey: string): Promise<unknown> {
      const bytes = await files.read(fileNameFor(accountKey));
      return bytes === undefined ? undefined : parseJson(bytes);
    },
    async save(accountKey: string, snapshot: TaskSnapshot): Promise<void> {
      const file = fileNameFor(accountKey);
      await files.write(file, new TextEncoder().encode(JSON.stringify(snapshot)));
      await files.write(LATEST_FILE, new TextEncoder().encode(JSON.stringify({ file })));
    },
    async loadLatest(): Promise<LatestSnapshot | undefined> {
      const pointer = await files.read(LATEST_FILE);
      const file = pointer === undefined ? undefined : latestFileName(parseJson(pointer));
      const bytes = file === undefined ? undefined : await files.read(file);
      if (file === undefined || bytes === undefined) return undefined;
      return { raw: parseJson(bytes), belongsTo: (accountKey) => fileNameFor(accountKey) === file };
    },
    forgetLatest: () => files.remove(LATEST_FILE),
  };
}
