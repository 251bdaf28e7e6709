import { predictMlp, seededRandom, trainMlp, type TrainingSet } from './mlp';

/** Three Gaussian blobs in 8 dimensions, and a multi-label version where label k is "coordinate k > 0". */
function blobs(rows: number, seed: number): { single: TrainingSet; multi: TrainingSet } {
  const random = seededRandom(seed);
  const dims = 8;
  const x = new Float32Array(rows * dims);
  const y = new Int32Array(rows);
  const targets = new Uint8Array(rows * 3);
  for (let r = 0; r < rows; r++) {
    y[r] = r % 3;
    for (let d = 0; d < dims; d++) x[r * dims + d] = (d === y[r] ? 3 : 0) + (random() - 0.5);
    for (let k = 0; k < 3; k++) targets[r * 3 + k] = x[r * dims + k] > 1.5 ? 1 : 0;
  }
  return { single: { x, rows, dims, classes: 3, y }, multi: { x, rows, dims, classes: 3, targets } };
}

const options = { hidden: 16, epochs: 20, batchSize: 16, learningRate: 0.01, weightDecay: 0, seed: 3 };

describe('trainMlp', () => {
  it('learns a separable single-label set (softmax)', () => {
    const { single } = blobs(300, 1);
    const head = trainMlp(single, options);
    expect(head.output).toBe('softmax');
    const test = blobs(90, 2).single;
    const p = predictMlp(head, test.x, test.rows);
    const correct = Array.from(test.y!).filter((label, r) => {
      const row = Array.from(p.subarray(r * 3, r * 3 + 3));
      return row.indexOf(Math.max(...row)) === label;
    }).length;
    expect(correct / test.rows).toBeGreaterThan(0.97);
    for (let r = 0; r < test.rows; r++) expect(p[r * 3] + p[r * 3 + 1] + p[r * 3 + 2]).toBeCloseTo(1, 5);
  });

  it('learns a multi-label set (sigmoids)', () => {
    const { multi } = blobs(300, 4);
    const head = trainMlp(multi, { ...options, hidden: 0 });
    expect(head.output).toBe('sigmoid');
    expect(head.layers).toHaveLength(1);
    const test = blobs(90, 5).multi;
    const p = predictMlp(head, test.x, test.rows);
    let right = 0;
    for (let i = 0; i < test.rows * 3; i++) if (p[i] >= 0.5 === (test.targets![i] === 1)) right++;
    expect(right / (test.rows * 3)).toBeGreaterThan(0.95);
  });

  it('gives the same head for the same seed, and another for another seed', () => {
    const { single } = blobs(60, 6);
    const a = trainMlp(single, { ...options, epochs: 2 });
    const b = trainMlp(single, { ...options, epochs: 2 });
    const c = trainMlp(single, { ...options, epochs: 2, seed: 4 });
    expect(Array.from(a.layers[0].weights)).toEqual(Array.from(b.layers[0].weights));
    expect(Array.from(a.layers[0].weights)).not.toEqual(Array.from(c.layers[0].weights));
  });
});
