import type { DenseLayer, HeadWeights } from '@app/models';

/** A small deterministic PRNG (mulberry32): the same seed gives the same head. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface TrainingSet {
  /** rows × dims embeddings. */
  x: Float32Array;
  rows: number;
  dims: number;
  classes: number;
  /** Single-label: one class id per row. */
  y?: Int32Array;
  /** Multi-label: rows × classes of 0/1. */
  targets?: Uint8Array;
}

export interface MlpOptions {
  /** Width of the hidden layer; 0 trains a linear (logistic) head. */
  hidden: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  weightDecay: number;
  seed: number;
  onEpoch?: (epoch: number, loss: number) => void;
}

interface Param {
  value: Float32Array;
  grad: Float32Array;
  m: Float32Array;
  v: Float32Array;
}

function param(size: number, init: (i: number) => number): Param {
  return {
    value: Float32Array.from({ length: size }, (_, i) => init(i)),
    grad: new Float32Array(size),
    m: new Float32Array(size),
    v: new Float32Array(size),
  };
}

/** out[b×o] = in[b×i] · W[i×o] + bias */
function dense(
  input: Float32Array,
  rows: number,
  inputs: number,
  w: Float32Array,
  bias: Float32Array,
  outputs: number,
  out: Float32Array,
): void {
  for (let r = 0; r < rows; r++) {
    const o = out.subarray(r * outputs, (r + 1) * outputs);
    o.set(bias);
    for (let k = 0; k < inputs; k++) {
      const a = input[r * inputs + k];
      if (a === 0) continue;
      const wRow = k * outputs;
      for (let j = 0; j < outputs; j++) o[j] += a * w[wRow + j];
    }
  }
}

/**
 * Trains a one-hidden-layer (or linear) classification head with Adam and mini-batches in a seeded
 * order: softmax cross-entropy for single-label sets, per-label sigmoid cross-entropy for multi-label.
 */
