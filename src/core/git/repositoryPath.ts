/**
 * File paths that arrive from git for a task's branch are untrusted too: the agent chose them,
 * and they become places this extension writes to. A path is accepted only when it stays
 * inside the repository, reads as what it is, and does not reach into git's own folder.
 */

export type RepositoryPathCheck =
  { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string };

/** Beyond any real path; keeps messages bounded. */
const MAX_LENGTH = 4_096;
/** C0 controls, DEL, C1 controls. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Invisible or direction-changing characters: a path must read as what it is. */
const INVISIBLE = /[\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/;

/** A path relative to the repository root, with `/` separators, or the reason it is refused. */
export function checkRepositoryPath(raw: unknown): RepositoryPathCheck {
  if (typeof raw !== 'string' || raw.length === 0) return refusePath('it is empty');
  if (raw.length > MAX_LENGTH) return refusePath(`it is longer than ${MAX_LENGTH} characters`);
  if (CONTROL.test(raw)) return refusePath('it contains control characters');
  if (INVISIBLE.test(raw)) return refusePath('it contains invisible or text-direction characters');
  if (raw.includes('\\')) return refusePath('it contains "\\"');
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) return refusePath('it is an absolute path');
  const parts = raw.split('/');
  if (parts.some((part) => part === '' || part === '.')) return refusePath('it has an empty or "." part');
  if (parts.includes('..')) return refusePath('it contains ".." and could leave the repository');
  if (parts.some((part) => part.toLowerCase() === '.git'))
    return refusePath('it points into the repository\'s ".git" folder');
  return { ok: true, path: raw };
}

/**
 * The path of `file` relative to `root` (both URI paths with `/`), or undefined when `file` is
 * not inside `root`.
 */
export function relativeToRoot(root: string, file: string): string | undefined {
  const base = root.replace(/\/+$/, '');
  return file.startsWith(`${base}/`) ? file.slice(base.length + 1) : undefined;
}

function refusePath(reason: string): RepositoryPathCheck {
  return { ok: false, reason };
}
