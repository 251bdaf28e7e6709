import {
  EmbeddingCache,
  ModelRepository,
  blend,
  type Batching,
  type Hit,
  type ResponseIndex,
  type RuntimeOptions,
  type SentenceEncoder,
} from '@app/models';
import type { GeneratedReply, ReplyGenerator, ReplyRequest } from './reply-generator';

/** The bank this generator searches: models/<name>/manifest.json. */
export const RESPONSE_BANK = 'response-bank';

/**
 * Retrieval over a response bank of real conversational replies: the user's message is embedded
 * with the NLU encoder, blended with the bot's previous reply the way the index keys blend a
 * prompt with the turn before it, and the nearest indexed prompts answer with their replies. A
 * persona line close to the best corpus reply wins, so the bot keeps its voice; a reply that only
 * repeats the user's words, or one the bot already gave in this conversation's recent turns, is
 * passed over. Fast (one encoder call and one ONNX top-k per batch), so it is the fallback for
 * slow generators.
 */
export class EmbeddingRetrievalGenerator implements ReplyGenerator {
  readonly name = 'retrieval';
  modelVersion = '';
  readonly batching: Batching;
  private index?: ResponseIndex;
  private encoder?: SentenceEncoder;
  private personaMargin = 0;
  private contextWeight = 0;
  /** 10,000 replies × 384 floats: 15 MB. */
  private readonly contextCache = new EmbeddingCache(10_000);
  private readonly repository: ModelRepository;

  constructor(runtime: RuntimeOptions, log: (line: string) => void = () => {}) {
    this.repository = new ModelRepository({ runtime, log });
    const manifest = this.repository.manifest(RESPONSE_BANK);
    if (manifest.format !== 'response-bank') throw new Error(`${RESPONSE_BANK} is not a response bank`);
    this.batching = manifest.batching;
  }

  async load(): Promise<void> {
    const { index, encoder, manifest } = await this.repository.responseIndex(RESPONSE_BANK);
    this.index = index;
    this.encoder = encoder;
    this.personaMargin = manifest.personaMargin;
    this.contextWeight = manifest.contextWeight;
    this.modelVersion = `${manifest.name}@${manifest.version}+${encoder.name}`;
  }

  async generate(requests: ReplyRequest[]): Promise<GeneratedReply[]> {
    if (!this.index || !this.encoder) throw new Error('retrieval generator used before load()');
    if (requests.length === 0) return [];
    const contexts = requests.map((r) => r.history?.at(-1)?.bot ?? '');
    // The bot's previous replies repeat (canned lines, bank replies): embedded once, then cached.
    const missing = [...new Set(contexts.filter((c) => c && !this.contextCache.get(c)))];
    // One encoder call for the messages and the previous replies not in the cache.
    const vectors = await this.encoder.embed([...requests.map((r) => r.resolvedText || r.text), ...missing]);
    const d = this.encoder.dimension;
    const row = (i: number) => vectors.subarray(i * d, (i + 1) * d);
    missing.forEach((text, m) => this.contextCache.set(text, row(requests.length + m).slice()));
    const queries = new Float32Array(requests.length * d);
    requests.forEach((_, i) => {
      const context = contexts[i] ? this.contextCache.get(contexts[i]) : undefined;
      queries.set(blend(row(i).slice(), context, this.contextWeight), i * d);
    });
    const hits = await this.index.search(queries, requests.length);
    return requests.map((request, i) =>
      pick(request.text, hits[i], this.personaMargin, new Set((request.history ?? []).map((turn) => normalize(turn.bot)))),
    );
  }

  async release(): Promise<void> {
    await this.index?.release();
    await this.repository.release();
  }
}

const normalize = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/**
 * The best hit that neither echoes the message nor repeats a recent reply (`said`, normalized);
 * a persona hit within `personaMargin` of it wins.
 */
export function pick(message: string, hits: Hit[], personaMargin: number, said: Set<string> = new Set()): GeneratedReply {
  const echo = normalize(message);
  const usable = hits.filter((h) => {
    const reply = normalize(h.entry.reply);
    return reply !== echo && !said.has(reply);
  });
  const best = usable[0] ?? hits[0];
  const persona = usable.find((h) => h.entry.source === 'persona' && h.score >= best.score - personaMargin);
  const chosen = persona ?? best;
  return { text: chosen.entry.reply, score: Math.max(0, Math.min(1, chosen.score)) };
}
