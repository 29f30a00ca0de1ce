import type * as vscode from 'vscode';
import type { AppliedFile } from '../../core/git/applyPlan';

/**
 * What each Apply Changes wrote, newest last, kept in the workspace's state so Undo Apply can
 * put back exactly what was there before, even after a reload. Contents are kept whole
 * (base64); only the latest applies are kept.
 */
export interface ApplyRecord {
  readonly id: string;
  readonly taskId: string;
  readonly branch: string;
  /** The repository's root, as a URI string. */
  readonly repository: string;
  readonly appliedAt: number;
  readonly files: readonly AppliedFile[];
}

export interface ApplyHistory {
  /** The newest record, of one repository when given. */
  latest(repository?: string): ApplyRecord | undefined;
  push(record: ApplyRecord): Promise<void>;
  remove(id: string): Promise<void>;
}

interface StoredFile {
  readonly path: string;
  readonly before: string | null;
  readonly after: string | null;
}

interface StoredRecord extends Omit<ApplyRecord, 'files'> {
  readonly files: readonly StoredFile[];
}

const STATE_KEY = 'blackboxTasks.applyHistory';
const MAX_RECORDS = 10;

export function createApplyHistory(memento: vscode.Memento): ApplyHistory {
  const read = (): StoredRecord[] => {
    const raw = memento.get<unknown>(STATE_KEY);
    return Array.isArray(raw) ? (raw as unknown[]).filter(isStoredRecord) : [];
  };
  return {
    latest(repository) {
      const records = read().filter((record) => repository === undefined || record.repository === repository);
      const last = records[records.length - 1];
      return last ? fromStored(last) : undefined;
    },
    async push(record) {
      await memento.update(STATE_KEY, [...read(), toStored(record)].slice(-MAX_RECORDS));
    },
    async remove(id) {
      await memento.update(
        STATE_KEY,
        read().filter((record) => record.id !== id),
      );
    },
  };
}

function toStored(record: ApplyRecord): StoredRecord {
  return {
    ...record,
    files: record.files.map((file) => ({
      path: file.path,
      before: file.before ? Buffer.from(file.before).toString('base64') : null,
      after: file.after ? Buffer.from(file.after).toString('base64') : null,
    })),
  };
}

function fromStored(record: StoredRecord): ApplyRecord {
  const bytes = (value: string | null): Uint8Array | undefined =>
    value === null ? undefined : new Uint8Array(Buffer.from(value, 'base64'));
  return {
    ...record,
    files: record.files.map((file) => ({ path: file.path, before: bytes(file.before), after: bytes(file.after) })),
  };
}

function isStoredRecord(value: unknown): value is StoredRecord {
  if (!value || typeof value !== 'object') return false;
  const record = value as Partial<StoredRecord>;
  return (
    typeof record.id === 'string' &&
    typeof record.taskId === 'string' &&
    typeof record.repository === 'string' &&
    Array.isArray(record.files)
  );
}
