/** Figures the bench reads from the apps' /metrics (Prometheus text) before and after each rate. */

/**
 * The CPU the models themselves used, from each worker's counters: every model worker adds its
 * process's CPU time during each model call (all threads) to one of these.
 */
const MODEL_CPU_COUNTERS = ['nlu_model_cpu_seconds_total', 'generator_model_cpu_seconds_total'];

/** Sum of the model-CPU counters in a Prometheus text exposition. */
export function modelCpuSeconds(metricsText: string): number {
  let total = 0;
  for (const line of metricsText.split('\n')) {
    if (!MODEL_CPU_COUNTERS.some((name) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) total += value;
  }
  return total;
}

/** An app's /metrics text, or '' when it does not answer. */
export async function scrape(url: string): Promise<string> {
  try {
    const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2000) });
    return res.ok ? await res.text() : '';
  } catch {
    return '';
  }
}

/** Cumulative bucket counts (le → count) of one histogram, per value of one label. */
export type Buckets = Map<string, Map<number, number>>;

export function histogramBuckets(metricsText: string, name: string, label: string): Buckets {
  const out: Buckets = new Map();
  const prefix = `${name}_bucket{`;
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const key = line.match(new RegExp(`${label}="([^"]*)"`))?.[1];
    const le = line.match(/le="([^"]*)"/)?.[1];
    if (key === undefined || le === undefined) continue;
    const counts = out.get(key) ?? new Map<number, number>();
    counts.set(le === '+Inf' ? Infinity : Number(le), Number(line.slice(line.lastIndexOf(' ') + 1)));
    out.set(key, counts);
  }
  return out;
}

export interface ArrivalFigures {
  count: number;
  /** Upper bounds of the buckets the quantiles fall in (Prometheus-style, interpolated within the bucket). */
  p50Ms: number;
  p99Ms: number;
  /** Share of answers in by `withinMs`. */
  within: number;
}

/** Quantiles of the observations between two scrapes of the same histogram (after − before). */
export function arrivalFigures(before: Map<number, number> | undefined, after: Map<number, number>, withinMs: number): ArrivalFigures {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map((le) => (after.get(le) ?? 0) - (before?.get(le) ?? 0));
  const total = counts[counts.length - 1] ?? 0;
  const quantile = (q: number) => {
    const rank = q * total;
    for (let i = 0; i < bounds.length; i++) {
      if (counts[i] < rank) continue;
      const lower = i === 0 ? 0 : bounds[i - 1];
      const upper = bounds[i];
      if (!Number.isFinite(upper)) return lower * 1000;
      const below = i === 0 ? 0 : counts[i - 1];
      return Math.round((lower + ((upper - lower) * (rank - below)) / Math.max(1, counts[i] - below)) * 1000);
    }
    return 0;
  };
  const withinIndex = bounds.findIndex((le) => le * 1000 >= withinMs);
  return {
    count: total,
    p50Ms: quantile(0.5),
    p99Ms: quantile(0.99),
    within: total > 0 && withinIndex >= 0 ? counts[withinIndex] / total : 0,
  };
}

/** Messages per model call during one rate, per NLU task set and generator. */
export function meanModelBatches(before: string, after: string): Record<string, number> {
  const totals = (text: string) => {
    const sums = new Map<string, { sum: number; count: number }>();
    for (const line of text.split('\n')) {
      const match = line.match(/^(nlu|generator)_batch_size_(sum|count)\{.*?(?:task|generator)="([^"]+)".*\} (\S+)$/);
      if (!match) continue;
      const entry = sums.get(match[3]) ?? { sum: 0, count: 0 };
      entry[match[2] as 'sum' | 'count'] += Number(match[4]);
      sums.set(match[3], entry);
    }
    return sums;
  };
  const earlier = totals(before);
  return Object.fromEntries(
    [...totals(after)].map(([name, { sum, count }]) => {
      const calls = count - (earlier.get(name)?.count ?? 0);
      return [name, calls > 0 ? Math.round(((sum - (earlier.get(name)?.sum ?? 0)) / calls) * 10) / 10 : 0];
    }),
  );
}
