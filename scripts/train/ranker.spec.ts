import { ReplyRanker } from '@app/models';
import { fitCalibration, rankingFigures, trainRanker, type RankingPairs } from './ranker';
import { seededRandom } from './mlp';

/** Pairs where the reply is the query rotated by one coordinate: cosine cannot see it, a bilinear W can. */
function rotatedPairs(rows: number, dims: number, seed: number): RankingPairs {
  const random = seededRandom(seed);
  const queries = new Float32Array(rows * dims);
  const replies = new Float32Array(rows * dims);
  for (let r = 0; r < rows; r++) {
    let norm = 0;
    for (let d = 0; d < dims; d++) norm += (queries[r * dims + d] = random() - 0.5) ** 2;
    for (let d = 0; d < dims; d++) queries[r * dims + d] /= Math.sqrt(norm);
    for (let d = 0; d < dims; d++) replies[r * dims + ((d + 1) % dims)] = queries[r * dims + d];
  }
  return { queries, replies, rows, dims };
}

describe('the reply ranker trainer', () => {
  const dims = 8;
  const train = rotatedPairs(400, dims, 1);
  const heldOut = rotatedPairs(100, dims, 2);
  const lists = Array.from({ length: heldOut.rows }, (_, i) => [i, ...Array.from({ length: 9 }, (_, j) => (i + 1 + j * 7) % heldOut.rows)]);
  const identity = new Float32Array(dims * dims).map((_, p) => (p % (dims + 1) === 0 ? 1 : 0));

  it('starts at cosine and learns what cosine misses, on held-out pairs', () => {
    const cosine = rankingFigures(heldOut, lists, ReplyRanker.fromWeights('cosine', '-', identity, dims, 20));
    const weights = trainRanker(train, new Int32Array(0), 0, {
      epochs: 30,
      batchSize: 32,
      learningRate: 0.01,
      decay: 0,
      scale: 10,
      seed: 3,
    });
    const trained = rankingFigures(heldOut, lists, ReplyRanker.fromWeights('ranker', '1', weights, dims, 10));
    expect(cosine.recallAt1).toBeLessThan(0.5);
    expect(trained.recallAt1).toBeGreaterThan(0.9);
    expect(trained.mrr).toBeGreaterThan(cosine.mrr);
  });

  it('fits a calibration that orders fits above misfits', () => {
    const { a, b } = fitCalibration([5, 6, 7, -1, 0, 1], [1, 1, 1, 0, 0, 0]);
    const p = (x: number) => 1 / (1 + Math.exp(-(a * x + b)));
    expect(p(6)).toBeGreaterThan(0.9);
    expect(p(0)).toBeLessThan(0.1);
  });
});
