/**
 * `npm run bench:generators [-- --generators retrieval --messages 2000 --seconds 5]`
 *
 * For each generator, on this machine in this run: replies/s in-process (raw, batches of 32) and
 * through one generator-worker replica (Kafka in → candidates out), p50/p99 latency at half the
 * worker's throughput, and the worker's peak memory. Writes docs/bench/generators.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { LocalKafkaBroker } from '@app/local-kafka';
import { projectRoot } from '@app/models';
import { createGenerator, DEFAULT_SETTINGS, GENERATOR_NAMES } from '../apps/generator-worker/src/generators/generator-registry';
import { benchTexts, measureWorker, type WorkerFigures } from './bench/worker-harness';

const THREADS = 1;
const BATCH = 32;

interface GeneratorFigures extends WorkerFigures {
  generator: string;
  model: string;
  rawPerSecond: number;
  ratio: number;
}

async function rawThroughput(name: (typeof GENERATOR_NAMES)[number], texts: string[], log: (line: string) => void) {
  const generator = createGenerator(name, { ...DEFAULT_SETTINGS, ORT_INTRA_OP_THREADS: THREADS });
  await generator.load();
  await generator.generate(texts.slice(0, BATCH)); // warm-up
  const started = process.hrtime.bigint();
  for (let i = 0; i < texts.length; i += BATCH) await generator.generate(texts.slice(i, i + BATCH));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await generator.release();
  log(`${name}: raw ${Math.round(texts.length / seconds)} replies/s (batches of ${BATCH})`);
  return { perSecond: texts.length / seconds, model: generator.modelVersion };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      generators: { type: 'string', default: GENERATOR_NAMES.join(',') },
      messages: { type: 'string', default: '2000' },
      seconds: { type: 'string', default: '5' },
    },
  });
  const names = values.generators!.split(',').filter(Boolean) as (typeof GENERATOR_NAMES)[number][];
  for (const name of names)
    if (!GENERATOR_NAMES.includes(name)) throw new Error(`no generator ${name} (have ${GENERATOR_NAMES.join(', ')})`);
  const root = projectRoot();
  const log = (line: string) => console.log(`[bench:generators] ${line}`);
  const texts = benchTexts(root, Number(values.messages));
  const dataDir = join(root, '.data', `bench-generators-${process.pid}`);
  const broker = new LocalKafkaBroker({ dataDir: join(dataDir, 'kafka'), port: 0 });
  log('starting Kafka ...');
  await broker.start();
  const kafka = new Kafka({ clientId: 'bench-generators', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const figures: GeneratorFigures[] = [];
  try {
    for (const name of names) {
      const raw = await rawThroughput(name, texts, log);
      const worker = await measureWorker({
        kafka,
        producer,
        brokers: broker.bootstrap,
        dataDir,
        app: 'generator-worker',
        name,
        texts,
        pacedSeconds: Number(values.seconds),
        env: { ORT_INTRA_OP_THREADS: String(THREADS) },
      });
      const f = { generator: name, model: raw.model, rawPerSecond: raw.perSecond, ratio: worker.perSecond / raw.perSecond, ...worker };
      figures.push(f);
      log(
        `${name}: worker ${Math.round(f.perSecond)}/s = ${(f.ratio * 100).toFixed(0)}% of raw; p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms at ${Math.round(f.perSecond / 2)}/s`,
      );
    }
  } finally {
    await producer.disconnect();
    await broker.stop();
  }
  const table = [
    '| generator | model | raw replies/s | worker replies/s | worker / raw | p50 ms | p99 ms | worker ms p50 (per batch) | worker peak RSS MiB |',
    '|---|---|---|---|---|---|---|---|---|',
    ...figures.map(
      (f) =>
        `| ${f.generator} | ${f.model} | ${Math.round(f.rawPerSecond)} | ${Math.round(f.perSecond)} | ${(f.ratio * 100).toFixed(0)}% | ${f.p50Ms} | ${f.p99Ms} | ${f.modelP50Ms} | ${f.peakRssMiB} |`,
    ),
  ].join('\n');
  console.log(
    `\n${texts.length} messages per generator, ONNX Runtime CPU with ${THREADS} thread, one worker replica; latency at half the worker's throughput\n\n${table}\n`,
  );
  const dir = join(root, 'docs', 'bench');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'generators.json'),
    `${JSON.stringify({ date: new Date().toISOString(), messages: texts.length, threads: THREADS, figures }, null, 2)}\n`,
  );
  console.log('wrote docs/bench/generators.json');
}

main().catch((error) => {
  console.error(`[bench:generators] ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
