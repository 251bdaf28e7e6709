import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import type { InferenceSession } from 'onnxruntime-node';
import { embedKept } from './kept-embeddings';
import type { ResponseBankManifest } from './manifest';
import { createSession, ort, type ExecutionProvider, type RuntimeOptions } from './ort';
import { parseReactions, situationPairs, type ToneNeighbour } from './reactions';
import type { SentenceEncoder } from './sentence-encoder';

/** One indexed reply and what it answered: a line we wrote (persona lines, house reactions) or a corpus turn. */
export interface BankEntry {
  prompt: string;
  reply: string;
  source: 'persona' | 'corpus';
  /** A house reaction's tone (reactions.json): how a friend reacts to messages like its prompt. */
  tone?: string;
}

/** A turn → next turn pair from a dialogue corpus, with the turn before it as context. */
export interface CorpusPair {
  context: string;
  prompt: string;
  reply: string;
}

interface ChitChatMessage {
  text: string;
  sender: string;
}

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;
const usable = (text: string) => /^[\x20-\x7e’‘“”…]+$/.test(text) && !/https?:|www\./i.test(text);

/**
 * Pairs from the Chit-Chat corpus (`{id: {messages: [[{text, sender}, …], …]}}`, each inner list
 * one sender's turn). Conversations are taken in a seeded hash order until maxPairs, so the pick is
 * the same on every machine; replies are 2..maxReplyWords words, printable, without links.
 */
export function chitChatPairs(corpus: Record<string, { messages: ChitChatMessage[][] }>, maxPairs: number, seed: number, maxReplyWords: number): CorpusPair[] {
  const order = Object.keys(corpus).sort((a, b) => hashKey(a, seed).localeCompare(hashKey(b, seed)));
  const pairs: CorpusPair[] = [];
  const seen = new Set<string>();
  for (const id of order) {
    const turns = corpus[id].messages.map((turn) => turn.map((m) => m.text.trim()).join(' ').replace(/\s+/g, ' ').trim());
    for (let i = 1; i < turns.length && pairs.length < maxPairs; i++) {
      const [context, prompt, reply] = [turns[i - 2] ?? '', turns[i - 1], turns[i]];
      const n = words(reply);
      if (n < 2 || n > maxReplyWords || !usable(reply) || !usable(prompt) || words(prompt) > 40) continue;
      const key = `${prompt.toLowerCase()}\u0000${reply.toLowerCase()}`;
      if (seen.has(key)) continue;
      seen.add(key);
      pairs.push({ context, prompt, reply });
    }
    if (pairs.length >= maxPairs) break;
  }
  return pairs;
}

function hashKey(id: string, seed: number): string {
  return createHash('sha256').update(`${seed}:${id}`).digest('hex');
}

/** Unit-length a + weight·b, in place into a. */
export function blend(a: Float32Array, b: Float32Array | undefined, weight: number): Float32Array {
  if (b && weight > 0) for (let d = 0; d < a.length; d++) a[d] += weight * b[d];
  let norm = 0;
  for (let d = 0; d < a.length; d++) norm += a[d] * a[d];
  norm = Math.sqrt(norm) || 1;
  for (let d = 0; d < a.length; d++) a[d] /= norm;
  return a;
}

/** The top-k search as an ONNX graph (MatMul against the keys, then TopK), so ONNX Runtime does the heavy part. */
export function searchGraph(keys: Float32Array, dims: number, rows: number, k: number): Uint8Array {
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const INT64 = onnx.TensorProto.DataType.INT64;
  // keys are stored row per entry; MatMul wants dims × rows.
  const transposed = new Float32Array(dims * rows);
  for (let r = 0; r < rows; r++) for (let d = 0; d < dims; d++) transposed[d * rows + r] = keys[r * dims + d];
  const kTensor = new BigInt64Array([BigInt(Math.min(k, rows))]);
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'response-search',
      initializer: [
        { name: 'keys', dims: [dims, rows], dataType: FLOAT, rawData: new Uint8Array(transposed.buffer) },
        { name: 'k', dims: [1], dataType: INT64, rawData: new Uint8Array(kTensor.buffer) },
      ],
      node: [
        { opType: 'MatMul', input: ['query', 'keys'], output: ['scores'] },
        { opType: 'TopK', input: ['scores', 'k'], output: ['top_scores', 'top_indices'], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] },
      ],
      input: [{ name: 'query', type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimParam: 'batch' }, { dimValue: dims }] } } } }],
      output: [
        { name: 'top_scores', type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimParam: 'batch' }, { dimValue: Math.min(k, rows) }] } } } },
        { name: 'top_indices', type: { tensorType: { elemType: INT64, shape: { dim: [{ dimParam: 'batch' }, { dimValue: Math.min(k, rows) }] } } } },
      ],
    },
  }).finish();
}

