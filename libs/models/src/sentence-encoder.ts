import type { InferenceSession } from 'onnxruntime-node';
import type { EncoderManifest } from './manifest';
import { readHfLayout } from './hf-layout';
import { createSession, tokenFeeds, type ExecutionProvider, type RuntimeOptions } from './ort';
import { HfTokenizer, type TokenBatch } from './tokenizer';

/** Turns texts into fixed-size sentence embeddings: transformer → pooling over real tokens → optional L2 norm. */
export class SentenceEncoder {
  private constructor(
    readonly name: string,
    readonly version: string,
    readonly dimension: number,
    private readonly tokenizer: HfTokenizer,
    private readonly session: InferenceSession,
    private readonly spec: Pick<EncoderManifest, 'inputs' | 'output' | 'pooling' | 'normalize'>,
    readonly provider: ExecutionProvider,
  ) {}

  static async load(manifest: EncoderManifest, dir: string, runtime: RuntimeOptions): Promise<SentenceEncoder> {
    const layout = readHfLayout(dir);
    const tokenizer = HfTokenizer.load(dir, manifest.maxLength);
    const { session, provider } = await createSession(layout.modelFile, runtime);
    for (const input of manifest.inputs) {
      if (!session.inputNames.includes(input)) throw new Error(`${layout.modelFile} has no input ${input} (it has ${session.inputNames.join(', ')})`);
    }
    if (!session.outputNames.includes(manifest.output)) throw new Error(`${layout.modelFile} has no output ${manifest.output}`);
    return new SentenceEncoder(manifest.name, manifest.version, manifest.dimension, tokenizer, session, manifest, provider);
  }

  /** Embeddings of texts, row after row: a Float32Array of texts.length × dimension. */
  async embed(texts: string[]): Promise<Float32Array> {
    if (texts.length === 0) return new Float32Array(0);
    const tokens = this.tokenizer.encodeBatch(texts);
    const output = (await this.session.run(tokenFeeds(tokens, this.spec.inputs)))[this.spec.output];
    const hidden = output.data as Float32Array;
    const width = output.dims[2];
    if (width !== this.dimension) throw new Error(`${this.name} returned width ${width}, expected ${this.dimension}`);
    return pool(hidden, tokens, width, this.spec.pooling, this.spec.normalize);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** Mean over the tokens the attention mask keeps (or the first token for cls), then L2-normalised. */
export function pool(hidden: Float32Array, tokens: TokenBatch, width: number, pooling: 'mean' | 'cls', normalize: boolean): Float32Array {
  const out = new Float32Array(tokens.batch * width);
  for (let row = 0; row < tokens.batch; row++) {
    const target = out.subarray(row * width, (row + 1) * width);
    if (pooling === 'cls') {
      target.set(hidden.subarray(row * tokens.length * width, row * tokens.length * width + width));
    } else {
      let count = 0;
      for (let t = 0; t < tokens.length; t++) {
        if (tokens.attentionMask[row * tokens.length + t] === 0n) continue;
        count++;
        const offset = (row * tokens.length + t) * width;
        for (let d = 0; d < width; d++) target[d] += hidden[offset + d];
      }
      for (let d = 0; d < width; d++) target[d] /= Math.max(count, 1);
    }
    if (normalize) {
      let norm = 0;
      for (let d = 0; d < width; d++) norm += target[d] * target[d];
      norm = Math.sqrt(norm) || 1;
      for (let d = 0; d < width; d++) target[d] /= norm;
    }
  }
  return out;
}
