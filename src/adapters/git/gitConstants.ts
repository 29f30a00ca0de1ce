/** Runtime values of the git extension's API enums that this extension compares against. */

export const GIT_EXTENSION_ID = 'vscode.git';

export const GIT_REF_TYPE = {
  head: 0,
  remoteHead: 1,
  tag: 2,
} as const;

/** `Status` of a change, as the git API numbers them. */
export const GIT_STATUS = {
  indexModified: 0,
  indexAdded: 1,
  indexDeleted: 2,
  indexRenamed: 3,
  indexCopied: 4,
  modified: 5,
  deleted: 6,
  untracked: 7,
  ignored: 8,
  intentToAdd: 9,
  intentToRename: 10,
  typeChanged: 11,
} as const;
