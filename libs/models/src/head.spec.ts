import { exportHeadOnnx, fromHalfBits, HeadRunner, roundWeightsToHalf, toHalfBits, type HeadWeights } from './head';
import { DEFAULT_RUNTIME } from './ort';

function head(output: 'softmax' | 'sigmoid'): HeadWeights {
  // 3 → 4 (ReLU) → 2, weights chosen so that every path matters.
  return {
    output,
    layers: [
      { inputs: 3, outputs: 4, weights: Float32Array.from([1, -1, 0.5, 2, 0, 1, -0.5, 1, 1, 0, 2, -1]), bias: Float32Array.from([0.1, 0, -0.2, 0.3]) },
      { inputs: 4, outputs: 2, weights: Float32Array.from([1, -1, 0.5, 0.5, -1, 2, 1, 0]), bias: Float32Array.from([0, 0.25]) },
    ],
  };
}

/** The same head by hand, in float64. */
function reference(weights: HeadWeights, x: number[]): number[] {
  let current = x;
  weights.layers.forEach((layer, l) => {
    const out = Array.from(layer.bias);
    for (let k = 0; k < layer.inputs; k++) for (let j = 0; j < layer.outputs; j++) out[j] += current[k] * layer.weights[k * layer.outputs + j];
    current = l < weights.layers.length - 1 ? out.map((v) => Math.max(0, v)) : out;
  });
  if (weights.output === 'sigmoid') return current.map((v) => 1 / (1 + Math.exp(-v)));
  const exps = current.map((v) => Math.exp(v));
  return exps.map((e) => e / exps.reduce((a, b) => a + b, 0));
}

describe('exportHeadOnnx + HeadRunner (real ONNX Runtime)', () => {
  it.each(['softmax', 'sigmoid'] as const)('runs an exported %s head exactly as the weights say, row by row', async (output) => {
    const weights = head(output);
    const runner = await HeadRunner.load(exportHeadOnnx(weights, 'test'), DEFAULT_RUNTIME);
    const rows = [
      [0.5, -1, 2],
      [0, 0, 0],
      [3, 1, -2],
    ];
    const { data, classes } = await runner.run(Float32Array.from(rows.flat()), rows.length);
    expect(classes).toBe(2);
    expect(runner.inputs).toBe(3);
    rows.forEach((row, r) => {
      const expected = reference(weights, row);
      expected.forEach((value, k) => expect(data[r * classes + k]).toBeCloseTo(value, 5));
    });
    await runner.release();
  });

  it('concatenates hashed n-grams after the embedding when the head reads them', async () => {
    const weights = head('softmax'); // 3 inputs: 2 embedding values + 1 n-gram bucket
    const runner = await HeadRunner.load(exportHeadOnnx(weights, 'test', 1), DEFAULT_RUNTIME);
    const { data } = await runner.run(Float32Array.from([0.5, -1]), 1, Float32Array.from([2]));
    reference(weights, [0.5, -1, 2]).forEach((value, k) => expect(data[k]).toBeCloseTo(value, 5));
    await expect(runner.run(Float32Array.from([0.5, -1]), 1)).rejects.toThrow(/also reads ngrams/);
    await runner.release();
  });

  it('stores float16 weights that ONNX Runtime widens to exactly the rounded values', async () => {
    const weights = head('sigmoid');
    const half = exportHeadOnnx(weights, 'test', 0, true);
    const wide: HeadWeights = { output: 'softmax', layers: [{ inputs: 256, outputs: 64, weights: new Float32Array(256 * 64).fill(0.1), bias: new Float32Array(64) }] };
    expect(exportHeadOnnx(wide, 'wide', 0, true).length).toBeLessThan(0.55 * exportHeadOnnx(wide, 'wide').length);
    const runner = await HeadRunner.load(half, DEFAULT_RUNTIME);
    const { data } = await runner.run(Float32Array.from([0.5, -1, 2]), 1);
    reference(roundWeightsToHalf(weights), [0.5, -1, 2]).forEach((value, k) => expect(data[k]).toBeCloseTo(value, 6));
    await runner.release();
  });

  it.each([
    [0, 0],
    [1, 0x3c00],
    [-2, 0xc000],
    [65504, 0x7bff],
    [1e6, 0x7c00],
    [2 ** -24, 0x0001],
    [1 + 2 ** -11, 0x3c00], // a tie rounds to even
    [1 + 3 * 2 ** -11, 0x3c02],
  ])('rounds %p to half-precision bits %p and back', (value, bits) => {
    expect(toHalfBits(value)).toBe(bits);
    if (Number.isFinite(fromHalfBits(bits))) expect(fromHalfBits(bits)).toBeCloseTo(Math.min(value, 65504), 3);
  });

  it('refuses layers that do not fit together', () => {
    const weights = head('softmax');
    weights.layers[1] = { ...weights.layers[1], inputs: 5 };
    expect(() => exportHeadOnnx(weights, 'bad')).toThrow(/layer 1 takes 5, previous gives 4/);
  });
});
