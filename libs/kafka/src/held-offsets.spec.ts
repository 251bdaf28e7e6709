import { HeldOffsets } from './held-offsets';

describe('HeldOffsets', () => {
  it('lets a commit pass only offsets whose work is done', () => {
    const held = new HeldOffsets();
    expect(held.committable(0, '10')).toBe('10');
    held.hold(0, '5');
    held.hold(0, '7');
    held.hold(1, '3');
    expect(held.size).toBe(3);
    expect(held.committable(0, '10')).toBe('5');
    held.release(0, '7');
    expect(held.committable(0, '10')).toBe('5');
    held.release(0, '5');
    expect(held.committable(0, '10')).toBe('10');
    expect(held.committable(1, '4')).toBe('3');
    expect(held.partitions()).toEqual([1]);
  });

  it('never moves a commit beyond what was read, and forgets partitions given up', () => {
    const held = new HeldOffsets();
    held.hold(2, '50');
    expect(held.committable(2, '40')).toBe('40');
    held.drop([2]);
    expect(held.committable(2, '60')).toBe('60');
    held.release(2, '50'); // released after the partition went: nothing to do
    expect(held.size).toBe(0);
  });

  it('compares offsets as numbers, not text', () => {
    const held = new HeldOffsets();
    held.hold(0, '9');
    held.hold(0, '10');
    expect(held.committable(0, '100')).toBe('9');
  });
});
