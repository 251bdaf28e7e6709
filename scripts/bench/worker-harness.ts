import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { LocalKafkaBroker } from '@app/local-kafka';
import { ChatMessageSchema, decodeEvent, encodeEvent, eventHeaders, ResultStatus, SCHEMA_VERSION, Topic } from '@app/contracts';
import { startLocalStack, type AppName } from '../local-stack';

/** What one worker replica does through a real broker: saturated throughput, then latency at half of it. */
export interface WorkerFigures {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** The worker's own time per batch (NLU) or per reply (generators), p50 over the paced phase. */
  modelP50Ms: number;
  paced: number;
  /** The worker's peak resident memory (VmHWM), MiB; 0 where /proc is not there. */
  peakRssMiB: number;
  /** Results that were not OK (skipped at a deadline or failed), by status, over the whole run. */
  notOk: Record<string, number>;
}

export interface WorkerRun {
  kafka: Kafka;
  producer: Producer;
  brokers: string;
  dataDir: string;
  app: Extract<AppName, 'nlu-worker' | 'generator-worker'>;
  /** The task or generator the worker runs. */
  name: string;
  texts: string[];
  pacedSeconds: number;
  env: Record<string, string>;
}

/** "ERROR 1, SKIPPED_DEADLINE 2", or "—" when every result was OK. */
export const formatNotOk = (notOk: Record<string, number>) =>
  Object.entries(notOk)
    .map(([status, n]) => `${status} ${n}`)
    .join(', ') || '—';

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

function peakRssMiB(pid: number | undefined): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmHWM:\s+(\d+) kB/m);
    return line ? Math.round(Number(line[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

/**
 * Starts one worker replica on its own topic prefix, floods `chat.messages` with the texts and reads
 * its results back (nlu.results or chat.candidates): results per second. Then sends at half that
 * rate, in 20 ms ticks, for the latency of produce → result received.
 */
export async function measureWorker(run: WorkerRun): Promise<WorkerFigures> {
  const prefix = `bench${process.pid}-${run.name}.`;
  const resultTopic = run.app === 'nlu-worker' ? Topic.nluResults : Topic.candidates;
  const stack = await startLocalStack({
    dataDir: run.dataDir,
    kafkaBrokers: run.brokers,
    ports: { gateway: 0, grpc: 0, sink: 0, selector: 0, nluBase: 0, generatorBase: 0 },
    nluWorkers: run.app === 'nlu-worker' ? [run.name.split('+')] : [],
    generators: run.app === 'generator-worker' ? [run.name] : [],
    apps: [run.app],
    topicPrefix: prefix,
    env: { LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn', ...run.env },
  });
  const received = new Map<string, { at: number; modelMs: number }>();
  const notOk: Record<string, number> = {};
  let firstFailure = '';
  let onReceive = () => {};
  const consumer = run.kafka.consumer({ groupId: `bench-${randomUUID()}` });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: `${prefix}${resultTopic}`, fromBeginning: true });
    await consumer.run({
      // Never throws: kafkajs would redeliver the batch forever and the run would look stalled.
      eachMessage: async ({ message }) => {
        const result = decodeEvent(resultTopic, message.value);
        if (result.status !== ResultStatus.OK) {
          const status = ResultStatus[result.status];
          notOk[status] = (notOk[status] ?? 0) + 1;
          firstFailure ||= `${status}: ${result.error}`;
        }
        received.set(result.meta!.messageId, { at: Date.now(), modelMs: result.latencyMs });
        onReceive();
      },
    });
    const send = async (batch: string[]) => {
      const now = Date.now();
      const deadline = now + 600_000;
      const ids = batch.map(() => randomUUID());
      await run.producer.send({
        topic: `${prefix}${Topic.messages}`,
        messages: batch.map((text, i) => {
          const conversationId = `bench-${i % 64}`;
          const meta = {
            schemaVersion: SCHEMA_VERSION,
            messageId: ids[i],
            conversationId,
            userId: 'bench',
            acceptedAtMs: now,
            emittedAtMs: now,
            deadlineAtMs: deadline,
            traceId: ids[i],
          };
          return {
            key: conversationId,
            value: encodeEvent(ChatMessageSchema, { meta, text, channel: 'bench' }),
            headers: eventHeaders(ChatMessageSchema.typeName, deadline, ids[i]),
          };
        }),
      });
      return ids.map((id) => ({ id, sentAt: now }));
    };
    const waitFor = (n: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(new Error(`${run.name}: ${received.size}/${n} results after 300 s${firstFailure ? `; not OK: ${firstFailure}` : ''}`)),
          300_000,
        );
        onReceive = () => received.size >= n && (clearTimeout(timer), resolve());
        onReceive();
      });
    // Warm-up: the first fetches and model calls are slower.
    const warmUp = Math.min(64, run.texts.length);
    await send(run.texts.slice(0, warmUp));
    await waitFor(warmUp);
    received.clear();
    const started = Date.now();
    for (let i = 0; i < run.texts.length; i += 500) await send(run.texts.slice(i, i + 500));
    await waitFor(run.texts.length);
    const perSecond = run.texts.length / ((Math.max(...[...received.values()].map((r) => r.at)) - started) / 1000);
    received.clear();
    const rate = perSecond / 2;
    const sent: { id: string; sentAt: number }[] = [];
    const tickMs = 20;
    let carry = 0;
    for (let tick = 0; tick < (run.pacedSeconds * 1000) / tickMs; tick++) {
      const tickStarted = Date.now();
      carry += (rate * tickMs) / 1000;
      const n = Math.floor(carry);
      carry -= n;
      if (n > 0) sent.push(...(await send(Array.from({ length: n }, (_, k) => run.texts[(sent.length + k) % run.texts.length]))));
      await new Promise((r) => setTimeout(r, Math.max(0, tickMs - (Date.now() - tickStarted))));
    }
    await waitFor(sent.length);
    const latencies = sent.map((s) => received.get(s.id)!.at - s.sentAt);
    return {
      perSecond,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      modelP50Ms: percentile(
        sent.map((s) => received.get(s.id)!.modelMs),
        50,
      ),
      paced: sent.length,
      peakRssMiB: peakRssMiB(stack.apps[0].process.pid),
      notOk,
    };
  } finally {
    await consumer.disconnect();
    await stack.stop();
  }
}

/** Chat-length texts from the project's own sets (data/nlu/*.jsonl), repeated to `count`. */
export function benchTexts(root: string, count: number): string[] {
  const dir = join(root, 'data', 'nlu');
  const all = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) =>
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { text: string }).text),
    );
  return Array.from({ length: count }, (_, i) => all[i % all.length]);
}

/** A broker for one benchmark run, with a producer, stopped however the run ends. */
export async function withBenchBroker<T>(
  name: string,
  root: string,
  log: (line: string) => void,
  body: (bench: Pick<WorkerRun, 'kafka' | 'producer' | 'brokers' | 'dataDir'>) => Promise<T>,
): Promise<T> {
  const dataDir = join(root, '.data', `${name}-${process.pid}`);
  const broker = new LocalKafkaBroker({ dataDir: join(dataDir, 'kafka'), port: 0 });
  log('starting Kafka ...');
  await broker.start();
  const kafka = new Kafka({ clientId: name, brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  try {
    await producer.connect();
    return await body({ kafka, producer, brokers: broker.bootstrap, dataDir });
  } finally {
    await producer.disconnect();
    await broker.stop();
  }
}
