import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { createClickHouse } from '@app/clickhouse';
import { ModelRepository } from '@app/models';
import { createGenerator, DEFAULT_SETTINGS } from '../../apps/generator-worker/src/generators/generator-registry';

/** Records a second through one producer and one consumer of the same broker, the pipeline's own client. */
export async function kafkaRoundTrip(brokers: string, count = 20_000): Promise<number> {
  const kafka = new Kafka({ clientId: 'bench-limit', brokers: [brokers], logLevel: logLevel.NOTHING });
  const topic = `bench-limit-${randomUUID()}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 12 }], waitForLeaders: true });
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: `bench-limit-${randomUUID()}`, maxWaitTimeInMs: 5 });
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let received = 0;
  let done: () => void = () => {};
  const all = new Promise<void>((resolve) => (done = resolve));
  await consumer.run({
    eachBatch: async ({ batch }) => {
      received += batch.messages.length;
      if (received >= count) done();
    },
  });
  const value = Buffer.alloc(200, 7); // about a ChatMessage
  const started = performance.now();
  for (let i = 0; i < count; i += 500) {
    await producer.send({
      topic,
      messages: Array.from({ length: Math.min(500, count - i) }, (_, k) => ({ key: `c${(i + k) % 1000}`, value })),
    });
  }
  await all;
  const perSecond = count / ((performance.now() - started) / 1000);
  await consumer.disconnect();
  await producer.disconnect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
  return perSecond;
}

/** The sentence encoder alone: ONNX Runtime, one thread, batches of 32. */
export async function encoderThroughput(texts: string[]): Promise<number> {
  const repository = new ModelRepository({ runtime: { provider: 'cpu', intraOpThreads: 1 }, fetchMissing: false });
  const encoder = await repository.encoder('minilm-l6-v2-int8');
  await encoder.embed(texts.slice(0, 32));
  const started = performance.now();
  for (let i = 0; i < texts.length; i += 32) await encoder.embed(texts.slice(i, i + 32));
  const perSecond = texts.length / ((performance.now() - started) / 1000);
  await repository.release();
  return perSecond;
}

/** The LLM alone: generated tokens a second over its parallel sequences. */
export async function llmTokensPerSecond(texts: string[]): Promise<number> {
  const llm = createGenerator('llm', DEFAULT_SETTINGS);
  await llm.load();
  const started = performance.now();
  let tokens = 0;
  for (const reply of await llm.generate(texts.map((text) => ({ text })))) if (reply && 'tokens' in reply) tokens += reply.tokens ?? 0;
  const perSecond = tokens / ((performance.now() - started) / 1000);
  await llm.release();
  return perSecond;
}

/** chdb alone (its own directory): rows a second into a ReplacingMergeTree shaped like nlu_results, in batches of 5,000. */
export async function chdbInsertRows(count = 100_000): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-chdb-'));
  const { client } = createClickHouse({ dataDir: dir });
  try {
    await client.command({ query: 'CREATE DATABASE IF NOT EXISTS b' });
    await client.command({
      query: `CREATE TABLE b.t (message_id String, conversation_id String, task LowCardinality(String), label LowCardinality(String),
        score Float32, latency_ms UInt32, accepted_at DateTime64(3, 'UTC')) ENGINE = ReplacingMergeTree ORDER BY (task, message_id)`,
    });
    const rows = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        message_id: randomUUID(),
        conversation_id: `c${(from + i) % 1000}`,
        task: `task${i % 7}`,
        label: `label${i % 20}`,
        score: 0.5,
        latency_ms: 20,
        accepted_at: Date.now(),
      }));
    const started = performance.now();
    for (let i = 0; i < count; i += 5000) await client.insert({ table: 'b.t', values: rows(i, 5000), format: 'JSONEachRow' });
    return count / ((performance.now() - started) / 1000);
  } finally {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
