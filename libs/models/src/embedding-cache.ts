/** Recently used values by text, least recently used out first. */
export class RecentCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly maxEntries: number) {
    if (!(maxEntries >= 1)) throw new Error('a cache holds at least one entry');
  }

  get size(): number {
    return this.entries.size;
  }

  get(text: string): V | undefined {
    const value = this.entries.get(text);
    if (value !== undefined) {
      // Re-inserted: a Map iterates in insertion order, so the first key is the least recent.
      this.entries.delete(text);
      this.entries.set(text, value);
    }
    return value;
  }

  set(text: string, value: V): void {
    this.entries.delete(text);
    this.entries.set(text, value);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}

/**
 * Recently used embeddings by text. For texts that come back again and again, like the bot's own
 * replies that retrieval blends in as context on the next turn.
 */
export class EmbeddingCache extends RecentCache<Float32Array> {}
