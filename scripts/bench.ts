/**
 * `npm run bench [-- --rate 20,40 --duration-s 30 --deadline-ms 1000 --generators retrieval,llm
 * --nlu-workers single|shared-encoder|per-task|intent+emotion,… --app-env app:NAME=value,… --cpu-prof --out pipeline]`:
 * the whole pipeline on this machine (broker, chdb, every app), driven open-loop: messages arrive
 * at a fixed rate whatever the replies do, from many conversations, over gRPC and HTTP in turn.
 * Per rate: throughput, reply latency p50/p95/p99/p99.9, the share within the deadline, the reply
 * sources, and CPU and peak memory per process. Limits measured in the same run (Kafka round trip,
 * the encoder, the LLM, chdb inserts) give the ratios. Writes docs/bench/<out>.json and
 * docs/bench/<out>.svg; the last line printed is one JSON object (the highest rate's figures).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ModelRepository, projectRoot } from '@app/models';
import { chatClient, sendMessage } from './chat/chat-client';
import { chdbInsertRows, encoderThroughput, kafkaRoundTrip, llmTokensPerSecond } from './bench/limits';
import { ProcessSampler, type ProcessFigures } from './bench/proc-stats';
import { profileTable, readProfiles } from './bench/cpu-profile';
import { arrivalFigures, histogramBuckets, meanModelBatches, modelCpuSeconds, scrape, type ArrivalFigures } from './bench/metrics-scrape';
import { benchTexts, percentile } from './bench/worker-harness';
import { APP_NAMES, DEFAULT_NLU_LAYOUT, parseNluWorkers, type AppName, type LocalStack } from './local-stack';
import { startWholeStack } from './bench/whole-stack';

const log = (line: string) => console.log(`[bench] ${line}`);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Outcome {
  latencyMs: number;
  ok: boolean;
  source: string;
  channel: 'grpc' | 'http';
}

interface RateFigures {
  offeredRate: number;
  sent: number;
  throughput: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  p999Ms: number;
  withinDeadline: number;
  errors: number;
  sources: Record<string, number>;
  processes: ProcessFigures[];
  stackCpuCores: number;
  /** CPU the models used during their calls (the workers' own counters). */
  modelCpuCores: number;
  /** Everything but model compute, as a share of the machine's cores. */
  overheadShareOfMachine: number;
  /** When each contributor's answers reached the selector (from acceptance), on time or late. */
  arrivals: Record<string, ArrivalFigures>;
  /** Messages per model call, per worker (its batch-size histogram's sum over count). */
  meanModelBatch: Record<string, number>;
  stackRssMiB: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: '10,20,40' },
      'duration-s': { type: 'string', default: '30' },
      'deadline-ms': { type: 'string', default: '1000' },
      generators: { type: 'string', default: 'retrieval,llm' },
      'nlu-workers': { type: 'string', default: DEFAULT_NLU_LAYOUT },
      /** Basename of the JSON and SVG written under docs/bench/ (a variant kept beside the default run). */
      out: { type: 'string', default: 'pipeline' },
      'skip-limits': { type: 'boolean', default: false },
      /** Extra environment for one kind of app, e.g. `nlu-worker:BATCH_MAX_SIZE=8,selector:X=1` (sweeps). */
      'app-env': { type: 'string', default: '' },
      /** Every app runs under `node --cpu-prof`; a table of where each one's time went is printed at the end. */
      'cpu-prof': { type: 'boolean', default: false },
    },
  });
  const rates = values.rate!.split(',').map(Number);
  const durationS = Number(values['duration-s']);
  const deadlineMs = Number(values['deadline-ms']);
  if (rates.some((r) => !(r > 0)) || !(durationS > 0)) throw new Error('--rate and --duration-s must be positive numbers');
  const root = projectRoot();
  const texts = benchTexts(root, 4000);

  const limits: Record<string, number> = {};
  if (!values['skip-limits']) {
    log('limits, each alone: the encoder ...');
    limits.encoderSentencesPerSecond = await encoderThroughput(texts.slice(0, 2048));
    log(`encoder: ${Math.round(limits.encoderSentencesPerSecond)} sentences/s (1 thread, batches of 32)`);
    limits.llmTokensPerSecond = await llmTokensPerSecond(texts.slice(0, 4));
    log(`LLM: ${Math.round(limits.llmTokensPerSecond)} tokens/s (4 sequences)`);
    limits.chdbInsertRowsPerSecond = await chdbInsertRows();
    log(`chdb: ${Math.round(limits.chdbInsertRowsPerSecond)} rows/s inserted`);
  }

  const generators = values.generators!.split(',').filter(Boolean);
  const nluWorkers = parseNluWorkers(values['nlu-workers']!);
  const extraEnv = appEnv(values['app-env']!);
  const profileDir = join(root, '.data', `bench-profiles-${process.pid}`);
  const stack = await startWholeStack('bench', {
    root,
    generators,
    nluWorkers,
    log,
    nodeArgs: values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    appEnv: extraEnv,
  });
  const appPids = new Map(stack.apps.map((app) => [app.process.pid, app.spec.id]));
  const figures: RateFigures[] = [];
  try {
    if (!values['skip-limits']) {
      limits.kafkaRecordsPerSecond = await kafkaRoundTrip(stack.kafkaBrokers);
      log(`Kafka produce → consume: ${Math.round(limits.kafkaRecordsPerSecond)} records/s (same client library, same broker)`);
    }
    const grpc = chatClient(stack.grpcAddress);
    log('warm-up: 10 s at 5 messages/s ...');
    await drive(stack, grpc, texts, 5, 10, deadlineMs);
    for (const rate of rates) {
      log(`${rate} messages/s for ${durationS} s ...`);
      const sampler = new ProcessSampler(() => [
        ...stack.apps.map((app) => ({ name: app.spec.id, pid: app.process.pid })),
        { name: 'kafka', pid: stack.broker?.pid },
      ]);
      const appUrls = stack.apps.map((app) => stack.url(app.spec.id));
      const scrapeAll = () => Promise.all(appUrls.map(scrape));
      const metricsBefore = await scrapeAll();
      sampler.start();
      const started = Date.now();
      const outcomes = await drive(stack, grpc, texts, rate, durationS, deadlineMs);
      const elapsedS = (Date.now() - started) / 1000;
      const processes = sampler.stop();
      const metricsAfter = await scrapeAll();
      const modelCpuSecondsOf = (texts: string[]) => texts.reduce((sum, text) => sum + modelCpuSeconds(text), 0);
      const modelCpuCores = (modelCpuSecondsOf(metricsAfter) - modelCpuSecondsOf(metricsBefore)) / elapsedS;
      const [before, after] = [metricsBefore.join('\n'), metricsAfter.join('\n')];
      const f = summarize(rate, outcomes, elapsedS, deadlineMs, processes, {
        modelCpuCores,
        arrivals: contributorArrivals(before, after, deadlineMs),
        meanModelBatch: meanModelBatches(before, after),
      });
      figures.push(f);
      log(
        `${rate}/s: ${f.throughput.toFixed(1)}/s answered, p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms, ${(f.withinDeadline * 100).toFixed(1)}% within ${deadlineMs} ms, stack ${f.stackCpuCores} cores (models ${f.modelCpuCores}), ${f.stackRssMiB} MiB`,
      );
      await pause(3000);
    }
    grpc.close();
  } finally {
    await stack.stop();
  }
  const profiles = values['cpu-prof']
    ? [...readProfiles(profileDir)].map(([pid, buckets]) => ({ name: appPids.get(pid) ?? `a child process (pid ${pid})`, buckets }))
    : [];
  const top = figures[figures.length - 1];
  const ratios = {
    // Each NLU process with encoder tasks, and retrieval, embeds every message once; the encoder alone is the ceiling.
    encoderDemandShare: limits.encoderSentencesPerSecond
      ? (top.throughput * encoderPassesPerMessage(nluWorkers, generators)) / limits.encoderSentencesPerSecond
      : undefined,
    // Every message is about 11 records (message, 7 NLU results, 2 candidates, an outcome) through Kafka.
    kafkaShare: limits.kafkaRecordsPerSecond ? (top.throughput * 11) / limits.kafkaRecordsPerSecond : undefined,
    chdbShare: limits.chdbInsertRowsPerSecond ? (top.throughput * 11) / limits.chdbInsertRowsPerSecond : undefined,
  };
  const dir = join(root, 'docs', 'bench');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `${values.out}.json`),
    `${JSON.stringify({ date: new Date().toISOString(), deadlineMs, durationS, nluWorkers, generators, appEnv: extraEnv, limits, ratios, figures, profiles }, null, 2)}\n`,
  );
  writeFileSync(join(dir, `${values.out}.svg`), plot(figures, deadlineMs));
  if (profiles.length > 0) console.log(`\nmain-thread time per process (node --cpu-prof, the whole run):\n\n${profileTable(profiles)}`);
  console.log(
    `\n${table(figures, deadlineMs)}\n\n${processTable(top)}\n\nlimits: ${JSON.stringify(roundAll(limits))}\nratios at ${top.offeredRate}/s: ${JSON.stringify(roundAll(ratios as Record<string, number>))}\nwrote docs/bench/${values.out}.json and docs/bench/${values.out}.svg`,
  );
  console.log(
    JSON.stringify({
      offeredRate: top.offeredRate,
      throughput: round(top.throughput),
      p50Ms: top.p50Ms,
      p95Ms: top.p95Ms,
      p99Ms: top.p99Ms,
      p999Ms: top.p999Ms,
      withinDeadline: round(top.withinDeadline, 4),
      sources: top.sources,
      stackCpuCores: top.stackCpuCores,
      modelCpuCores: top.modelCpuCores,
      overheadShareOfMachine: top.overheadShareOfMachine,
      stackRssMiB: top.stackRssMiB,
      ...roundAll(ratios as Record<string, number>),
    }),
  );
}

