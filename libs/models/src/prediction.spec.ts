import { labelsFromId2Label } from './hf-layout';
import { labelsFromRow, softmaxRow, TOP_K } from './prediction';

describe('labelsFromRow', () => {
  const labels = ['a', 'b', 'c', 'd', 'e', 'f'];

  it('gives a single-label model its best TOP_K labels, best first', () => {
    const out = labelsFromRow([0.05, 0.4, 0.1, 0.3, 0.1, 0.05], labels, false);
    expect(out).toHaveLength(TOP_K);
    expect(out.map((l) => l.name).slice(0, 2)).toEqual(['b', 'd']);
  });

  it('gives a multi-label model every label over its own threshold', () => {
    const out = labelsFromRow([0.9, 0.2, 0.35, 0.1, 0.6, 0], labels, true, [0.5, 0.5, 0.3, 0.5, 0.7, 0.5]);
    expect(out.map((l) => l.name)).toEqual(['a', 'c']);
  });

  it('still answers with the best label when none is over its threshold', () => {
    expect(labelsFromRow([0.1, 0.2, 0.3, 0.1, 0.1, 0.1], labels, true).map((l) => l.name)).toEqual(['c']);
  });
});

describe('softmaxRow', () => {
  it('sums to one and survives large logits', () => {
    const p = softmaxRow([1000, 1001, 999]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(p[1]).toBeGreaterThan(p[0]);
  });
});

describe('labelsFromId2Label', () => {
  it('reads id2label in index order', () => {
    expect(labelsFromId2Label({ '1': 'POSITIVE', '0': 'NEGATIVE' })).toEqual(['NEGATIVE', 'POSITIVE']);
  });
  it('refuses gaps and bad keys', () => {
    expect(() => labelsFromId2Label({ '0': 'a', '2': 'c' })).toThrow(/no label for class 1/);
    expect(() => labelsFromId2Label({ x: 'a' })).toThrow(/bad entry/);
  });
  it('gives an encoder without id2label no labels', () => {
    expect(labelsFromId2Label(undefined)).toEqual([]);
  });
});
