import * as assert from 'node:assert/strict';
import { tipDifferences } from '../../src/core/git/branchComparison';

describe('branchComparison: two agents’ branches tip to tip', () => {
  it('a file only one branch changed differs; what each tip holds follows from the merge base', () => {
    const differences = tipDifferences(
      [
        { path: 'docs/left-only.md', kind: 'added' },
        { path: 'src/both.ts', kind: 'modified' },
        { path: 'src/removed-left.ts', kind: 'deleted' },
      ],
      [
        { path: 'src/both.ts', kind: 'modified' },
        { path: 'src/right-only.ts', kind: 'added' },
        { path: 'README.md', kind: 'modified' },
      ],
    );
    assert.deepEqual(differences, [
      { path: 'README.md', kind: 'modified', inLeft: true, inRight: true },
      { path: 'docs/left-only.md', kind: 'deleted', inLeft: true, inRight: false },
      { path: 'src/both.ts', kind: 'modified', inLeft: true, inRight: true },
      { path: 'src/removed-left.ts', kind: 'added', inLeft: false, inRight: true },
      { path: 'src/right-only.ts', kind: 'added', inLeft: false, inRight: true },
    ]);
  });

  it('a file both added is modified between them; one both deleted is left out', () => {
    assert.deepEqual(
      tipDifferences(
        [
          { path: 'new.ts', kind: 'added' },
          { path: 'gone.ts', kind: 'deleted' },
        ],
        [
          { path: 'new.ts', kind: 'added' },
          { path: 'gone.ts', kind: 'deleted' },
        ],
      ),
      [{ path: 'new.ts', kind: 'modified', inLeft: true, inRight: true }],
    );
  });

  it('one branch deleting what the other changed: the right tip has no such file', () => {
    assert.deepEqual(tipDifferences([{ path: 'a.ts', kind: 'modified' }], [{ path: 'a.ts', kind: 'deleted' }]), [
      { path: 'a.ts', kind: 'deleted', inLeft: true, inRight: false },
    ]);
  });
});