export interface Hit {
  entry: BankEntry;
  /** Cosine similarity of the query to the entry's key (its prompt, blended with the turn before). */
  score: number;
  /** The entry's reply, embedded (unit length): what a reply ranker scores. */
  replyVector: Float32Array;
}

/** The nearest-neighbour search over toned examples: what each row is, and its ONNX top-k. */
interface ToneSearch {
  session: InferenceSession;
  labels: string[];
  k: number;
}

/**
 * The response bank's entries and their keys, built once per bank version and encoder (kept in the
 * cache next to the corpus), searched with ONNX Runtime.
 */
export class ResponseIndex {
  private constructor(
    readonly entries: BankEntry[],
    private readonly replyVectors: Float32Array,
    private readonly dimension: number,
    private readonly session: InferenceSession,
    readonly k: number,
    /** The execution provider of each of its searches' sessions. */
    readonly providers: ExecutionProvider[],
    private readonly tones?: ToneSearch,
  ) {}

  static async open(
    manifest: ResponseBankManifest,
    dir: string,
    root: string,
    encoder: SentenceEncoder,
    runtime: RuntimeOptions,
    log: (line: string) => void = () => {},
    k = 8,
  ): Promise<ResponseIndex> {
    const { entries, keys, replies } = await loadOrBuild(manifest, dir, root, encoder, log);
    const d = encoder.dimension;
    const search = await createSession(searchGraph(keys, d, entries.length, k), runtime);
    const providers = [search.provider];
    let tones: ToneSearch | undefined;
    if (manifest.tone && manifest.reactions) {
      // The house reactions with a tone, keyed by their prompts alone, and the reactions file's
      // tone examples (messages written for a tone, with no reply of their own) get a search of their own.
      const toned = entries.flatMap((entry, row) => (entry.tone ? [{ tone: entry.tone, key: keys.subarray(row * d, (row + 1) * d) }] : []));
      const reactions = parseReactions(readFileSync(join(root, manifest.reactions), 'utf8'), manifest.reactions);
      const examples = Object.entries(reactions.toneExamples).flatMap(([tone, texts]) => texts.map((text) => ({ tone, text })));
      const exampleKeys = await embedKept(dir, 'tones', examples.map((e) => e.text), encoder, (texts) => embedMany(encoder, texts, log), log);
      const labels = [...toned.map((t) => t.tone), ...examples.map((e) => e.tone)];
      if (labels.length > 0) {
        const toneKeys = new Float32Array(labels.length * d);
        toned.forEach((t, j) => toneKeys.set(t.key, j * d));
        toneKeys.set(exampleKeys, toned.length * d);
        const toneK = Math.min(manifest.tone.k, labels.length);
        const toneSearch = await createSession(searchGraph(toneKeys, d, labels.length, toneK), runtime);
        providers.push(toneSearch.provider);
        tones = { session: toneSearch.session, labels, k: toneK };
      }
    }
    return new ResponseIndex(entries, replies, d, search.session, Math.min(k, entries.length), providers, tones);
  }

  /** The k nearest entries to each query row, best first, with cosine similarity. */
  async search(queries: Float32Array, rows: number): Promise<Hit[][]> {
    const { scores, indices } = await topK(this.session, queries, rows);
    return Array.from({ length: rows }, (_, r) =>
      Array.from({ length: this.k }, (_, j) => {
        const row = Number(indices[r * this.k + j]);
        return { entry: this.entries[row], score: scores[r * this.k + j], replyVector: this.replyVectors.subarray(row * this.dimension, (row + 1) * this.dimension) };
      }),
    );
  }

  /** The nearest toned house examples to each query row (none when the bank has no tones), best first. */
  async nearestTones(queries: Float32Array, rows: number): Promise<ToneNeighbour[][]> {
    const tones = this.tones;
    if (!tones) return Array.from({ length: rows }, () => []);
    const { scores, indices } = await topK(tones.session, queries, rows);
    return Array.from({ length: rows }, (_, r) =>
      Array.from({ length: tones.k }, (_, j) => ({ tone: tones.labels[Number(indices[r * tones.k + j])], score: scores[r * tones.k + j] })),
    );
  }

  async release(): Promise<void> {
    await this.session.release();
    await this.tones?.session.release();
  }
}

async function topK(session: InferenceSession, queries: Float32Array, rows: number): Promise<{ scores: Float32Array; indices: BigInt64Array }> {
  const { Tensor } = ort();
  const out = await session.run({ query: new Tensor('float32', queries, [rows, queries.length / rows]) });
  return { scores: out.top_scores.data as Float32Array, indices: out.top_indices.data as BigInt64Array };
}

