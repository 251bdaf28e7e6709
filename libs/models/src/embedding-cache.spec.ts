import { EmbeddingCache } from './embedding-cache';

describe('EmbeddingCache', () => {
  const v = (x: number) => new Float32Array([x]);

  it('keeps the most recently used entries', () => {
    const cache = new EmbeddingCache(2);
    cache.set('a', v(1));
    cache.set('b', v(2));
    expect(cache.get('a')).toEqual(v(1)); // a is now the most recent
    cache.set('c', v(3)); // b goes
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual(v(1));
    expect(cache.get('c')).toEqual(v(3));
    expect(cache.size).toBe(2);
  });

  it('refuses a size below one', () => {
    expect(() => new EmbeddingCache(0)).toThrow('at least one entry');
  });
});
