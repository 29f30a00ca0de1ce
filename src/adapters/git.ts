import type { Logger } from './logger';

// STUB (owned by the task-actions work): replace with the real access to the built-in git extension.
/** The small part of the built-in git extension's API this extension uses. */
export interface GitAccess {
  readonly available: boolean;
}

export function createGitAccess(_deps: { readonly logger: Logger }): GitAccess {
  return { available: false };
}