async function loadOrBuild(
  manifest: ResponseBankManifest,
  dir: string,
  root: string,
  encoder: SentenceEncoder,
  log: (line: string) => void,
): Promise<{ entries: BankEntry[]; keys: Float32Array; replies: Float32Array }> {
  const personaBytes = readFileSync(join(root, manifest.persona));
  const reactionBytes = manifest.reactions ? readFileSync(join(root, manifest.reactions)) : Buffer.alloc(0);
  // A new bank version, encoder, persona or reactions file, or anything that shapes the keys means
  // a new index; serving settings (batching, margins, top-k, ranker, tone vote) do not.
  const { batching: _batching, personaMargin: _margin, topK: _topK, ranker: _ranker, rankerMargin: _rankerMargin, tone: _tone, ...shaping } = manifest;
  const tag = createHash('sha256')
    .update(`${manifest.version}|${encoder.name}@${encoder.version}|${JSON.stringify(shaping)}`)
    .update(personaBytes)
    .update(reactionBytes)
    .digest('hex')
    .slice(0, 16);
  const entriesFile = join(dir, `index-${tag}.json`);
  const keysFile = join(dir, `index-${tag}.f32`);
  const repliesFile = join(dir, `index-${tag}.replies.f32`);
  const d = encoder.dimension;
  if (existsSync(entriesFile) && existsSync(keysFile) && existsSync(repliesFile)) {
    const entries = JSON.parse(readFileSync(entriesFile, 'utf8')) as BankEntry[];
    const [keys, replies] = [keysFile, repliesFile].map((file) => {
      const bytes = readFileSync(file);
      return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4).slice();
    });
    if (keys.length === entries.length * d && replies.length === entries.length * d) return { entries, keys, replies };
  }
  const persona = [
    ...(JSON.parse(personaBytes.toString('utf8')) as { pairs: { prompt: string; reply: string }[] }).pairs,
    ...(manifest.reactions ? situationPairs(parseReactions(reactionBytes.toString('utf8'), manifest.reactions).situations) : []),
  ];
  const corpus = JSON.parse(readFileSync(join(dir, manifest.corpus), 'utf8')) as Record<string, { messages: ChitChatMessage[][] }>;
  const pairs = chitChatPairs(corpus, manifest.maxPairs, manifest.seed, manifest.maxReplyWords);
  log(`building the response index: ${pairs.length} corpus pairs + ${persona.length} lines of our own`);
  const all: (CorpusPair & { source: BankEntry['source']; tone?: string })[] = [
    ...persona.map((p) => ({ context: '', ...p, source: 'persona' as const })),
    ...pairs.map((p) => ({ ...p, source: 'corpus' as const })),
  ];
  const turns = [...new Set(all.flatMap((p) => [p.prompt, p.context, p.reply]).filter(Boolean))];
  const vectors = await embedKept(dir, 'index', turns, encoder, (texts) => embedMany(encoder, texts, log), log);
  const at = new Map(turns.map((t, i) => [t, i]));
  const vector = (text: string) => (text ? vectors.subarray(at.get(text)! * d, (at.get(text)! + 1) * d) : undefined);
  const keys = new Float32Array(all.length * d);
  const replies = new Float32Array(all.length * d);
  const entries: BankEntry[] = all.map((p, i) => {
    keys.set(blend(vector(p.prompt)!.slice(), vector(p.context), manifest.contextWeight), i * d);
    replies.set(blend(vector(p.reply)!.slice(), undefined, 0), i * d);
    return { prompt: p.prompt, reply: p.reply, source: p.source, ...(p.tone ? { tone: p.tone } : {}) };
  });
  mkdirSync(dir, { recursive: true });
  // Indexes of earlier bank versions or persona files are of no further use.
  for (const old of readdirSync(dir).filter((f) => f.startsWith('index-') && !f.startsWith(`index-${tag}.`))) rmSync(join(dir, old), { force: true });
  for (const [file, data] of [
    [keysFile, keys],
    [repliesFile, replies],
  ] as const) {
    writeFileSync(`${file}.part`, new Uint8Array(data.buffer));
    renameSync(`${file}.part`, file);
  }
  writeFileSync(entriesFile, JSON.stringify(entries));
  return { entries, keys, replies };
}

/** Embeds many texts in length-sorted batches (less padding), printing progress every few seconds. */
export async function embedMany(encoder: SentenceEncoder, texts: string[], log: (line: string) => void, batchSize = 64): Promise<Float32Array> {
  const d = encoder.dimension;
  const out = new Float32Array(texts.length * d);
  const order = texts.map((_, i) => i).sort((a, b) => texts[a].length - texts[b].length);
  const started = Date.now();
  let lastLog = started;
  for (let start = 0; start < order.length; start += batchSize) {
    const rows = order.slice(start, start + batchSize);
    const vectors = await encoder.embed(rows.map((i) => texts[i]));
    rows.forEach((row, j) => out.set(vectors.subarray(j * d, (j + 1) * d), row * d));
    const done = Math.min(start + batchSize, order.length);
    if (Date.now() - lastLog > 5000 || done === order.length) {
      lastLog = Date.now();
      log(`  embedded ${done}/${order.length} (${Math.round(done / ((Date.now() - started) / 1000))} texts/s)`);
    }
  }
  return out;
}
