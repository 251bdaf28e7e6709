import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReplyRankerManifest } from './manifest';

/**
 * How well a reply answers a conversation: a bilinear score q·W·r between the conversation's
 * embedding (the message blended with the bot's previous turn, as retrieval queries are made) and
 * the reply's embedding, both from the same sentence encoder, mapped to [0, 1] by the logistic
 * calibration fitted on held-out pairs. W starts as the identity (plain cosine) and is trained on
 * real dialogue turns against hard negatives (`npm run train:ranker`).
 */
export class ReplyRanker {
  private constructor(
    readonly name: string,
    readonly version: string,
    /** d × d, row-major: W[i][j] = weights[i·d + j]. */
    private readonly weights: Float32Array,
    readonly dimension: number,
    private readonly scale: number,
    private readonly calibration: { a: number; b: number },
  ) {}

  /** The ranker of a manifest, its weights checked against the manifest's sha256. */
  static load(manifest: ReplyRankerManifest, dir: string): ReplyRanker {
    const bytes = readFileSync(join(dir, manifest.file));
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (sha !== manifest.sha256) throw new Error(`${manifest.name}: ${manifest.file} has sha256 ${sha}, the manifest says ${manifest.sha256}`);
    const d = manifest.dimension;
    const weights = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    if (weights.length !== d * d) throw new Error(`${manifest.name}: ${weights.length} weights for dimension ${d}`);
    return new ReplyRanker(manifest.name, manifest.version, weights, d, manifest.scale, manifest.calibration);
  }

  static fromWeights(name: string, version: string, weights: Float32Array, dimension: number, scale: number, calibration = { a: 1, b: 0 }): ReplyRanker {
    return new ReplyRanker(name, version, weights, dimension, scale, calibration);
  }

  /** name@version, as candidates and outcomes name it. */
  get id(): string {
    return `${this.name}@${this.version}`;
  }

  /** W·… applied on the query side once per conversation turn: q' = Wᵀq, so that score(r) = q'·r. */
  project(query: Float32Array): Float32Array {
    const d = this.dimension;
    const out = new Float32Array(d);
    for (let i = 0; i < d; i++) {
      const q = query[i];
      if (q === 0) continue;
      const row = i * d;
      for (let j = 0; j < d; j++) out[j] += q * this.weights[row + j];
    }
    return out;
  }

  /** The raw logit scale·q'·r of a projected query and a reply embedding. */
  logit(projected: Float32Array, reply: Float32Array): number {
    let dot = 0;
    for (let j = 0; j < this.dimension; j++) dot += projected[j] * reply[j];
    return this.scale * dot;
  }

  /** The calibrated probability that the reply fits: 1 / (1 + e^-(a·logit + b)). */
  score(projected: Float32Array, reply: Float32Array): number {
    const { a, b } = this.calibration;
    return 1 / (1 + Math.exp(-(a * this.logit(projected, reply) + b)));
  }
}
