import { InvalidInputError, ProtocolError } from '../http/errors';
import type { ContinueInput, CreateTaskInput } from './tasksApi';
import * as l10n from '@vscode/l10n';

/**
 * Tolerant run-time readers for API answers. Unknown fields are ignored and optional
 * fields may be missing or null, but a field that is present with the wrong type is a
 * ProtocolError naming it (as a path such as `tasks[3].runId`), so a contract change
 * surfaces as a clear error instead of `undefined` leaking into the UI.
 */

export type JsonObject = { readonly [key: string]: unknown };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/**
 * Reads fields of one JSON object; `path` is where the object sits in the answer.
 *
 * A lenient reader (`ObjectReader.lenient`) is for one row among many: an optional field of
 * the wrong type reads as absent and its path is recorded in `ignored`, so one odd field
 * costs that field, not the whole answer. Required fields still throw.
 */
export class ObjectReader {
  private constructor(
    readonly value: JsonObject,
    readonly path: string,
    private readonly ignored?: string[],
  ) {}

  /** The answer (or part of it) must be an object. */
  static of(value: unknown, path = ''): ObjectReader {
    if (!isJsonObject(value)) throw new ProtocolError(path === '' ? '(body)' : path);
    return new ObjectReader(value, path);
  }

  /** Like `of`, but null or undefined give undefined. */
  static optional(value: unknown, path: string): ObjectReader | undefined {
    if (value === undefined || value === null) return undefined;
    return ObjectReader.of(value, path);
  }

  /** A reader that ignores (and records in `ignored`) optional fields of the wrong type. */
  static lenient(value: unknown, path: string, ignored: string[]): ObjectReader {
    if (!isJsonObject(value)) throw new ProtocolError(path === '' ? '(body)' : path);
    return new ObjectReader(value, path, ignored);
  }

  /** A nested object read with this reader's leniency; a non-object is a wrong type. */
  child(value: unknown, path: string): ObjectReader | undefined {
    if (isJsonObject(value)) return new ObjectReader(value, path, this.ignored);
    if (this.ignored) {
      this.ignored.push(path);
      return undefined;
    }
    throw new ProtocolError(path);
  }

  /** A present field of the wrong type: a ProtocolError, or ignored (absent) when lenient. */
  private wrongType(key: string): undefined {
    if (!this.ignored) throw new ProtocolError(this.field(key));
    this.ignored.push(this.field(key));
    return undefined;
  }

