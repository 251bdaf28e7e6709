import { ReplyRanker } from '@app/models';
import { seededRandom } from './mlp';

/** Unit-length rows: queries (the conversation) and replies, row i of each one true pair. */
export interface RankingPairs {
  queries: Float32Array;
  replies: Float32Array;
  rows: number;
  dims: number;
}

export interface RankerOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Pull of W back towards the identity (plain cosine), per step. */
  decay: number;
  /** Logit scale: softmax over scale·q·W·r. */
  scale: number;
  seed: number;
  /** Called after each epoch with the mean loss and the weights so far. */
  onEpoch?: (epoch: number, loss: number, weights: Float32Array) => void;
}

/**
 * Trains W (d × d, starting at the identity, so the untrained ranker is cosine) by softmax cross
 * entropy: each query against its own reply, the other replies of its batch, and its hard
 * negatives (`hard[i·h .. i·h+h)`: replies of the pairs whose prompts are nearest to it, the
 * replies retrieval itself would offer). Adam on W.
 */
export function trainRanker(pairs: RankingPairs, hard: Int32Array, perQuery: number, options: RankerOptions): Float32Array {
  const { rows, dims: d } = pairs;
  const w = new Float32Array(d * d);
  for (let i = 0; i < d; i++) w[i * d + i] = 1;
  const m = new Float32Array(d * d);
  const v = new Float32Array(d * d);
  const grad = new Float32Array(d * d);
  const random = seededRandom(options.seed);
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  let step = 0;
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    for (let i = rows - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let lossSum = 0;
    for (let start = 0; start + 1 < rows; start += options.batchSize) {
      const batch = order.subarray(start, Math.min(rows, start + options.batchSize));
      const b = batch.length;
      // Candidates: the batch's own replies first (query k's positive is candidate k), then hard negatives.
      const candidateRows = [...batch];
      for (const q of batch) for (let h = 0; h < perQuery; h++) candidateRows.push(hard[q * perQuery + h]);
      const c = candidateRows.length;
      const cand = gather(pairs.replies, candidateRows, d);
      const queries = gather(pairs.queries, [...batch], d);
      const projected = matmul(queries, b, d, w, d); // b × d: q·W
      const logits = matmulTransposed(projected, b, cand, c, d); // b × c
      // softmax − onehot, scaled; the loss as we go.
      for (let k = 0; k < b; k++) {
        const row = logits.subarray(k * c, (k + 1) * c);
        let max = -Infinity;
        for (let j = 0; j < c; j++) max = Math.max(max, (row[j] *= options.scale));
        let sum = 0;
        for (let j = 0; j < c; j++) sum += row[j] = Math.exp(row[j] - max);
        lossSum += -Math.log(row[k] / sum + 1e-12);
        for (let j = 0; j < c; j++) row[j] = (row[j] / sum - (j === k ? 1 : 0)) * (options.scale / b);
      }
      // dL/dW = Qᵀ · (G · C)
      const gc = matmul(logits, b, c, cand, d); // b × d
      grad.fill(0);
      for (let k = 0; k < b; k++) {
        for (let i = 0; i < d; i++) {
          const q = queries[k * d + i];
          if (q === 0) continue;
          const gRow = i * d;
          for (let j = 0; j < d; j++) grad[gRow + j] += q * gc[k * d + j];
        }
      }
      step++;
      adam(w, grad, m, v, step, options.learningRate, options.decay, d);
    }
    options.onEpoch?.(epoch, lossSum / Math.max(1, rows), w);
  }
  return w;
}

function adam(
  w: Float32Array,
  grad: Float32Array,
  m: Float32Array,
  v: Float32Array,
  step: number,
  lr: number,
  decay: number,
  d: number,
): void {
  const [beta1, beta2, eps] = [0.9, 0.999, 1e-8];
  const c1 = 1 - beta1 ** step;
  const c2 = 1 - beta2 ** step;
  for (let p = 0; p < w.length; p++) {
    const g = grad[p];
    m[p] = beta1 * m[p] + (1 - beta1) * g;
    v[p] = beta2 * v[p] + (1 - beta2) * g * g;
    w[p] -= lr * (m[p] / c1 / (Math.sqrt(v[p] / c2) + eps));
    // Decay towards the identity, not zero: an unlearned direction stays cosine.
    w[p] -= decay * (w[p] - (p % (d + 1) === 0 ? 1 : 0));
  }
}

function gather(source: Float32Array, rows: number[], d: number): Float32Array {
  const out = new Float32Array(rows.length * d);
  rows.forEach((r, i) => out.set(source.subarray(r * d, (r + 1) * d), i * d));
  return out;
}

/** a (n × k) · b (k × m) */
function matmul(a: Float32Array, n: number, k: number, b: Float32Array, m: number): Float32Array {
  const out = new Float32Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) {
      const x = a[i * k + p];
      if (x === 0) continue;
      const bRow = p * m;
      const oRow = i * m;
      for (let j = 0; j < m; j++) out[oRow + j] += x * b[bRow + j];
    }
  }
  return out;
}

/** a (n × d) · bᵀ where b is (m × d) */
function matmulTransposed(a: Float32Array, n: number, b: Float32Array, m: number, d: number): Float32Array {
  const out = new Float32Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let dot = 0;
      for (let p = 0; p < d; p++) dot += a[i * d + p] * b[j * d + p];
      out[i * m + j] = dot;
    }
  }
  return out;
}

/** Ranking figures for one scorer over candidate lists (the true reply is always candidate 0). */
export interface RankingFigures {
  recallAt1: number;
  recallAt3: number;
  mrr: number;
}

/**
 * Recall@1, recall@3 and MRR when each query ranks its candidate list (`lists[i]`, rows of
 * `pairs.replies`, the true reply first); ties count against the true reply.
 */
export function rankingFigures(pairs: RankingPairs, lists: number[][], ranker: ReplyRanker): RankingFigures {
  const d = pairs.dims;
  let r1 = 0;
  let r3 = 0;
  let mrr = 0;
  lists.forEach((list, i) => {
    const projected = ranker.project(pairs.queries.subarray(i * d, (i + 1) * d));
    const scores = list.map((row) => ranker.logit(projected, pairs.replies.subarray(row * d, (row + 1) * d)));
    const rank = 1 + scores.slice(1).filter((s) => s >= scores[0]).length;
    if (rank === 1) r1++;
    if (rank <= 3) r3++;
    mrr += 1 / rank;
  });
  const n = Math.max(1, lists.length);
  return { recallAt1: r1 / n, recallAt3: r3 / n, mrr: mrr / n };
}

/**
 * The logistic calibration p = σ(a·logit + b) fitted by gradient descent on (logit, fits?) pairs:
 * what the policy's bar reads as "probability this reply fits".
 */
export function fitCalibration(logits: number[], labels: number[], iterations = 2000): { a: number; b: number } {
  // Fitted on standardized logits (steady steps whatever the logit scale), then mapped back.
  const n = logits.length;
  const mean = logits.reduce((sum, x) => sum + x, 0) / n;
  const std = Math.sqrt(logits.reduce((sum, x) => sum + (x - mean) ** 2, 0) / n) || 1;
  const z = logits.map((x) => (x - mean) / std);
  let [a, b] = [1, 0];
  for (let it = 0; it < iterations; it++) {
    let [ga, gb] = [0, 0];
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-(a * z[i] + b)));
      ga += (p - labels[i]) * z[i];
      gb += p - labels[i];
    }
    a -= ga / n;
    b -= gb / n;
  }
  return { a: a / std, b: b - (a * mean) / std };
}
