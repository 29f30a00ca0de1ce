import * as l10n from '@vscode/l10n';

/**
 * Branch names that arrive from the API are untrusted: they end up as arguments to git
 * (fetch, checkout, branch). A name is accepted only when git itself would accept it as a
 * branch (`git check-ref-format --branch`), and additionally when it cannot be mistaken for
 * an option, a full ref, or text that reads differently from what it is.
 */

export type BranchNameCheck =
  { readonly ok: true; readonly name: string } | { readonly ok: false; readonly reason: string };

/** Far beyond any real branch name; keeps messages and git arguments bounded. */
const MAX_LENGTH = 250;
/** C0 controls, DEL, C1 controls. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Invisible or direction-changing characters: a name must read as what it is. */
const INVISIBLE = /[\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/;
const FORBIDDEN_CHARACTERS = /[ ~^:?*[\\]/;

export function checkBranchName(raw: unknown): BranchNameCheck {
  if (typeof raw !== 'string' || raw.length === 0) return refuseBranch(l10n.t('it is empty'));
  const name = raw;
  if (name.length > MAX_LENGTH) return refuseBranch(l10n.t('it is longer than {0} characters', MAX_LENGTH));
  if (CONTROL.test(name)) return refuseBranch(l10n.t('it contains control characters'));
  if (INVISIBLE.test(name)) return refuseBranch(l10n.t('it contains invisible or text-direction characters'));
  if (name.startsWith('-')) return refuseBranch(l10n.t('it starts with "-", so git would read it as an option'));
  const forbidden = FORBIDDEN_CHARACTERS.exec(name);
  if (forbidden)
    return refuseBranch(
      forbidden[0] === ' ' ? l10n.t('it contains a space') : l10n.t('it contains "{0}"', forbidden[0]),
    );
  if (name.includes('..')) return refuseBranch(l10n.t('it contains ".."'));
  if (name.includes('@{')) return refuseBranch(l10n.t('it contains "@{"'));
  if (name === '@') return refuseBranch(l10n.t('"@" is not a branch name'));
  if (name === 'HEAD') return refuseBranch(l10n.t('"HEAD" is not a branch name'));
  if (name.startsWith('/') || name.endsWith('/')) return refuseBranch(l10n.t('it starts or ends with "/"'));
  if (name.includes('//')) return refuseBranch(l10n.t('it contains "//"'));
  if (name.endsWith('.')) return refuseBranch(l10n.t('it ends with "."'));
  for (const component of name.split('/')) {
    if (component.startsWith('.')) return refuseBranch(l10n.t('a part of it starts with "."'));
    if (component.endsWith('.lock')) return refuseBranch(l10n.t('a part of it ends with ".lock"'));
  }
  if (/^refs\//.test(name)) return refuseBranch(l10n.t('it is a full reference ("refs/…"), not a branch name'));
  return { ok: true, name };
}

function refuseBranch(reason: string): BranchNameCheck {
  return { ok: false, reason };
}

/**
 * A branch name as it may appear in a message: quoted, invisible and control characters
 * spelled out as `\u{…}`, and cut short, so a hostile name cannot disguise itself.
 */
export function quoteBranchName(raw: string, maxLength = 80): string {
  let shown = '';
  for (const character of raw) {
    if (shown.length >= maxLength) {
      shown += '…';
      break;
    }
    const code = character.codePointAt(0) ?? 0;
    shown +=
      CONTROL.test(character) || INVISIBLE.test(character) || character === '"' || character === '\\'
        ? `\\u{${code.toString(16)}}`
        : character;
  }
  return `"${shown}"`;
}
