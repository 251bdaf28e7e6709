import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** Every metric name registered in the apps and libs (prom-client `name: '...'` next to `help:`). */
function registeredMetrics(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('.spec.ts')) {
        const source = readFileSync(path, 'utf8');
        for (const m of source.matchAll(/name: '([a-z0-9_]+)',\s*\n?\s*help:/g)) names.add(m[1]);
        for (const m of source.matchAll(/(?:counter|gauge)\(registry, '([a-z0-9_]+)'/g)) names.add(m[1]);
      }
    }
  };
  walk(join(root, 'apps'));
  walk(join(root, 'libs'));
  return names;
}

describe('the Grafana dashboard (k8s/grafana/sassy-social-bot.json)', () => {
  const dashboard = JSON.parse(readFileSync(join(__dirname, 'sassy-social-bot.json'), 'utf8')) as {
    uid: string;
    panels: { title: string; targets: { expr: string }[] }[];
  };

  it('queries only metrics the apps register, so a renamed metric breaks this test, not the dashboard', () => {
    const registered = registeredMetrics();
    expect(registered.size).toBeGreaterThan(20);
    for (const panel of dashboard.panels) {
      for (const { expr } of panel.targets) {
        const used = [...expr.matchAll(/\b([a-z]+_[a-z0-9_]+?)(?:_bucket|_sum|_count)?(?=[{[\s)])/g)].map((m) => m[1]);
        const metrics = used.filter((name) => !['histogram_quantile', 'sum_by'].includes(name));
        expect(metrics.length).toBeGreaterThan(0);
        for (const metric of metrics)
          expect({ panel: panel.title, metric, registered: registered.has(metric) }).toMatchObject({ registered: true });
      }
    }
  });

  it('covers what the issue asks for', () => {
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)).join('\n');
    for (const metric of [
      'nlu_inference_seconds',
      'generator_seconds',
      'nlu_batch_size',
      'selector_late_contributions_total',
      'nlu_skipped_deadline_total',
      'selector_replies_total',
      'kafka_consumer_lag',
      'sink_rows_written_total',
    ])
      expect(exprs).toContain(metric);
  });
});