export function trainMlp(data: TrainingSet, options: MlpOptions): HeadWeights {
  const random = seededRandom(options.seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  const sizes = options.hidden > 0 ? [data.dims, options.hidden, data.classes] : [data.dims, data.classes];
  const layers = sizes.slice(1).map((outputs, i) => {
    const inputs = sizes[i];
    const scale = Math.sqrt(2 / inputs);
    return { inputs, outputs, w: param(inputs * outputs, () => gaussian() * scale), b: param(outputs, () => 0) };
  });
  const multiLabel = data.targets !== undefined;
  const order = Int32Array.from({ length: data.rows }, (_, i) => i);
  const batch = options.batchSize;
  const activations = sizes.map((s) => new Float32Array(batch * s));
  const deltas = sizes.map((s) => new Float32Array(batch * s));
  let step = 0;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let lossSum = 0;
    for (let start = 0; start < data.rows; start += batch) {
      const rows = Math.min(batch, data.rows - start);
      const x = activations[0];
      for (let r = 0; r < rows; r++)
        x.set(data.x.subarray(order[start + r] * data.dims, (order[start + r] + 1) * data.dims), r * data.dims);
      // forward
      layers.forEach((layer, l) => {
        dense(activations[l], rows, layer.inputs, layer.w.value, layer.b.value, layer.outputs, activations[l + 1]);
        if (l < layers.length - 1) for (let k = 0; k < rows * layer.outputs; k++) if (activations[l + 1][k] < 0) activations[l + 1][k] = 0;
      });
      // loss gradient at the logits
      const logits = activations[layers.length];
      const top = deltas[layers.length];
      const c = data.classes;
      for (let r = 0; r < rows; r++) {
        const row = order[start + r];
        if (multiLabel) {
          for (let k = 0; k < c; k++) {
            const z = logits[r * c + k];
            const p = 1 / (1 + Math.exp(-z));
            const t = data.targets![row * c + k];
            lossSum -= t ? Math.log(p + 1e-9) : Math.log(1 - p + 1e-9);
            top[r * c + k] = (p - t) / rows;
          }
        } else {
          let max = -Infinity;
          for (let k = 0; k < c; k++) max = Math.max(max, logits[r * c + k]);
          let sum = 0;
          for (let k = 0; k < c; k++) sum += Math.exp(logits[r * c + k] - max);
          const label = data.y![row];
          for (let k = 0; k < c; k++) {
            const p = Math.exp(logits[r * c + k] - max) / sum;
            if (k === label) lossSum -= Math.log(p + 1e-9);
            top[r * c + k] = (p - (k === label ? 1 : 0)) / rows;
          }
        }
      }
      // backward
      for (let l = layers.length - 1; l >= 0; l--) {
        const layer = layers[l];
        const input = activations[l];
        const delta = deltas[l + 1];
        const { inputs, outputs } = layer;
        layer.w.grad.fill(0);
        layer.b.grad.fill(0);
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < outputs; j++) layer.b.grad[j] += delta[r * outputs + j];
          for (let k = 0; k < inputs; k++) {
            const a = input[r * inputs + k];
            if (a === 0) continue;
            const g = layer.w.grad;
            const wRow = k * outputs;
            for (let j = 0; j < outputs; j++) g[wRow + j] += a * delta[r * outputs + j];
          }
        }
        if (l > 0) {
          const below = deltas[l];
          for (let r = 0; r < rows; r++) {
            for (let k = 0; k < inputs; k++) {
              if (input[r * inputs + k] <= 0) {
                below[r * inputs + k] = 0; // ReLU
                continue;
              }
              let s = 0;
              const wRow = k * outputs;
              for (let j = 0; j < outputs; j++) s += layer.w.value[wRow + j] * delta[r * outputs + j];
              below[r * inputs + k] = s;
            }
          }
        }
      }
      step++;
      for (const layer of layers) {
        adam(layer.w, step, options.learningRate, options.weightDecay);
        adam(layer.b, step, options.learningRate, 0);
      }
    }
    options.onEpoch?.(epoch + 1, lossSum / data.rows);
  }
  return {
    output: multiLabel ? 'sigmoid' : 'softmax',
    layers: layers.map((l): DenseLayer => ({ inputs: l.inputs, outputs: l.outputs, weights: l.w.value, bias: l.b.value })),
  };
}

/** AdamW: decoupled weight decay. */
function adam(p: Param, step: number, lr: number, decay: number): void {
  const b1 = 0.9;
  const b2 = 0.999;
  const c1 = 1 - b1 ** step;
  const c2 = 1 - b2 ** step;
  for (let i = 0; i < p.value.length; i++) {
    const g = p.grad[i];
    p.m[i] = b1 * p.m[i] + (1 - b1) * g;
    p.v[i] = b2 * p.v[i] + (1 - b2) * g * g;
    p.value[i] -= lr * (p.m[i] / c1 / (Math.sqrt(p.v[i] / c2) + 1e-8) + decay * p.value[i]);
  }
}

/** Probabilities from a head, in JavaScript (for evaluation during training; the served head runs in ONNX Runtime). */
export function predictMlp(head: HeadWeights, x: Float32Array, rows: number): Float32Array {
  let current = x;
  head.layers.forEach((layer, l) => {
    const out = new Float32Array(rows * layer.outputs);
    dense(current, rows, layer.inputs, layer.weights, layer.bias, layer.outputs, out);
    if (l < head.layers.length - 1) for (let k = 0; k < out.length; k++) if (out[k] < 0) out[k] = 0;
    current = out;
  });
  const c = head.layers[head.layers.length - 1].outputs;
  for (let r = 0; r < rows; r++) {
    const row = current.subarray(r * c, (r + 1) * c);
    if (head.output === 'sigmoid') {
      for (let k = 0; k < c; k++) row[k] = 1 / (1 + Math.exp(-row[k]));
    } else {
      const max = Math.max(...row);
      let sum = 0;
      for (let k = 0; k < c; k++) sum += row[k] = Math.exp(row[k] - max);
      for (let k = 0; k < c; k++) row[k] /= sum;
    }
  }
  return current;
}
