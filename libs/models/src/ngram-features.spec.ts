import { hashedNgrams } from './ngram-features';

describe('hashedNgrams', () => {
  const dims = 1 << 12;
  const row = (text: string, chars?: number) => hashedNgrams([text], { dims, n: 2, chars });
  const buckets = (v: Float32Array) => [...v.keys()].filter((i) => v[i] > 0);

  it('marks each distinct uni- and bigram once, L2-normalised', () => {
    const v = row('you are so smart');
    expect(buckets(v).length).toBeLessThanOrEqual(7); // 4 words + 3 bigrams (collisions only shrink it)
    expect(Math.hypot(...v)).toBeCloseTo(1, 6);
  });

  it('is case-insensitive and deterministic across calls', () => {
    expect(Array.from(row('Thanks A LOT!'))).toEqual(Array.from(row('thanks a lot!')));
  });

  it('shares buckets for shared words and not for others', () => {
    const a = new Set(buckets(row('you are smart')));
    const b = buckets(row('you are dumb'));
    expect(b.filter((i) => a.has(i)).length).toBe(3); // you, are, "you are"
  });

  it('adds character n-grams of the whole text when asked', () => {
    expect(buckets(row('haha', 3)).length).toBeGreaterThan(buckets(row('haha')).length);
    expect(Math.hypot(...row('haha', 3))).toBeCloseTo(1, 6);
  });

  it('gives an empty text a zero row', () => {
    expect(buckets(row('   '))).toEqual([]);
  });
});
