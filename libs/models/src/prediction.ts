import type { ExecutionProvider } from './ort';

/** A label with its score in [0, 1]; `text` is the span it was found in (entities). */
export interface ScoredLabel {
  name: string;
  score: number;
  text?: string;
}

/** What a model says about one text: labels best first, and any extra label groups (emotion's ekman). */
export interface Prediction {
  labels: ScoredLabel[];
  groups: Record<string, ScoredLabel[]>;
}

/** A loaded model that scores a batch of texts in one call. */
export interface TextClassifier {
  readonly task: string;
  readonly modelName: string;
  readonly modelVersion: string;
  /** The execution provider of each of its ONNX Runtime sessions; absent for a model without ONNX Runtime. */
  readonly providers?: readonly ExecutionProvider[];
  predict(texts: string[]): Promise<Prediction[]>;
  release(): Promise<void>;
}

/** How many labels a single-label model reports (best first). */
export const TOP_K = 5;

/**
 * Labels from one row of probabilities. Single-label: the best TOP_K. Multi-label: every label over
 * its threshold, best first, and the best one when none is (a text always gets an answer).
 */
export function labelsFromRow(row: ArrayLike<number>, labels: string[], multiLabel: boolean, thresholds?: number[]): ScoredLabel[] {
  const scored = labels.map((name, i) => ({ name, score: row[i] })).sort((a, b) => b.score - a.score);
  if (!multiLabel) return scored.slice(0, TOP_K);
  const over = scored.filter((l) => l.score >= (thresholds?.[labels.indexOf(l.name)] ?? 0.5));
  return over.length > 0 ? over : scored.slice(0, 1);
}

export function softmaxRow(logits: ArrayLike<number>): number[] {
  const max = Math.max(...Array.from(logits));
  const exps = Array.from(logits, (v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
