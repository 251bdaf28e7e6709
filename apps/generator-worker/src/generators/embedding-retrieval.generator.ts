import { join } from 'node:path';
import {
  EmbeddingCache,
  ModelRepository,
  NO_TONE,
  RecentCache,
  blend,
  pairKey,
  projectRoot,
  providerUse,
  readReactions,
  voteTone,
  type Batching,
  type ReplyRanker,
  type ResponseBankManifest,
  type Hit,
  type ProviderUse,
  type ResponseIndex,
  type RuntimeOptions,
  type SentenceEncoder,
  type TextClassifier,
  type ToneNeighbour,
  type ToneVote,
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
 * passed over. When no house line is close, the message's reaction tone answers with a line written
 * for that tone ("Ugh, the audacity." to a bus driving past): the fine-tuned tone model's reading
 * when the bank names one (models/tone), else the tone the nearest house examples agree on. Fast
 * (one encoder call, the tone model's, and two ONNX top-k searches per batch), so it is the
 * fallback for slow generators.
 */
export class EmbeddingRetrievalGenerator implements ReplyGenerator {
  readonly name = 'retrieval';
  modelVersion = '';
  providers: ProviderUse[] = [];
  readonly batching: Batching;
  private index?: ResponseIndex;
  private encoder?: SentenceEncoder;
  private personaMargin = 0;
  private rankerMargin = 0;
  private contextWeight = 0;
  private ranker?: ReplyRanker;
  /** 10,000 replies × 384 floats: 15 MB. */
  private readonly contextCache = new EmbeddingCache(10_000);
  /** Users' messages, so the next turn's query can lean on the message before it without embedding it again. */
  private readonly messageCache = new EmbeddingCache(10_000);
  private toneLines: Record<string, string[]> = {};
  /** Words that say something went wrong (the bank's tone.setback). */
  private setback?: RegExp;
  /** Words that turn a story (the bank's tone.turn): the message is read on its own. */
  private turn?: RegExp;
  /** Words a tone needs in the message, and words it is never read with (the bank's tone.needs and tone.unless). */
  private toneWords: ToneWords = { needs: {}, unless: {} };
  private continuations: Record<string, string[]> = {};
  private pairLines: Record<string, string[]> = {};
  private toneModel?: TextClassifier;
  /** Users' messages read by the tone model: the next turns read them again as the story's earlier messages. */
  private readonly toneCache = new RecentCache<{ vote: ToneVote; lean?: ToneVote; pair?: TonePair }>(10_000);
  private readonly repository: ModelRepository;
  private readonly manifest: ResponseBankManifest;

  constructor(runtime: RuntimeOptions, log: (line: string) => void = () => {}) {
    this.repository = new ModelRepository({ runtime, log });
    const manifest = this.repository.manifest(RESPONSE_BANK);
    if (manifest.format !== 'response-bank') throw new Error(`${RESPONSE_BANK} is not a response bank`);
    this.manifest = manifest;
    this.batching = manifest.batching;
  }

  async load(): Promise<void> {
    const manifest = this.manifest;
    const { index, encoder } = await this.repository.responseIndex(RESPONSE_BANK, manifest.topK);
    this.index = index;
    this.encoder = encoder;
    this.personaMargin = manifest.personaMargin;
    this.rankerMargin = manifest.rankerMargin;
    this.contextWeight = manifest.contextWeight;
    this.ranker = manifest.ranker ? this.repository.ranker(manifest.ranker) : undefined;
    if (manifest.tone && manifest.reactions) {
      const reactions = readReactions(join(projectRoot(), manifest.reactions));
      this.toneLines = reactions.tones;
      this.continuations = reactions.continuations;
      this.pairLines = reactions.pairs;
      if (manifest.tone.classifier) this.toneModel = await this.repository.load(manifest.tone.classifier);
      if (manifest.tone.setback) this.setback = new RegExp(manifest.tone.setback, 'iu');
      if (manifest.tone.turn) this.turn = new RegExp(manifest.tone.turn, 'iu');
      this.toneWords = { needs: compileEach(manifest.tone.needs), unless: compileEach(manifest.tone.unless) };
    }
    if (this.ranker && this.ranker.dimension !== encoder.dimension)
      throw new Error(`${this.ranker.id} scores ${this.ranker.dimension}-d embeddings, ${encoder.name} makes ${encoder.dimension}`);
    // The ranker is part of what made the candidate and its score: named in the version.
    const parts = [encoder.name, this.ranker?.id, this.toneModel && `${this.toneModel.modelName}@${this.toneModel.modelVersion}`];
    this.modelVersion = `${manifest.name}@${manifest.version}+${parts.filter(Boolean).join('+')}`;
    const configured = this.repository.runtime.provider;
    this.providers = [
      providerUse(`${encoder.name}@${encoder.version}`, configured, [encoder.provider]),
      providerUse(`${manifest.name}@${manifest.version}`, configured, index.providers),
      ...(this.toneModel?.providers
        ? [providerUse(`${this.toneModel.modelName}@${this.toneModel.modelVersion}`, configured, this.toneModel.providers)]
        : []),
    ];
  }

  async generate(requests: ReplyRequest[]): Promise<GeneratedReply[]> {
    if (!this.index || !this.encoder) throw new Error('retrieval generator used before load()');
    if (requests.length === 0) return [];
    const contexts = requests.map((r) => r.history?.at(-1)?.bot ?? '');
    const previous = requests.map((r) => (this.manifest.tone ? (r.history?.at(-1)?.user ?? '') : ''));
    // The story's opening can be two messages back ("a pigeon got into the breakroom" → "took us forty minutes" → "Marcus named it").
    const earlier = requests.map((r) => (this.manifest.tone?.storyBelow !== undefined ? (r.history?.at(-2)?.user ?? '') : ''));
    // The bot's previous replies repeat (canned lines, bank replies): embedded once, then cached.
    const missing = [...new Set(contexts.filter((c) => c && !this.contextCache.get(c)))];
    const missingPrevious = [...new Set([...previous, ...earlier].filter((p) => p && !this.messageCache.get(p)))];
    // One encoder call for the messages and the previous turns not in the caches.
    const vectors = await this.encoder.embed([...requests.map((r) => r.resolvedText || r.text), ...missing, ...missingPrevious]);
    const d = this.encoder.dimension;
    const row = (i: number) => vectors.subarray(i * d, (i + 1) * d);
    missing.forEach((text, m) => this.contextCache.set(text, row(requests.length + m).slice()));
    missingPrevious.forEach((text, m) => this.messageCache.set(text, row(requests.length + missing.length + m).slice()));
    requests.forEach((r, i) => this.messageCache.set(r.text, row(i).slice()));
    const queries = new Float32Array(requests.length * d);
    requests.forEach((_, i) => {
      const context = contexts[i] ? this.contextCache.get(contexts[i]) : undefined;
      queries.set(blend(row(i).slice(), context, this.contextWeight), i * d);
    });
    const hits = await this.index.search(queries, requests.length);
    const { own, lean, pairs, stories } = await this.readTones(requests, row, previous, earlier);
    return requests.map((request, i) => {
      const projected = this.ranker?.project(queries.subarray(i * d, (i + 1) * d));
      const said = new Set((request.history ?? []).map((turn) => normalize(turn.bot)));
      const picked = pick(request.text, hits[i], {
        personaMargin: this.personaMargin,
        rankerMargin: this.rankerMargin,
        said,
        fit: projected && ((hit) => this.ranker!.score(projected, hit.replyVector)),
      });
      const tone = this.manifest.tone;
      // One candidate per message: a house line or corpus reply the policy would serve is kept.
      if (!tone || picked.score >= (picked.origin === 'house' ? tone.houseAbove : tone.corpusAbove)) return picked;
      // A story goes on in a message that does not turn it ("she tipped me $20 tho" reads on its own).
      const storyAt = tone.storyBelow;
      const goesOn = storyAt !== undefined && !this.turn?.test(request.text);
      if (goesOn && (!own[i] || own[i]!.tone === NO_TONE || own[i]!.score < storyAt)) {
        const story = storyReply(request.text, stories[i], storyAt, this.continuations, said, lean[i]);
        if (story) return story;
      }
      if (goesOn && overruled(own[i], stories[i], storyAt, tone.overruleBelow, tone.opposite)) {
        const story = storyReply(request.text, stories[i], storyAt, this.continuations, said);
        if (story) return story;
      }
      const unsure = own[i] && tone.pairBelow !== undefined && own[i]!.score < tone.pairBelow;
      const pair = unsure ? pairReply(request.text, pairs[i], tone.pairAbove ?? 1, this.pairLines, said) : undefined;
      return pair ?? toneReply(request.text, own[i], this.toneLines, said) ?? picked;
    });
  }

  /**
   * How each message reads (its own tone vote, and its strongest tone other than none: "idk how i'm
   * supposed to get experience" reads as nothing in particular, but leans to nervous, not to the win
   * its previous message was misread as; and its two likeliest tones, for a line that fits either)
   * and how the story's earlier messages read ([previous, the one before] per request): the tone
   * model's reading of each text alone when the bank names one; else the nearest toned examples'
   * vote, the message's query leaning on the message before it.
   */
  private async readTones(
    requests: ReplyRequest[],
    message: (i: number) => Float32Array,
    previous: string[],
    earlier: string[],
  ): Promise<{
    own: (ToneVote | undefined)[];
    lean: (ToneVote | undefined)[];
    pairs: (TonePair | undefined)[];
    stories: (ToneVote | undefined)[][];
  }> {
    const minSimilarity = this.manifest.tone?.minSimilarity ?? 1;
    if (!this.toneModel) {
      const own = (await this.nearestTones(requests.length, message, previous)).map((n) => voteTone(n, minSimilarity));
      const stories = (await this.storyTones(previous, earlier)).map((s) => s.map((n) => voteTone(n, minSimilarity)));
      return { own, lean: own, pairs: [], stories };
    }
    const texts = [...requests.map((r) => r.text), ...previous, ...earlier];
    const unread = [...new Set(texts.filter((t) => t && this.toneCache.get(t) === undefined))];
    const predictions = await this.toneModel.predict(unread);
    const asVote = (label?: { name: string; score: number }) => label && { tone: label.name, score: label.score, share: label.score };
    unread.forEach((text, j) => {
      const labels = withToneWords(
        text,
        withoutGoodNews(text, predictions[j].labels, this.setback, this.manifest.tone?.opposite?.[0]),
        this.toneWords,
      );
      this.toneCache.set(text, { vote: asVote(labels[0])!, lean: asVote(labels.find((l) => l.name !== NO_TONE)), pair: pairOf(labels) });
    });
    const read = (text: string) => (text ? this.toneCache.get(text) : undefined);
    return {
      own: requests.map((r) => read(r.text)?.vote),
      lean: requests.map((r) => read(r.text)?.lean),
      pairs: requests.map((r) => read(r.text)?.pair),
      stories: previous.map((p, i) => [read(p)?.vote, read(earlier[i])?.vote]),
    };
  }

  /** Each message's nearest toned house examples, its query leaning on the user's message before it. */
  private async nearestTones(rows: number, message: (i: number) => Float32Array, previous: string[]): Promise<ToneNeighbour[][]> {
    const tone = this.manifest.tone;
    if (!tone) return Array.from({ length: rows }, () => []);
    const d = this.encoder!.dimension;
    const queries = new Float32Array(rows * d);
    for (let i = 0; i < rows; i++) {
      const before = previous[i] ? this.messageCache.get(previous[i]) : undefined;
      queries.set(blend(message(i).slice(), before, tone.previousWeight), i * d);
    }
    return this.index!.nearestTones(queries, rows);
  }

  /** The nearest toned examples of the story's earlier messages, each alone: [previous, the one before] per request. */
  private async storyTones(previous: string[], earlier: string[]): Promise<ToneNeighbour[][][]> {
    const texts = previous.flatMap((p, i) => [p, earlier[i]]);
    if (this.manifest.tone?.storyBelow === undefined || texts.every((t) => !t)) return previous.map(() => [[], []]);
    const d = this.encoder!.dimension;
    const queries = new Float32Array(texts.length * d);
    texts.forEach((text, j) => {
      const vector = text ? this.messageCache.get(text) : undefined;
      if (vector) queries.set(vector, j * d);
    });
    const found = await this.index!.nearestTones(queries, texts.length);
    return previous.map((_, i) => [texts[2 * i] ? found[2 * i] : [], texts[2 * i + 1] ? found[2 * i + 1] : []]);
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
 * A line for the message's tone, when it has one with lines: the first of its lines the bot has not
 * said lately, starting at a place the message picks (so two conversations with the same tone do
 * not hear the same line first). Scored as sure as the tone is; the policy sets the bar.
 */
export function toneReply(
  message: string,
  vote: ToneVote | undefined,
  lines: Record<string, string[]>,
  said: Set<string>,
): GeneratedReply | undefined {
  const text = vote && vote.tone !== NO_TONE ? unsaidLine(message, lines[vote.tone], said) : undefined;
  return text === undefined ? undefined : { text, score: vote!.score, origin: 'tone' };
}

/** A message's two likeliest tones (neither of them none) and how likely it is one of them. */
export interface TonePair {
  tones: [string, string];
  score: number;
}

/** The two best of a reading's tones, when neither is none. */
export function pairOf(labels: { name: string; score: number }[]): TonePair | undefined {
  const [first, second] = labels;
  if (!first || !second || first.name === NO_TONE || second.name === NO_TONE) return undefined;
  return { tones: [first.name, second.name], score: first.score + second.score };
}

/**
 * A line that fits either of the message's two likeliest tones, when they have such lines and the
 * message is at least `minScore` likely one of them; scored so (origin "pair": the policy serves it
 * after a detail said back, which was right more often).
 */
export function pairReply(
  message: string,
  pair: TonePair | undefined,
  minScore: number,
  lines: Record<string, string[]>,
  said: Set<string>,
): GeneratedReply | undefined {
  if (!pair || pair.score < minScore) return undefined;
  const text = unsaidLine(message, lines[pairKey(...pair.tones)], said);
  return text === undefined ? undefined : { text, score: Math.min(1, pair.score), origin: 'pair' };
}

/**
 * A continuation line for the tone of the story's latest earlier message that reads as one at
 * least `minScore` sure, when that tone has such lines: the detail that follows "i locked myself
 * out of my car" reads as nothing in particular alone, but the story is still one of bad luck. Not
 * when the message itself (`own`: its strongest tone other than none), weak as it is, leans at
 * least half that much to another tone: "a pilot waved at me, i'm so happy" after taking the wrong
 * bus is not more bad luck.
 */
export function storyReply(
  message: string,
  earlier: (ToneVote | undefined)[],
  minScore: number,
  lines: Record<string, string[]>,
  said: Set<string>,
  own?: ToneVote,
): GeneratedReply | undefined {
  for (const vote of earlier) {
    if (!vote || vote.score < minScore) continue;
    if (vote.tone === NO_TONE || !lines[vote.tone]?.length) return undefined;
    if (own && own.tone !== NO_TONE && own.tone !== vote.tone && own.score >= minScore / 2) return undefined;
    const text = unsaidLine(message, lines[vote.tone], said);
    return text === undefined ? undefined : { text, score: vote.score, origin: 'story' };
  }
  return undefined;
}

/**
 * Whether a message's own reading is overruled by its story's: read below `below` as a tone of one
 * side of `opposite`, while the story's latest earlier message read at least `storyAt` sure is of
 * the other side ("i spent 3 months on that dashboard" reads as a win alone; after "my boss took
 * credit for my project" it is more of the annoyance).
 */
export function overruled(
  own: ToneVote | undefined,
  earlier: (ToneVote | undefined)[],
  storyAt: number,
  below: number | undefined,
  opposite: [string[], string[]] | undefined,
): boolean {
  if (!own || below === undefined || !opposite || own.score >= below) return false;
  const story = earlier.find((vote) => vote && vote.score >= storyAt);
  if (!story) return false;
  const side = (tone: string) => (opposite[0].includes(tone) ? 0 : opposite[1].includes(tone) ? 1 : -1);
  return side(own.tone) >= 0 && side(story.tone) >= 0 && side(own.tone) !== side(story.tone);
}

/**
 * A reading's tones, best first, without the good-news ones when the message says something went
 * wrong (`setback`): "didn't get the chair. two years practising that concerto" reads as a win
 * alone, its best tone of the rest (unlucky) stands.
 */
export function withoutGoodNews<T extends { name: string }>(
  text: string,
  labels: T[],
  setback: RegExp | undefined,
  good: string[] | undefined,
): T[] {
  if (!setback || !good || !setback.test(text)) return labels;
  return labels.filter((label) => !good.includes(label.name));
}

/** Per tone, words a message needs for the tone to be read in it, and words it is never read with. */
export interface ToneWords {
  needs: Record<string, RegExp>;
  unless: Record<string, RegExp>;
}

/**
 * The reading without the tones whose words the message lacks or has (ToneWords), the rest in
 * their order. Where the best tone was one of them, the rest are scored as the model's probability
 * given that the message is none of the dropped tones: "She ate every courgette he had" read 0.79
 * gross has little left, but that little is funny or annoyed, and a line for either fits. A minor
 * tone dropped leaves the scores as the model gave them: the policy's bars and the story's
 * overrule were chosen on those, and rescaled, "i cleaned that flat for two days before i left"
 * (a win at 0.69, inside a grievance about a kept deposit) became a sure win.
 */
export function withToneWords<T extends { name: string; score: number }>(text: string, labels: T[], words: ToneWords): T[] {
  const kept = labels.filter((label) => words.needs[label.name]?.test(text) !== false && !words.unless[label.name]?.test(text));
  if (kept.length === labels.length) return labels;
  if (kept[0] === labels[0]) return kept;
  const left = kept.reduce((sum, label) => sum + label.score, 0);
  return left > 0 ? kept.map((label) => ({ ...label, score: label.score / left })) : kept;
}

function compileEach(sources: Record<string, string> | undefined): Record<string, RegExp> {
  return Object.fromEntries(Object.entries(sources ?? {}).map(([tone, source]) => [tone, new RegExp(source, 'iu')]));
}

/** The first of `options` the bot has not said lately, starting at a place the message picks (two conversations do not hear the same line first). */
function unsaidLine(message: string, options: string[] | undefined, said: Set<string>): string | undefined {
  if (!options?.length) return undefined;
  let start = 0;
  for (const ch of message) start = (start * 31 + ch.charCodeAt(0)) >>> 0;
  return options.map((_, j) => options[(start + j) % options.length]).find((line) => !said.has(normalize(line)));
}

/**
 * What sentence embeddings barely see: a negation ("didnt pass the road test" sits next to "passed
 * my driving test", "the friend people forget about" next to "someone remembered") and whether it
 * has happened yet ("driving test in 2 hours" next to "passed my driving test"). A hit whose prompt
 * disagrees with the message on one counts as a weaker match.
 */
const CUES = [
  /\b(?:not|no|never|nothing|nobody|didn'?t|don'?t|doesn'?t|isn'?t|wasn'?t|weren'?t|won'?t|can'?t|cant|couldn'?t|haven'?t|hasn'?t|failed|fail|forget|forgets|forgot|forgotten|left out|ignored|without me)\b/i,
  /\b(?:tomorrow|tmrw|tonight|later|soon|upcoming|gonna|going to|will|due|next (?:week|month|year|time|\w+day)|this (?:weekend|week|\w+day)|on (?:mon|tues|wednes|thurs|fri|satur|sun)day|in (?:a|an|\d+|two|three|a few) (?:min(?:ute)?s?|hours?|hrs?|days?|weeks?|months?))\b|\w'll\b/i,
];
const CUE_PENALTY = 0.1;

export interface PickOptions {
  /** A line of our own wins over a corpus reply whose prompt matches at most this much better. */
  personaMargin: number;
  /** The ranker chooses among corpus replies whose prompts match within this of the best (default: personaMargin). */
  rankerMargin?: number;
  /** The bot's recent replies, normalized: not offered again. */
  said?: Set<string>;
  /** The reply ranker's probability that a hit's reply fits the conversation. */
  fit?: (hit: Hit) => number;
}

/**
 * The hit to offer, among those that neither echo the message nor repeat a recent reply: our own
 * lines whose prompts match within `personaMargin` of the best, when any is there, else the corpus
 * replies within `rankerMargin` of it; of those, the one the ranker says fits best (without a
 * ranker: the best match). A line of our own
 * was written for its prompt, so it is scored by how well that prompt matches the message; a
 * corpus reply answered someone else, so it is scored by the lower of that match and the ranker's
 * fit: it must both answer a similar message and read as a reply to this one.
 */
export function pick(message: string, hits: Hit[], options: PickOptions): GeneratedReply {
  const echo = normalize(message);
  const said = options.said ?? new Set<string>();
  const usable = hits.filter((h) => {
    const reply = normalize(h.entry.reply);
    return reply !== echo && !said.has(reply);
  });
  const cues = CUES.map((cue) => cue.test(message));
  const pool = (usable.length > 0 ? usable : hits)
    .map((h) => ({ ...h, score: h.score - CUE_PENALTY * CUES.filter((cue, i) => cue.test(h.entry.prompt) !== cues[i]).length }))
    .sort((a, b) => b.score - a.score);
  const within = (margin: number) => pool.filter((h) => h.score >= pool[0].score - margin);
  const ours = within(options.personaMargin).filter((h) => h.entry.source === 'persona');
  const fit = options.fit ?? (() => 1);
  const scored = (ours.length > 0 ? ours : within(options.rankerMargin ?? options.personaMargin)).map((hit) => ({ hit, fit: fit(hit) }));
  const { hit, fit: chosenFit } = scored.reduce((a, b) => (b.fit > a.fit ? b : a));
  const clamp = (x: number) => Math.max(0, Math.min(1, x));
  const house = hit.entry.source === 'persona';
  return { text: hit.entry.reply, score: clamp(house ? hit.score : Math.min(hit.score, chosenFit)), origin: house ? 'house' : 'corpus' };
}
