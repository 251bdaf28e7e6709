import { LexiconSentimentTask, sentimentLabels } from './lexicon-sentiment.task';
import type { ScoredLabel } from './nlu-task';

const scoreOf = (labels: ScoredLabel[], name: string) => labels.find((l) => l.name === name)!.score;

describe('sentimentLabels', () => {
  const samples = [-1000, -5, -1.2, -0.5, -0.1, -1e-9, 0, 1e-9, 0.1, 0.3, 0.6, 1, 5, 1000];

  it.each(samples)('gives a distribution over the three labels for comparative %p', (comparative) => {
    const labels = sentimentLabels(comparative);
    expect(labels.map((l) => l.name).sort()).toEqual(['negative', 'neutral', 'positive']);
    for (const { score } of labels) {
      expect(Number.isFinite(score)).toBe(true);
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(1);
    }
    expect(labels.reduce((sum, l) => sum + l.score, 0)).toBeCloseTo(1, 12);
  });

  it.each(samples)('sorts labels best first for comparative %p', (comparative) => {
    const scores = sentimentLabels(comparative).map((l) => l.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('is all neutral at zero', () => {
    const labels = sentimentLabels(0);
    expect(labels[0]).toEqual({ name: 'neutral', score: 1 });
    expect(scoreOf(labels, 'positive')).toBe(0);
    expect(scoreOf(labels, 'negative')).toBe(0);
  });

  it('leans positive for a positive score and negative for a negative one', () => {
    for (const c of [0.05, 0.3, 0.6, 2]) {
      const labels = sentimentLabels(c);
      expect(scoreOf(labels, 'positive')).toBeGreaterThan(scoreOf(labels, 'negative'));
      const mirrored = sentimentLabels(-c);
      expect(scoreOf(mirrored, 'negative')).toBeGreaterThan(scoreOf(mirrored, 'positive'));
    }
  });

  it('is symmetric: -c swaps positive and negative and keeps neutral', () => {
    for (const c of [0.1, 0.6, 1.5]) {
      const a = sentimentLabels(c);
      const b = sentimentLabels(-c);
      expect(scoreOf(b, 'negative')).toBeCloseTo(scoreOf(a, 'positive'), 12);
      expect(scoreOf(b, 'positive')).toBeCloseTo(scoreOf(a, 'negative'), 12);
      expect(scoreOf(b, 'neutral')).toBeCloseTo(scoreOf(a, 'neutral'), 12);
    }
  });

  it('moves mass from neutral to the polar label as the score grows', () => {
    const weak = sentimentLabels(0.1);
    const strong = sentimentLabels(1);
    expect(weak[0].name).toBe('neutral');
    expect(strong[0].name).toBe('positive');
    expect(scoreOf(strong, 'positive')).toBeGreaterThan(scoreOf(weak, 'positive'));
    expect(scoreOf(strong, 'neutral')).toBeLessThan(scoreOf(weak, 'neutral'));
  });

  it('saturates at the extremes', () => {
    expect(sentimentLabels(1000)[0]).toEqual({ name: 'positive', score: 1 });
    expect(sentimentLabels(-1000)[0]).toEqual({ name: 'negative', score: 1 });
  });
});

describe('LexiconSentimentTask', () => {
  const task = new LexiconSentimentTask();

  it('describes itself', async () => {
    expect(task.name).toBe('sentiment');
    expect(task.modelName).toBe('afinn-165');
    await expect(task.load()).resolves.toBeUndefined();
  });

  it('scores real sentences with the AFINN lexicon, one label list per text, in order', async () => {
    const [love, hate, table] = await task.predict(['I love you so much', 'I hate this awful day', 'the table is brown']);

    expect(love[0].name).toBe('positive');
    expect(love[0].score).toBeGreaterThan(0.5);
    expect(hate[0].name).toBe('negative');
    expect(hate[0].score).toBeGreaterThan(0.9);
    expect(table[0]).toEqual({ name: 'neutral', score: 1 });
  });

  it('returns an empty list for an empty batch and copes with empty text', async () => {
    await expect(task.predict([])).resolves.toEqual([]);
    const [[best]] = await task.predict(['']);
    expect(best.name).toBe('neutral');
  });
});