/** Per contributor, its answers' arrival at the selector during one rate (the selector's histogram, after − before). */
function contributorArrivals(before: string, after: string, deadlineMs: number): Record<string, ArrivalFigures> {
  const name = 'selector_contribution_arrival_seconds';
  const earlier = histogramBuckets(before, name, 'contributor');
  return Object.fromEntries(
    [...histogramBuckets(after, name, 'contributor')].map(([contributor, buckets]) => [
      contributor,
      arrivalFigures(earlier.get(contributor), buckets, deadlineMs),
    ]),
  );
}

/** `nlu-worker:A=1,selector:B=2` → { 'nlu-worker': { A: '1' }, selector: { B: '2' } }. */
function appEnv(value: string): Partial<Record<AppName, Record<string, string>>> {
  const env: Partial<Record<AppName, Record<string, string>>> = {};
  for (const item of value.split(',').filter(Boolean)) {
    const match = item.match(/^([a-z-]+):([A-Z][A-Z0-9_]*)=(.*)$/);
    if (!match || !APP_NAMES.includes(match[1] as AppName)) {
      throw new Error(`--app-env takes app:NAME=value items (app one of ${APP_NAMES.join(', ')}), not ${item}`);
    }
    (env[match[1] as AppName] ??= {})[match[2]] = match[3];
  }
  return env;
}

