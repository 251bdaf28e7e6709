import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@app/contracts';
import type { GeneratedReply, ReplyGenerator } from './reply-generator';

interface Pair {
  prompt: string;
  reply: string;
}

const K1 = 1.2;
const B = 0.75;

export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9']+/g) ?? [];
}

/**
 * Lexical retrieval: Okapi BM25 of the user's message against the prompts of a response bank,
 * replying with the best prompt's reply. Fast enough to be the fallback for slow generators.
 */
export class Bm25RetrievalGenerator implements ReplyGenerator {
  readonly name = 'retrieval';
  modelVersion = 'bm25';
  private pairs: Pair[] = [];
  private docs: Map<string, number>[] = [];
  private idf = new Map<string, number>();
  private avgLength = 0;

  constructor(private readonly bankPath = join(repoRoot(), 'apps', 'generator-worker', 'data', 'response-bank.json')) {}

  async load(): Promise<void> {
    const raw = readFileSync(this.bankPath, 'utf8');
    this.index((JSON.parse(raw) as { pairs: Pair[] }).pairs);
    this.modelVersion = `bm25-${createHash('sha256').update(raw).digest('hex').slice(0, 8)}`;
  }

  index(pairs: Pair[]): void {
    if (pairs.length === 0) throw new Error('the response bank is empty');
    this.pairs = pairs;
    this.docs = pairs.map((pair) => termCounts(tokenize(pair.prompt)));
    this.avgLength = this.docs.reduce((sum, doc) => sum + length(doc), 0) / this.docs.length;
    const df = new Map<string, number>();
    for (const doc of this.docs) for (const term of doc.keys()) df.set(term, (df.get(term) ?? 0) + 1);
    const n = this.docs.length;
    this.idf = new Map([...df].map(([term, count]) => [term, Math.log(1 + (n - count + 0.5) / (count + 0.5))]));
  }

  async generate(texts: string[]): Promise<GeneratedReply[]> {
    return texts.map((text) => this.best(text));
  }

  private best(text: string): GeneratedReply {
    const query = [...new Set(tokenize(text))];
    let bestIndex = 0;
    let bestScore = 0;
    this.docs.forEach((doc, index) => {
      const score = this.score(query, doc);
      if (score > bestScore) [bestIndex, bestScore] = [index, score];
    });
    // Normalised by what a prompt of average length holding each known query term once would score.
    const ceiling = query.reduce((sum, term) => sum + (this.idf.get(term) ?? 0), 0);
    return { text: this.pairs[bestIndex].reply, score: ceiling > 0 ? Math.min(1, bestScore / ceiling) : 0 };
  }

  private score(query: string[], doc: Map<string, number>): number {
    const norm = K1 * (1 - B + (B * length(doc)) / this.avgLength);
    let score = 0;
    for (const term of query) {
      const tf = doc.get(term);
      if (tf) score += (this.idf.get(term) ?? 0) * ((tf * (K1 + 1)) / (tf + norm));
    }
    return score;
  }
}

function termCounts(tokens: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  return counts;
}

function length(doc: Map<string, number>): number {
  let total = 0;
  for (const count of doc.values()) total += count;
  return total;
}
