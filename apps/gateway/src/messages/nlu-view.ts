import type { NluSummary } from '@app/contracts';

export interface LabelView {
  label: string;
  score: number;
  text?: string;
}

/** One task's result as clients see it; groups are extra label sets by name (emotion's `ekman`). */
export interface NluTaskView {
  label: string;
  score: number;
  labels: LabelView[];
  model: string;
  latencyMs: number;
  groups: Record<string, { label: string; score: number; labels: LabelView[] }>;
}

function labelViews(labels: NluSummary['labels']): LabelView[] {
  return labels.map((l) => ({ label: l.name, score: l.score, ...(l.text ? { text: l.text } : {}) }));
}

export function toNluViews(summaries: NluSummary[]): Record<string, NluTaskView> {
  const views: Record<string, NluTaskView> = {};
  for (const s of summaries) {
    views[s.task] = {
      label: s.label,
      score: s.score,
      labels: labelViews(s.labels),
      model: s.model,
      latencyMs: s.latencyMs,
      groups: Object.fromEntries(
        s.groups
          .filter((g) => g.labels.length > 0)
          .map((g) => [g.name, { label: g.labels[0].name, score: g.labels[0].score, labels: labelViews(g.labels) }]),
      ),
    };
  }
  return views;
}

/**
 * The HTTP shape: `nlu.<task> = {label, score, labels?, model, latencyMs}`, with each group as a key
 * of its own (`nlu.emotion.ekman`); `labels` only when there is more than the one label.
 */
export function toHttpNlu(views: Record<string, NluTaskView>): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(views).map(([task, v]) => [
      task,
      {
        label: v.label,
        score: v.score,
        ...(v.labels.length > 1 || v.labels.some((l) => l.text) ? { labels: v.labels } : {}),
        model: v.model,
        latencyMs: v.latencyMs,
        ...Object.fromEntries(
          Object.entries(v.groups).map(([name, g]) => [
            name,
            { label: g.label, score: g.score, ...(g.labels.length > 1 ? { labels: g.labels } : {}) },
          ]),
        ),
      },
    ]),
  );
}