  /**
   * A field a row cannot be shown without when it is present (its status): the wrong type
   * throws even in a lenient reader, so the row is skipped rather than shown wrong.
   */
  essentialString(key: string): string | undefined {
    const value = this.value[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw new ProtocolError(this.field(key));
    return value;
  }

  has(key: string): boolean {
    const value = this.value[key];
    return value !== undefined && value !== null;
  }

  raw(key: string): unknown {
    return this.value[key];
  }

  field(key: string): string {
    return childPath(this.path, key);
  }

  string(key: string): string {
    const value = this.optionalString(key);
    if (value === undefined) throw new ProtocolError(this.field(key));
    return value;
  }

  optionalString(key: string): string | undefined {
    const value = this.value[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') return this.wrongType(key);
    return value;
  }

  /** A string, with the empty string treated as absent (servers use both for "none"). */
  optionalText(key: string): string | undefined {
    const value = this.optionalString(key);
    return value === '' ? undefined : value;
  }

  optionalNumber(key: string): number | undefined {
    const value = this.value[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) return this.wrongType(key);
    return value;
  }

  optionalBoolean(key: string): boolean | undefined {
    const value = this.value[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') return this.wrongType(key);
    return value;
  }

  /** ISO-8601 text or an epoch number (seconds or milliseconds), as epoch milliseconds. */
  optionalTimestamp(key: string): number | undefined {
    const value = this.value[key];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'number' && Number.isFinite(value)) {
      // Below 1e11 a value cannot be milliseconds of a plausible date (1973), so it is seconds.
      return Math.abs(value) < 1e11 ? value * 1000 : value;
    }
    if (typeof value === 'string') {
      const parsed = Date.parse(value);
      if (!Number.isNaN(parsed)) return parsed;
    }
    return this.wrongType(key);
  }

  optionalObject(key: string): ObjectReader | undefined {
    const value = this.value[key];
    if (value === undefined || value === null) return undefined;
    return this.child(value, this.field(key));
  }

  object(key: string): ObjectReader {
    return ObjectReader.of(this.value[key], this.field(key));
  }

  optionalArray(key: string): readonly unknown[] | undefined {
    const value = this.value[key];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) return this.wrongType(key);
    return value as readonly unknown[];
  }

  array(key: string): readonly unknown[] {
    const value = this.optionalArray(key);
    if (value === undefined) throw new ProtocolError(this.field(key));
    return value;
  }

  /** Each item of an array field as an object reader; absent gives an empty list unless `required`. */
  objects(key: string, required = false): ObjectReader[] {
    const items = (required ? this.array(key) : this.optionalArray(key)) ?? [];
    return items
      .map((item, index) => this.child(item, childPath(this.field(key), index)))
      .filter((reader): reader is ObjectReader => reader !== undefined);
  }

  /**
   * An error description: a string, or an object with a `message`. Servers disagree
   * about the shape, and showing something beats failing on it.
   */
  optionalErrorText(key: string): string | undefined {
    const value = this.value[key];
    if (value === undefined || value === null || value === '' || value === false) return undefined;
    if (typeof value === 'string') return value;
    if (isJsonObject(value)) {
      const message = value['message'];
      if (typeof message === 'string') return message;
      const code = value['code'];
      if (typeof code === 'string') return code;
      return undefined;
    }
    return this.wrongType(key);
  }
}

/** Input checks done before a write is sent, so a bad request fails with a clear local message. */
export function checkCreateInput(input: CreateTaskInput): void {
  if (input.prompt.trim() === '') throw new InvalidInputError(l10n.t('Describe the task: the prompt is empty.'));
  const agents = input.agents;
  if (agents !== undefined && agents.length > 0) {
    if (agents.length < 2 || agents.length > 5) {
      throw new InvalidInputError(l10n.t('A multi-agent task needs 2 to 5 agents, not {0}.', agents.length));
    }
    if (agents.some((choice) => choice.agent.trim() === '')) {
      throw new InvalidInputError(l10n.t('Every agent of a multi-agent task needs a name.'));
    }
  }
}

export function checkContinueInput(input: ContinueInput): void {
  if (input.prompt.trim() === '') throw new InvalidInputError(l10n.t('Write a follow-up: the prompt is empty.'));
}

/** Page sizes both APIs accept: 1–100. */
export function clampLimit(limit: number): number {
  return Math.min(100, Math.max(1, Math.floor(Number.isFinite(limit) ? limit : 1)));
}

/** The keys of T whose values may be undefined become optional ones without undefined. */
export type DefinedFields<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/**
 * Leaves out the fields a response did not have, so a parsed task carries no `key: undefined`
 * entries (the persisted snapshot and test comparisons see only what the server sent).
 */
export function definedFields<T extends object>(fields: T): DefinedFields<T> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) result[key] = value;
  return result as DefinedFields<T>;
}

/** What a list answer's rows gave: the rows that could be read, and a sentence per row that could not be read whole. */
export interface ReadRows<T> {
  readonly rows: T[];
  readonly problems: string[];
}

/**
 * Reads each row of a list answer on its own, so one odd row never costs the others: a row
 * whose required fields are missing or of the wrong type is skipped, an optional field of the
 * wrong type is ignored. Each problem names the row (its id when it has a readable one).
 */
export function readRows<T>(items: readonly unknown[], path: string, read: (row: ObjectReader) => T): ReadRows<T> {
  const rows: T[] = [];
  const problems: string[] = [];
  items.forEach((item, index) => {
    const rowPath = childPath(path, index);
    const ignored: string[] = [];
    const name = rowName(item, rowPath);
    try {
      rows.push(read(ObjectReader.lenient(item, rowPath, ignored)));
    } catch (error) {
      if (!ProtocolError.is(error)) throw error;
      problems.push(`${name} skipped: ${error.field ?? rowPath} is missing or of an unexpected type`);
      return;
    }
    if (ignored.length) problems.push(`${name}: ignored ${ignored.join(', ')} (unexpected type)`);
  });
  return { rows, problems };
}

function rowName(item: unknown, rowPath: string): string {
  if (!isJsonObject(item)) return rowPath;
  const id = item['runId'] ?? item['taskId'] ?? item['id'];
  return typeof id === 'string' && id.length <= 64 ? `${rowPath} (${id.replace(/[^\w.-]/g, '?')})` : rowPath;
}
