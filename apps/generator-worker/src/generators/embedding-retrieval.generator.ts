import { ModelRepository, type Batching, type Hit, type ResponseIndex, type RuntimeOptions, type SentenceEncoder } from '@app/models';
import type { GeneratedReply, ReplyGenerator } from './reply-generator';

/** The bank this generator searches: models/<name>/manifest.json. */
export const RESPONSE_BANK = 'response-bank';

/**
 * Retrieval over a response bank of real conversational replies: the user's message is embedded
 * with the NLU encoder and the nearest indexed prompts answer with their replies. A persona line
 * close to the best corpus reply wins, so the bot keeps its voice; a reply that only repeats the
 * user's words is passed over. Fast (one encoder call and one ONNX top-k per batch), so it is the
 * fallback for slow generators.
 */
export class EmbeddingRetrievalGenerator implements ReplyGenerator {
  readonly name = 'retrieval';
  modelVersion = '';
  readonly batching: Batching;
  private index?: ResponseIndex;
  private encoder?: SentenceEncoder;
  private personaMargin = 0;
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
    this.modelVersion = `${manifest.name}@${manifest.version}+${encoder.name}`;
  }

  async generate(texts: string[]): Promise<GeneratedReply[]> {
    if (!this.index || !this.encoder) throw new Error('retrieval generator used before load()');
    if (texts.length === 0) return [];
    const hits = await this.index.search(await this.encoder.embed(texts), texts.length);
    return texts.map((text, i) => pick(text, hits[i], this.personaMargin));
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

/** The best hit that does not echo the message; a persona hit within `personaMargin` of it wins. */
export function pick(message: string, hits: Hit[], personaMargin: number): GeneratedReply {
  const echo = normalize(message);
  const usable = hits.filter((h) => normalize(h.entry.reply) !== echo);
  const best = usable[0] ?? hits[0];
  const persona = usable.find((h) => h.entry.source === 'persona' && h.score >= best.score - personaMargin);
  const chosen = persona ?? best;
  return { text: chosen.entry.reply, score: Math.max(0, Math.min(1, chosen.score)) };
}
