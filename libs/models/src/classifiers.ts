import type { InferenceSession } from 'onnxruntime-node';
import type { EncoderHeadManifest, HfClassifierManifest } from './manifest';
import { HeadRunner } from './head';
import { readHfLayout } from './hf-layout';
import { hashedNgrams } from './ngram-features';
import { createSession, tokenFeeds, type ExecutionProvider, type RuntimeOptions } from './ort';
import { labelsFromRow, sigmoid, softmaxRow, type Prediction, type TextClassifier } from './prediction';
import type { SentenceEncoder } from './sentence-encoder';
import { HfTokenizer } from './tokenizer';

/** A shared sentence encoder and the task's trained heads: one encoder call per batch, then each head. */
export class EncoderHeadClassifier implements TextClassifier {
  readonly task: string;
  readonly modelName: string;
  readonly modelVersion: string;

  constructor(
    private readonly manifest: EncoderHeadManifest,
    readonly encoder: SentenceEncoder,
    private readonly heads: HeadRunner[],
  ) {
    this.task = manifest.task;
    this.modelName = `${manifest.name}+${encoder.name}`;
    this.modelVersion = manifest.version;
  }

  get providers(): ExecutionProvider[] {
    return [this.encoder.provider, ...this.heads.map((h) => h.provider)];
  }

  static async load(manifest: EncoderHeadManifest, encoder: SentenceEncoder, headFiles: string[], runtime: RuntimeOptions): Promise<EncoderHeadClassifier> {
    const heads = await Promise.all(headFiles.map((file, i) => HeadRunner.load(file, runtime, manifest.heads[i].input, manifest.heads[i].output)));
    heads.forEach((head, i) => {
      if (head.inputs !== encoder.dimension) throw new Error(`${manifest.name} head ${manifest.heads[i].name} reads ${head.inputs} values, ${encoder.name} gives ${encoder.dimension}`);
    });
    return new EncoderHeadClassifier(manifest, encoder, heads);
  }

  async predict(texts: string[]): Promise<Prediction[]> {
    if (texts.length === 0) return [];
    return this.predictEmbedded(texts, await this.encoder.embed(texts));
  }

  /** The heads alone, on embeddings `this.encoder` already made for these texts (shared by several tasks). */
  async predictEmbedded(texts: string[], embeddings: Float32Array): Promise<Prediction[]> {
    const { ngrams } = this.manifest;
    const lexical = ngrams ? hashedNgrams(texts, ngrams) : undefined;
    const outputs = await Promise.all(this.heads.map((head) => head.run(embeddings, texts.length, lexical)));
    return texts.map((_, row) => {
      const [primary, ...extra] = this.manifest.heads.map((spec, h) => {
        const { data, classes } = outputs[h];
        return labelsFromRow(data.subarray(row * classes, (row + 1) * classes), spec.labels, spec.multiLabel, spec.thresholds);
      });
      return { labels: primary, groups: Object.fromEntries(extra.map((labels, i) => [this.manifest.heads[i + 1].name, labels])) };
    });
  }

  async release(): Promise<void> {
    await Promise.all(this.heads.map((h) => h.release()));
  }
}

/**
 * A fine-tuned sequence classifier in the standard Hugging Face ONNX export layout: tokenizer.json,
 * config.json's id2label, and a model whose `logits` output gives one score per label.
 */
export class HfSequenceClassifier implements TextClassifier {
  readonly task: string;
  readonly modelName: string;
  readonly modelVersion: string;

  private constructor(
    private readonly manifest: HfClassifierManifest,
    private readonly tokenizer: HfTokenizer,
    private readonly session: InferenceSession,
    private readonly labels: string[],
    private readonly provider: ExecutionProvider,
  ) {
    this.task = manifest.task;
    this.modelName = manifest.name;
    this.modelVersion = manifest.version;
  }

  get providers(): ExecutionProvider[] {
    return [this.provider];
  }

  static async load(manifest: HfClassifierManifest, dir: string, runtime: RuntimeOptions): Promise<HfSequenceClassifier> {
    const layout = readHfLayout(dir);
    if (layout.labels.length < 2) throw new Error(`${dir}/config.json has no id2label with two or more labels`);
    const { session, provider } = await createSession(layout.modelFile, runtime);
    for (const output of ['logits', ...manifest.groups.map((g) => g.output)]) {
      if (!session.outputNames.includes(output)) throw new Error(`${layout.modelFile} has no ${output} output (it has ${session.outputNames.join(', ')})`);
    }
    return new HfSequenceClassifier(manifest, HfTokenizer.load(dir, manifest.maxLength), session, layout.labels, provider);
  }

  async predict(texts: string[]): Promise<Prediction[]> {
    if (texts.length === 0) return [];
    const feeds = tokenFeeds(this.tokenizer.encodeBatch(texts), this.session.inputNames);
    const outputs = await this.session.run(feeds);
    const { multiLabel, thresholds, groups } = this.manifest;
    const rows = (output: string, labels: string[]) => {
      const tensor = outputs[output];
      const classes = tensor.dims[1];
      if (classes !== labels.length) throw new Error(`${this.modelName} gives ${classes} ${output} for ${labels.length} labels`);
      const data = tensor.data as Float32Array;
      return (row: number) => data.subarray(row * classes, (row + 1) * classes);
    };
    const primary = rows('logits', this.labels);
    const extra = groups.map((g) => rows(g.output, g.labels));
    return texts.map((_, row) => {
      const probabilities = multiLabel ? Array.from(primary(row), sigmoid) : softmaxRow(primary(row));
      return {
        labels: labelsFromRow(probabilities, this.labels, multiLabel, thresholds),
        groups: Object.fromEntries(groups.map((g, i) => [g.name, labelsFromRow(Array.from(extra[i](row), sigmoid), g.labels, true, g.thresholds)])),
      };
    });
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
