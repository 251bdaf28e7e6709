import type { LocalStack, RunningApp } from '../local-stack';

export interface Phase {
  name: string;
  startedAtMs: number;
  /** Until the stack was whole and ready again. */
  downMs: number;
}

export interface FaultOptions {
  /** Pause before each fault, and after the last. */
  settleMs: number;
  /** How long the broker stays down (longer than a producer's retry budget, ~50 s with our kafkajs settings). */
  brokerOutageMs: number;
  /** How long the ClickHouse owner (the sink) stays down. */
  sinkOutageMs: number;
  /** The selectors the run started with: scaled to one more, down to one less than that, and back. */
  selectors: number;
  /** Client requests waiting for their answers now: the gateway is killed with some open, so that their retries reach the selector again. */
  waiting: () => number;
  log: (line: string) => void;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The faults, in turn, each after a settle pause, while the load goes on: rebalances (the selectors
 * scaled up by one, down to one fewer than at start with SIGTERM, and back), a SIGKILL of one
 * replica of every app (a selector while it has merges open), a broker outage longer than a
 * producer's retries, and a ClickHouse outage (the sink stopped for a while). Resolves with when
 * each happened and how long until every app was ready again.
 */
export async function runFaults(stack: LocalStack, options: FaultOptions, progress: () => string): Promise<Phase[]> {
  const { log } = options;
  const phases: Phase[] = [];
  const phase = async (name: string, action: () => Promise<string | void>) => {
    await pause(options.settleMs);
    const startedAtMs = Date.now();
    log(`${name} ...`);
    const detail = await action();
    await allReady(stack);
    const full = detail ? `${name} (${detail})` : name;
    phases.push({ name: full, startedAtMs, downMs: Date.now() - startedAtMs });
    log(`${full}: ready after ${((Date.now() - startedAtMs) / 1000).toFixed(1)} s (${progress()})`);
  };
  const { selectors } = options;
  const scale = (to: number) => async () => {
    const up = to > stack.replicas('selector').length;
    return `${up ? 'started' : 'stopped'} ${(await stack.scale('selector', to)).join(', ')}`;
  };
  await phase(`scale the selectors ${selectors}→${selectors + 1}`, scale(selectors + 1));
  await phase(`scale the selectors ${selectors + 1}→${Math.max(1, selectors - 1)} (SIGTERM)`, scale(Math.max(1, selectors - 1)));
  await phase(`scale the selectors ${Math.max(1, selectors - 1)}→${selectors}`, scale(selectors));

  const bases = [...new Set(stack.apps.map((app) => app.spec.base))];
  const firstOf = (base: string) => stack.replicas(base)[0].spec.id;
  for (const base of bases.filter((b) => b.startsWith('nlu-') || b.startsWith('gen-')))
    await phase(`kill -9 ${firstOf(base)}`, () => stack.restart(firstOf(base), { kill: true }));
  await phase('kill -9 a selector with merges open', async () => {
    const { app, open } = await selectorWithOpenMerges(stack);
    await stack.restart(app.spec.id, { kill: true });
    return `${app.spec.id}, ${open} open`;
  });
  await phase('kill -9 analytics-sink', () => stack.restart('analytics-sink', { kill: true }));
  await phase('kill -9 the gateway with requests open', async () => {
    const open = await until(() => options.waiting(), 1);
    await stack.restart('gateway', { kill: true });
    return `${open} open`;
  });
  await phase(`broker down for ${options.brokerOutageMs / 1000} s`, async () => {
    await stack.broker!.stop();
    await pause(options.brokerOutageMs);
    await stack.broker!.start();
  });
  await phase(`ClickHouse owner (sink) down for ${options.sinkOutageMs / 1000} s`, () =>
    stack.restart('analytics-sink', { whileStopped: () => pause(options.sinkOutageMs) }),
  );
  await pause(options.settleMs);
  return phases;
}

/** Waits (up to 20 s) until `count()` reaches `atLeast`; resolves with the count then. */
async function until(count: () => number, atLeast: number): Promise<number> {
  const giveUpAt = Date.now() + 20_000;
  for (;;) {
    const n = count();
    if (n >= atLeast || Date.now() > giveUpAt) return n;
    await pause(20);
  }
}

/** The selector replica with the most merges open, waiting (up to 20 s) until one has any. */
async function selectorWithOpenMerges(stack: LocalStack): Promise<{ app: RunningApp; open: number }> {
  const giveUpAt = Date.now() + 20_000;
  for (;;) {
    const open = await Promise.all(
      stack.replicas('selector').map(async (app) => {
        const text = await fetch(`${stack.url(app.spec.id)}/metrics`).then(
          (res) => res.text(),
          () => '',
        );
        return { app, open: Number(/^selector_open_merges(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? 0) };
      }),
    );
    const most = open.sort((a, b) => b.open - a.open)[0];
    if (most.open > 0 || Date.now() > giveUpAt) return most;
    await pause(50);
  }
}

/** Waits until every app answers /readyz (after a broker restart the apps reconnect at their own pace). */
export async function allReady(stack: LocalStack, timeoutMs = 180_000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  for (const app of stack.apps) {
    for (;;) {
      const ok = await fetch(`${stack.url(app.spec.id)}/readyz`).then(
        (res) => res.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > giveUpAt) throw new Error(`${app.spec.id} not ready ${timeoutMs} ms after a fault`);
      await pause(250);
    }
  }
}
