/**
 * `npm run bench:nlu [-- --tasks intent,emotion --messages 2000 --seconds 5]`
 *
 * For each NLU task, on this machine in this run: raw ONNX Runtime batched throughput in-process,
 * throughput through the worker (Kafka in → results out, one worker replica), end-to-end p50/p99
 * latency at half the worker's throughput, and the worker-to-raw ratio against the 70% target.
 * Writes docs/bench/nlu.json and docs/bench/nlu.svg.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { NLU_TASKS } from '@app/contracts';
import { ModelRepository, projectRoot } from '@app/models';
import { benchTexts, formatNotOk, measureWorker, withBenchBroker } from './bench/worker-harness';

const TARGET_RATIO = 0.7;
/** Threads per ONNX operator, the same for the raw run and the worker (the worker's default). */
const THREADS = 1;

interface TaskFigures {
  task: string;
  model: string;
  batchSize: number;
  rawPerSecond: number;
  workerPerSecond: number;
  ratio: number;
  p50Ms: number;
  p99Ms: number;
  modelP50Ms: number;
  paced: number;
  /** The worker's peak resident memory (VmHWM), MiB; 0 where /proc is not there. */
  peakRssMiB: number;
}

async function rawThroughput(
  task: string,
  texts: string[],
  log: (line: string) => void,
): Promise<{ perSecond: number; batchSize: number; model: string }> {
  const repository = new ModelRepository({ runtime: { provider: 'cpu', intraOpThreads: THREADS }, fetchMissing: false });
  const manifest = repository.taskManifest(task);
  const model = await repository.load(task);
  const batchSize = manifest.batching.maxBatchSize;
  await model.predict(texts.slice(0, batchSize)); // warm-up
  const started = process.hrtime.bigint();
  for (let i = 0; i < texts.length; i += batchSize) await model.predict(texts.slice(i, i + batchSize));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await model.release();
  await repository.release();
  log(`${task}: raw ${Math.round(texts.length / seconds)} texts/s (batches of ${batchSize})`);
  return { perSecond: texts.length / seconds, batchSize, model: `${model.modelName}@${model.modelVersion}` };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tasks: { type: 'string', default: NLU_TASKS.join(',') },
      messages: { type: 'string', default: '2000' },
      seconds: { type: 'string', default: '5' },
    },
  });
  const tasks = values.tasks!.split(',').filter(Boolean);
  const count = Number(values.messages);
  const root = projectRoot();
  const log = (line: string) => console.log(`[bench:nlu] ${line}`);
  const texts = benchTexts(root, count);
  const figures: TaskFigures[] = [];
  await withBenchBroker('bench-nlu', root, log, async ({ kafka, producer, brokers, dataDir }) => {
    for (const task of tasks) {
      const raw = await rawThroughput(task, texts, log);
      const worker = await measureWorker({
        kafka,
        producer,
        brokers,
        dataDir,
        app: 'nlu-worker',
        name: task,
        texts,
        pacedSeconds: Number(values.seconds),
        env: { ORT_INTRA_OP_THREADS: String(THREADS) },
      });
      // Deadlines here are minutes away: any result that is not OK is a bug, not a figure.
      if (Object.keys(worker.notOk).length > 0) throw new Error(`${task}: results not OK: ${formatNotOk(worker.notOk)}`);
      const f: TaskFigures = {
        task,
        model: raw.model,
        batchSize: raw.batchSize,
        rawPerSecond: raw.perSecond,
        workerPerSecond: worker.perSecond,
        ratio: worker.perSecond / raw.perSecond,
        p50Ms: worker.p50Ms,
        p99Ms: worker.p99Ms,
        modelP50Ms: worker.modelP50Ms,
        paced: worker.paced,
        peakRssMiB: worker.peakRssMiB,
      };
      figures.push(f);
      log(
        `${task}: worker ${Math.round(f.workerPerSecond)}/s = ${(f.ratio * 100).toFixed(0)}% of raw; p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms at ${Math.round(f.workerPerSecond / 2)}/s`,
      );
    }
  });
  report(figures, count, root);
}

function report(figures: TaskFigures[], count: number, root: string): void {
  const rows = figures.map(
    (f) =>
      `| ${f.task} | ${f.batchSize} | ${Math.round(f.rawPerSecond)} | ${Math.round(f.workerPerSecond)} | ${(f.ratio * 100).toFixed(0)}% ${f.ratio >= TARGET_RATIO ? '(≥ 70%)' : '(< 70%)'} | ${f.p50Ms} | ${f.p99Ms} | ${f.modelP50Ms} | ${f.peakRssMiB} |`,
  );
  const table = [
    '| task | batch | raw texts/s | worker texts/s | worker / raw | p50 ms | p99 ms | model ms p50 (per batch) | worker peak RSS MiB |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  console.log(
    `\n${count} messages per task, ONNX Runtime CPU with ${THREADS} thread, one worker replica; latency at half the worker's throughput\n\n${table}\n`,
  );
  const dir = join(root, 'docs', 'bench');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'nlu.json'),
    `${JSON.stringify({ date: new Date().toISOString(), messages: count, threads: THREADS, figures }, null, 2)}\n`,
  );
  writeFileSync(join(dir, 'nlu.svg'), chart(figures));
  console.log('wrote docs/bench/nlu.json and docs/bench/nlu.svg');
}

/** Grouped bars, raw vs worker throughput per task, as a self-contained SVG. */
function chart(figures: TaskFigures[]): string {
  const width = 760;
  const height = 320;
  const left = 60;
  const bottom = 260;
  const max = Math.max(...figures.flatMap((f) => [f.rawPerSecond, f.workerPerSecond]), 1);
  const group = (width - left - 20) / Math.max(figures.length, 1);
  const bar = Math.min(36, group / 3);
  const y = (v: number) => bottom - (v / max) * 220;
  const bars = figures
    .map((f, i) => {
      const x = left + i * group + group / 2 - bar;
      return [
        `<rect x="${x}" y="${y(f.rawPerSecond)}" width="${bar}" height="${bottom - y(f.rawPerSecond)}" fill="#9ab"/>`,
        `<rect x="${x + bar}" y="${y(f.workerPerSecond)}" width="${bar}" height="${bottom - y(f.workerPerSecond)}" fill="#d63"/>`,
        `<text x="${x + bar}" y="${bottom + 16}" text-anchor="middle">${f.task}</text>`,
        `<text x="${x + bar}" y="${bottom + 32}" text-anchor="middle" fill="#555">${(f.ratio * 100).toFixed(0)}%</text>`,
      ].join('');
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">
<text x="${left}" y="20" font-size="14">NLU throughput (texts/s): raw ONNX Runtime vs through the Kafka worker (ratio below)</text>
<rect x="${width - 230}" y="30" width="12" height="12" fill="#9ab"/><text x="${width - 214}" y="40">raw, in-process</text>
<rect x="${width - 120}" y="30" width="12" height="12" fill="#d63"/><text x="${width - 104}" y="40">worker</text>
<line x1="${left}" y1="${bottom}" x2="${width - 10}" y2="${bottom}" stroke="#333"/>
<text x="${left - 8}" y="${y(max)}" text-anchor="end">${Math.round(max)}</text><text x="${left - 8}" y="${bottom}" text-anchor="end">0</text>
${bars}
</svg>
`;
}

main().catch((error) => {
  console.error(`[bench:nlu] ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
