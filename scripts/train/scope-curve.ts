/** One message's best label and its probability, with the gold label for in-scope rows. */
export interface Scored {
  best: string;
  score: number;
  gold?: string;
}

export interface ScopePoint {
  threshold: number;
  /** In-scope rows taken as their gold intent: best label right and at least the threshold. */
  inScopeAccuracy: number;
  /** Out-of-scope rows taken as outside: best label outside `inside`, or under the threshold. */
  outOfScopeRecall: number;
}

/** The out-of-scope trade-off at each threshold (see ScopeCurve in tasks.ts). */
export function scopeCurve(inScope: Scored[], outOfScope: Scored[], inside: ReadonlySet<string>, thresholds: number[]): ScopePoint[] {
  return thresholds.map((threshold) => ({
    threshold,
    inScopeAccuracy: inScope.filter((r) => r.best === r.gold && r.score >= threshold).length / inScope.length,
    outOfScopeRecall: outOfScope.filter((r) => !inside.has(r.best) || r.score < threshold).length / outOfScope.length,
  }));
}

/** The point with the best out-of-scope recall whose in-scope accuracy still meets the bar (the lowest threshold on a tie); undefined when none does. */
export function chooseThreshold(points: ScopePoint[], minInScopeAccuracy: number): ScopePoint | undefined {
  return points
    .filter((p) => p.inScopeAccuracy >= minInScopeAccuracy)
    .reduce<ScopePoint | undefined>((best, p) => (!best || p.outOfScopeRecall > best.outOfScopeRecall ? p : best), undefined);
}

export interface AlarmPoint {
  threshold: number;
  /** Share of negative rows scored at least the threshold. */
  falseAlarms: number;
  /** Share of positive rows scored at least the threshold. */
  recall: number;
}

/** A binary alarm (toxic or not) at each threshold: false alarms on negatives, recall on positives. */
export function alarmCurve(negatives: number[], positives: number[], thresholds: number[]): AlarmPoint[] {
  const share = (scores: number[], t: number) => (scores.length > 0 ? scores.filter((s) => s >= t).length / scores.length : 0);
  return thresholds.map((threshold) => ({ threshold, falseAlarms: share(negatives, threshold), recall: share(positives, threshold) }));
}

/** The point with the best recall whose false alarms stay at or under the limit (the lowest threshold on a tie). */
export function chooseAlarm(points: AlarmPoint[], maxFalseAlarms: number): AlarmPoint | undefined {
  return points
    .filter((p) => p.falseAlarms <= maxFalseAlarms)
    .reduce<AlarmPoint | undefined>((best, p) => (!best || p.recall > best.recall ? p : best), undefined);
}
