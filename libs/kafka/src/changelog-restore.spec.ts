import { ChangelogRestore } from './changelog-restore';

describe('ChangelogRestore', () => {
  it('reports new and lost partitions on each assignment', () => {
    const restore = new ChangelogRestore();
    expect(restore.assign([0, 2, 1])).toEqual({ added: [0, 1, 2], revoked: [] });
    expect(restore.assign([2, 3])).toEqual({ added: [3], revoked: [0, 1] });
    expect(restore.assign([2, 3])).toEqual({ added: [], revoked: [] });
  });

  it('is restoring until records reach the log end seen at assignment', () => {
    const restore = new ChangelogRestore();
    restore.assign([0]);
    expect(restore.isRestoring(0)).toBe(true);
    // Records applied before the log end is known do not finish it.
    expect(restore.advance(0, '9', 10)).toBe(false);
    expect(restore.begin(0, '0', '20')).toBe(false);
    expect(restore.advance(0, '18', 9)).toBe(false);
    expect(restore.advance(0, '19', 1)).toBe(true);
    expect(restore.isRestoring(0)).toBe(false);
    expect(restore.appliedCount(0)).toBe(20);
    // Once restored, later records change nothing.
    expect(restore.advance(0, '25', 1)).toBe(false);
  });

  it('counts compacted gaps: the last offset, not the record count, decides', () => {
    const restore = new ChangelogRestore();
    restore.assign([4]);
    restore.begin(4, '0', '1000');
    expect(restore.advance(4, '999', 3)).toBe(true);
  });

  it('treats an empty log as restored at once', () => {
    const restore = new ChangelogRestore();
    restore.assign([1]);
    expect(restore.begin(1, '7', '7')).toBe(true);
    expect(restore.isRestoring(1)).toBe(false);
  });

  it('forgets a partition lost mid-restore, and restores it again when it comes back', () => {
    const restore = new ChangelogRestore();
    restore.assign([0, 1]);
    restore.begin(1, '0', '5');
    restore.assign([0]);
    expect(restore.isRestoring(1)).toBe(false);
    expect(restore.begin(1, '0', '5')).toBe(false);
    expect(restore.assign([0, 1])).toEqual({ added: [1], revoked: [] });
    expect(restore.isRestoring(1)).toBe(true);
    expect(restore.isRestoring(0)).toBe(true);
  });
});
