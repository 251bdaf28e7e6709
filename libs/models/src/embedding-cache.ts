/**
 * Recently used embeddings by text, least recently used out first. For texts that come back again
 * and again, like the bot's own replies that retrieval blends in as context on the next turn.
 */
export class EmbeddingCache {
  private readonly entries = new Map<string, Float32Array>();

  constructor(private readonly maxEntries: number) {
    if (!(maxEntries >= 1)) throw new Error('an embedding cache holds at least one entry');
  }

  get size(): number {
    return this.entries.size;
  }

  get(text: string): Float32Array | undefined {
    const vector = this.entries.get(text);
    if (vector) {
      // Re-inserted: a Map iterates in insertion order, so the first key is the least recent.
      this.entries.delete(text);
      this.entries.set(text, vector);
    }
    return vector;
  }

  set(text: string, vector: Float32Array): void {
    this.entries.delete(text);
    this.entries.set(text, vector);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}
