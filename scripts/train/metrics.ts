import type { Span } from '@app/models';

/** Share of rows whose best label is the gold one. */
export function accuracy(predicted: string[], gold: string[]): number {
  if (gold.length === 0) return NaN;
  return predicted.filter((p, i) => p === gold[i]).length / gold.length;
}

export interface LabelScores {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** Per-label precision/recall/F1 over sets of labels per row (single-label rows are sets of one). */
export function perLabel(predicted: string[][], gold: string[][], labels: string[]): LabelScores[] {
  return labels.map((label) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < gold.length; i++) {
      const p = predicted[i].includes(label);
      const g = gold[i].includes(label);
      if (p && g) tp++;
      else if (p) fp++;
      else if (g) fn++;
    }
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, precision, recall, f1, support: tp + fn };
  });
}

/** Unweighted mean of F1 over labels that occur in the gold data. */
export function macroF1(scores: LabelScores[]): number {
  const present = scores.filter((s) => s.support > 0);
  return present.reduce((sum, s) => sum + s.f1, 0) / present.length;
}

/**
 * For one label: the probability threshold that gives the best F1 on a calibration set (never the
 * evaluation set), searched over 0.05..0.95.
 */
export function bestThreshold(probabilities: number[], gold: boolean[]): number {
  let best = 0.5;
  let bestF1 = -1;
  for (let t = 0.05; t <= 0.951; t += 0.025) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    probabilities.forEach((p, i) => {
      if (p >= t && gold[i]) tp++;
      else if (p >= t) fp++;
      else if (gold[i]) fn++;
    });
    const f1 = tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
    if (f1 > bestF1) {
      bestF1 = f1;
      best = Math.round(t * 1000) / 1000;
    }
  }
  return best;
}

/**
 * Expected calibration error of a classifier's top label: rows binned by confidence into `bins`
 * equal-width bins, |accuracy − mean confidence| per bin, weighted by the bin's share of rows.
 */
export function expectedCalibrationError(confidence: number[], correct: boolean[], bins = 15): number {
  const sums = Array.from({ length: bins }, () => ({ rows: 0, confidence: 0, correct: 0 }));
  confidence.forEach((c, i) => {
    const bin = sums[Math.min(bins - 1, Math.floor(c * bins))];
    bin.rows++;
    bin.confidence += c;
    if (correct[i]) bin.correct++;
  });
  return sums.reduce(
    (ece, b) => (b.rows === 0 ? ece : ece + (b.rows / confidence.length) * Math.abs(b.correct / b.rows - b.confidence / b.rows)),
    0,
  );
}

/**
 * Per-type precision and recall of found spans against gold spans, line by line; a span counts
 * when its type matches and its text does, ignoring case and edge punctuation. Also the share of
 * lines with no gold entity where something of these types was found (false alarms on chatter).
 */
export function spanScores(predicted: Span[][], gold: Span[][], types: string[]): { scores: LabelScores[]; falseAlarmLines: number } {
  const key = (s: Span) => `${s.type}\u0000${s.text.toLowerCase().replace(/^[\s"'(]+|[\s"'),.!?;:]+$/g, '')}`;
  const scores = types.map((type) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    gold.forEach((line, i) => {
      const want = new Set(line.filter((s) => s.type === type).map(key));
      const got = new Set(predicted[i].filter((s) => s.type === type).map(key));
      for (const k of got)
        if (want.has(k)) tp++;
        else fp++;
      for (const k of want) if (!got.has(k)) fn++;
    });
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label: type, precision, recall, f1, support: tp + fn };
  });
  const empty = gold.map((line, i) => (line.length === 0 ? i : -1)).filter((i) => i >= 0);
  const alarms = empty.filter((i) => predicted[i].some((s) => types.includes(s.type))).length;
  return { scores, falseAlarmLines: empty.length === 0 ? 0 : alarms / empty.length };
}
