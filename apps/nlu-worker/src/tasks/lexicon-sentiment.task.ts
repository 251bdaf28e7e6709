import Sentiment from 'sentiment';
import type { NluTask, ScoredLabel } from './nlu-task';

/**
 * Sentiment from the AFINN-165 lexicon (npm `sentiment`): fast and dependency-free, the baseline
 * for a trained head to replace.
 */
export class LexiconSentimentTask implements NluTask {
  readonly name = 'sentiment';
  readonly modelName = 'afinn-165';
  readonly modelVersion = '5.0.2';
  private readonly analyzer = new Sentiment();

  async load(): Promise<void> {}

  async predict(texts: string[]): Promise<ScoredLabel[][]> {
    return texts.map((text) => sentimentLabels(this.analyzer.analyze(text).comparative));
  }
}

/**
 * Turns AFINN's comparative score (sum of word valences / word count) into a distribution over
 * positive, negative and neutral, best first: polarity is a logistic squash, and the closer it is
 * to even, the more the mass goes to neutral.
 */
export function sentimentLabels(comparative: number): ScoredLabel[] {
  const positive = 1 / (1 + Math.exp(-4 * comparative));
  const neutral = 1 - Math.abs(2 * positive - 1);
  return [
    { name: 'positive', score: positive * (1 - neutral) },
    { name: 'negative', score: (1 - positive) * (1 - neutral) },
    { name: 'neutral', score: neutral },
  ].sort((a, b) => b.score - a.score);
}
