/**
 * `npm run bench:generators [-- --generators retrieval,llm --messages 2000 --llm-messages 8 --seconds 5]`
 *
 * For each generator, on this machine in this run: replies/s (and tokens/s for the LLM) in-process
 * (raw, batches of the manifest's size) and
 * through one generator-worker replica (Kafka in → candidates out), p50/p99 latency at half the
 * worker's throughput, and the worker's peak memory. Writes docs/bench/generators.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '@app/models';
import { createGenerator, DEFAULT_SETTINGS, GENERATOR_NAMES } from '../apps/generator-worker/src/generators/generator-registry';
import { benchTexts, formatNotOk, measureWorker, withBenchBroker, type WorkerFigures } from './bench/worker-harness';

const THREADS = 1;

interface GeneratorFigures extends WorkerFigures {
  generator: string;
  model: string;
  messages: number;
  batchSize: number;
  rawPerSecond: number;
  /** Generated tokens per second in-process (generators that generate). */
  rawTokensPerSecond?: number;
  ratio: number;
}

async function rawThroughput(name: (typeof GENERATOR_NAMES)[number], texts: string[], log: (line: string) => void) {
  const generator = createGenerator(name, { ...DEFAULT_SETTINGS, ORT_INTRA_OP_THREADS: THREADS });
  await generator.load();
  const batch = generator.batching.maxBatchSize;
  const requests = texts.map((text) => ({ text }));
  await generator.generate(requests.slice(0, batch)); // warm-up
  let tokens = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < texts.length; i += batch) {
    for (const reply of await generator.generate(requests.slice(i, i + batch))) if (reply && 'tokens' in reply) tokens += reply.tokens ?? 0;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await generator.release();
  const tokensPerSecond = tokens > 0 ? tokens / seconds : undefined;
  log(
    `${name}: raw ${(texts.length / seconds).toFixed(1)} replies/s (batches of ${batch})${tokensPerSecond ? `, ${Math.round(tokensPerSecond)} tokens/s` : ''}`,
  );
  return { perSecond: texts.length / seconds, model: generator.modelVersion, batch, tokensPerSecond };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      generators: { type: 'string', default: GENERATOR_NAMES.join(',') },
      messages: { type: 'string', default: '2000' },
      /** The LLM makes a few replies a second on a CPU: it gets fewer messages (still a backlog of many batches). */
      'llm-messages': { type: 'string', default: '48' },
      seconds: { type: 'string', default: '5' },
    },
  });
  const names = values.generators!.split(',').filter(Boolean) as (typeof GENERATOR_NAMES)[number][];
  for (const name of names)
    if (!GENERATOR_NAMES.includes(name)) throw new Error(`no generator ${name} (have ${GENERATOR_NAMES.join(', ')})`);
  const root = projectRoot();
  const log = (line: string) => console.log(`[bench:generators] ${line}`);
  const figures: GeneratorFigures[] = [];
  await withBenchBroker('bench-generators', root, log, async ({ kafka, producer, brokers, dataDir }) => {
    for (const name of names) {
      const texts = benchTexts(root, Number(name === 'llm' ? values['llm-messages'] : values.messages));
      const raw = await rawThroughput(name, texts, log);
      const worker = await measureWorker({
        kafka,
        producer,
        brokers,
        dataDir,
        app: 'generator-worker',
        name,
        texts,
        pacedSeconds: Number(values.seconds),
        env: { ORT_INTRA_OP_THREADS: String(THREADS) },
      });
      const f: GeneratorFigures = {
        generator: name,
        model: raw.model,
        messages: texts.length,
        batchSize: raw.batch,
        rawPerSecond: raw.perSecond,
        rawTokensPerSecond: raw.tokensPerSecond,
        ratio: worker.perSecond / raw.perSecond,
        ...worker,
      };
      figures.push(f);
      log(
        `${name}: worker ${Math.round(f.perSecond)}/s = ${(f.ratio * 100).toFixed(0)}% of raw; p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms at ${Math.round(f.perSecond / 2)}/s`,
      );
    }
  });
  const table = [
    '| generator | model | messages | batch | raw replies/s | raw tokens/s | worker replies/s | worker / raw | p50 ms | p99 ms | worker ms p50 (per batch) | worker peak RSS MiB | not OK |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...figures.map(
      (f) =>
        `| ${f.generator} | ${f.model} | ${f.messages} | ${f.batchSize} | ${f.rawPerSecond.toFixed(1)} | ${f.rawTokensPerSecond ? Math.round(f.rawTokensPerSecond) : '—'} | ${f.perSecond.toFixed(1)} | ${(f.ratio * 100).toFixed(0)}% | ${f.p50Ms} | ${f.p99Ms} | ${f.modelP50Ms} | ${f.peakRssMiB} | ${formatNotOk(f.notOk)} |`,
    ),
  ].join('\n');
  console.log(
    `\nONNX Runtime CPU with ${THREADS} thread, llama.cpp with a thread per core, one worker replica; latency at half the worker's throughput\n\n${table}\n`,
  );
  const dir = join(root, 'docs', 'bench');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'generators.json'),
    `${JSON.stringify({ date: new Date().toISOString(), threads: THREADS, figures }, null, 2)}\n`,
  );
  console.log('wrote docs/bench/generators.json');
}

main().catch((error) => {
  console.error(`[bench:generators] ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