/** Transformer passes per message: one per NLU process serving encoder-head tasks, one for retrieval's query. */
function encoderPassesPerMessage(nluWorkers: string[][], generators: string[]): number {
  const repository = new ModelRepository();
  const encoderWorkers = nluWorkers.filter((tasks) => tasks.some((task) => repository.taskManifest(task).format === 'onnx-head'));
  return encoderWorkers.length + (generators.includes('retrieval') ? 1 : 0);
}

/** Open loop: one message every 1/rate s, whatever the replies do; half over gRPC, half over HTTP. */
async function drive(
  stack: LocalStack,
  grpc: ReturnType<typeof chatClient>,
  texts: string[],
  rate: number,
  seconds: number,
  deadlineMs: number,
) {
  const outcomes: Promise<Outcome>[] = [];
  const total = Math.round(rate * seconds);
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await pause(wait);
    const channel = i % 2 === 0 ? 'grpc' : 'http';
    const request = {
      conversationId: `bench-${i % 500}`,
      userId: `user-${i % 300}`,
      text: texts[i % texts.length],
      clientMessageId: randomUUID(),
      deadlineMs,
    };
    const sentAt = performance.now();
    const done = (ok: boolean, source = 'error'): Outcome => ({ latencyMs: performance.now() - sentAt, ok, source, channel });
    outcomes.push(
      channel === 'grpc'
        ? sendMessage(grpc, request).then(
            (r) => done(true, r.reply?.reason === 'gateway.no_reply' ? 'gateway_fallback' : (r.reply?.source ?? 'none')),
            () => done(false),
          )
        : fetch(`${stack.gatewayUrl}/v1/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(request),
          })
            .then(async (res) => {
              const body = (await res.json()) as { reply?: { source: string; reason: string } };
              return res.ok
                ? done(true, body.reply?.reason === 'gateway.no_reply' ? 'gateway_fallback' : (body.reply?.source ?? 'none'))
                : done(false);
            })
            .catch(() => done(false)),
    );
  }
  return Promise.all(outcomes);
}

function summarize(
  rate: number,
  outcomes: Outcome[],
  elapsedS: number,
  deadlineMs: number,
  processes: ProcessFigures[],
  scraped: Pick<RateFigures, 'modelCpuCores' | 'arrivals' | 'meanModelBatch'>,
): RateFigures {
  const { modelCpuCores } = scraped;
  const stackCpuCores = processes.reduce((sum, p) => sum + p.cpuCores, 0);
  const ok = outcomes.filter((o) => o.ok);
  const latencies = ok.map((o) => o.latencyMs);
  const sources: Record<string, number> = {};
  for (const o of ok) sources[o.source] = (sources[o.source] ?? 0) + 1;
  return {
    offeredRate: rate,
    sent: outcomes.length,
    throughput: ok.length / elapsedS,
    p50Ms: Math.round(percentile(latencies, 50) ?? 0),
    p95Ms: Math.round(percentile(latencies, 95) ?? 0),
    p99Ms: Math.round(percentile(latencies, 99) ?? 0),
    p999Ms: Math.round(percentile(latencies, 99.9) ?? 0),
    withinDeadline: ok.filter((o) => o.latencyMs <= deadlineMs).length / Math.max(1, outcomes.length),
    errors: outcomes.length - ok.length,
    sources,
    processes,
    stackCpuCores: round(stackCpuCores),
    modelCpuCores: round(modelCpuCores),
    overheadShareOfMachine: round(Math.max(0, stackCpuCores - modelCpuCores) / availableParallelism(), 3),
    arrivals: scraped.arrivals,
    meanModelBatch: scraped.meanModelBatch,
    stackRssMiB: processes.reduce((sum, p) => sum + p.peakRssMiB, 0),
  };
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const roundAll = (record: Record<string, number | undefined>) =>
  Object.fromEntries(
    Object.entries(record)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, round(v!, 3)]),
  );

function table(figures: RateFigures[], deadlineMs: number): string {
  return [
    `| offered /s | answered /s | p50 ms | p95 ms | p99 ms | p99.9 ms | within ${deadlineMs} ms | errors | reply sources | ${ARRIVAL_COLUMNS.map((c) => `${c} in p50 / p99 ms (in by the deadline)`).join(' | ')} | stack CPU (cores) | model CPU (cores) | overhead (share of ${availableParallelism()} cores) | stack RSS MiB |`,
    `|---|---|---|---|---|---|---|---|---|${ARRIVAL_COLUMNS.map(() => '---|').join('')}---|---|---|---|`,
    ...figures.map(
      (f) =>
        `| ${f.offeredRate} | ${f.throughput.toFixed(1)} | ${f.p50Ms} | ${f.p95Ms} | ${f.p99Ms} | ${f.p999Ms} | ${(f.withinDeadline * 100).toFixed(1)}% | ${f.errors} | ${Object.entries(
          f.sources,
        )
          .map(([s, n]) => `${s} ${n}`)
          .join(
            ', ',
          )} | ${ARRIVAL_COLUMNS.map((c) => arrivalCell(f.arrivals[c])).join(' | ')} | ${f.stackCpuCores} | ${f.modelCpuCores} | ${(f.overheadShareOfMachine * 100).toFixed(0)}% | ${f.stackRssMiB} |`,
    ),
  ].join('\n');
}

/** The contributors shown in the table (every one is in the JSON): one NLU task and each generator. */
const ARRIVAL_COLUMNS = ['nlu:intent', 'gen:retrieval', 'gen:llm'];

function arrivalCell(a: ArrivalFigures | undefined): string {
  return a && a.count > 0 ? `${a.p50Ms} / ${a.p99Ms} (${(a.within * 100).toFixed(0)}%)` : '—';
}

function processTable(f: RateFigures): string {
  return [
    `per process at ${f.offeredRate}/s (messages per model call: ${JSON.stringify(f.meanModelBatch)}):`,
    '',
    '| process | CPU (cores) | peak RSS MiB |',
    '|---|---|---|',
    ...f.processes.map((p) => `| ${p.name} | ${p.cpuCores} | ${p.peakRssMiB} |`),
  ].join('\n');
}

/** Latency percentiles against offered load, as an SVG line chart. */
function plot(figures: RateFigures[], deadlineMs: number): string {
  const width = 640;
  const height = 360;
  const pad = { left: 60, right: 120, top: 30, bottom: 45 };
  const maxRate = Math.max(...figures.map((f) => f.offeredRate));
  const maxMs = Math.max(deadlineMs * 1.2, ...figures.map((f) => f.p99Ms));
  const x = (rate: number) => pad.left + (rate / maxRate) * (width - pad.left - pad.right);
  const y = (ms: number) => height - pad.bottom - (ms / maxMs) * (height - pad.top - pad.bottom);
  const series: [keyof RateFigures, string][] = [
    ['p50Ms', '#42a5f5'],
    ['p95Ms', '#7c4dff'],
    ['p99Ms', '#ff6d8a'],
  ];
  const lines = series.map(([key, color], i) => {
    const points = figures.map((f) => `${x(f.offeredRate).toFixed(1)},${y(f[key] as number).toFixed(1)}`).join(' ');
    return `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points}"/>
${figures.map((f) => `<circle cx="${x(f.offeredRate).toFixed(1)}" cy="${y(f[key] as number).toFixed(1)}" r="3" fill="${color}"/>`).join('')}
<text x="${width - pad.right + 10}" y="${pad.top + 18 * i}" fill="${color}">${String(key).replace('Ms', '')}</text>`;
  });
  const ticks = figures
    .map((f) => `<text x="${x(f.offeredRate)}" y="${height - pad.bottom + 16}" text-anchor="middle">${f.offeredRate}</text>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="${pad.left}" y="18" font-weight="bold">Reply latency vs offered load (whole pipeline, this machine)</text>
<line x1="${pad.left}" y1="${y(deadlineMs)}" x2="${width - pad.right}" y2="${y(deadlineMs)}" stroke="#999" stroke-dasharray="4"/>
<text x="${width - pad.right + 10}" y="${y(deadlineMs) + 4}" fill="#666">deadline ${deadlineMs} ms</text>
<line x1="${pad.left}" y1="${height - pad.bottom}" x2="${width - pad.right}" y2="${height - pad.bottom}" stroke="#333"/>
<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${height - pad.bottom}" stroke="#333"/>
<text x="${pad.left - 8}" y="${y(0) + 4}" text-anchor="end">0</text>
<text x="${pad.left - 8}" y="${y(maxMs) + 4}" text-anchor="end">${Math.round(maxMs)} ms</text>
${ticks}
<text x="${(pad.left + width - pad.right) / 2}" y="${height - 8}" text-anchor="middle">offered messages/s</text>
${lines.join('\n')}
</svg>
`;
}

main().catch((error) => {
  console.error(`[bench] ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
