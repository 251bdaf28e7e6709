/**
 * `npm run bench:serialization [-- --iterations 20000]`: what each record of one chat message costs
 * to encode and decode as protobuf (what the topics carry) and as JSON (protobuf's canonical JSON
 * mapping, what a JSON-on-Kafka design would carry), with realistic events of every topic. Prints
 * µs per record and bytes, then the cost per chat message through the whole pipeline (each record
 * encoded once and decoded by every consumer group that reads its topic) and the cores that takes
 * at 300 messages/s. Writes docs/bench/serialization.json; the last line is one JSON object.
 */
import { create, fromBinary, fromJsonString, toBinary, toJsonString, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  CandidateSchema,
  ChatMessageSchema,
  ConversationStateSchema,
  NluResultSchema,
  OutcomeSchema,
  ReplySchema,
  ResultStatus,
  NLU_TASKS,
  SCHEMA_VERSION,
  repoRoot,
} from '@app/contracts';

const meta = {
  schemaVersion: SCHEMA_VERSION,
  messageId: '0193a0f2-7c1e-8a55-9d3e-3f6a1c2b4d5e',
  conversationId: 'conversation-8c41d2',
  userId: 'user-51f0',
  acceptedAtMs: 1_764_150_000_000,
  emittedAtMs: 1_764_150_000_012,
  deadlineAtMs: 1_764_150_001_000,
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
};
const labels = (names: string[]) => names.map((name, i) => ({ name, score: 0.9 / (i + 1), text: '' }));
const NLU_SUMMARIES = NLU_TASKS.map((task) => ({
  task,
  label: 'x',
  score: 0.8,
  model: task,
  latencyMs: 40,
  labels: labels(['a', 'b', 'c']),
}));
const CONTRIBUTORS = [...NLU_TASKS.map((task) => `nlu:${task}`), 'gen:retrieval', 'gen:llm'];
const text = 'ugh my boss yelled at me today and I feel awful about it, can you cheer me up?';

/** One realistic record per topic, with how many a chat message makes and how many groups read it. */
const RECORDS: { topic: string; schema: DescMessage; value: MessageShape<DescMessage>; perMessage: number; readers: number }[] = [
  // Read by the three NLU workers, two generators, the selector and the sink.
  {
    topic: 'chat.messages',
    schema: ChatMessageSchema,
    value: create(ChatMessageSchema, { meta, text, clientMessageId: 'c-17', replyTo: 'gateway-0', channel: 'http' }),
    perMessage: 1,
    readers: 7,
  },
  {
    topic: 'nlu.results',
    schema: NluResultSchema,
    value: create(NluResultSchema, {
      meta,
      task: 'emotion',
      labels: labels(['annoyance', 'sadness', 'anger', 'disappointment', 'neutral']),
      groups: [{ name: 'ekman', labels: labels(['sadness', 'anger']) }],
      modelName: 'emotion+minilm-l6-v2-int8',
      modelVersion: '1.0.0',
      latencyMs: 41,
      status: ResultStatus.OK,
    }),
    perMessage: 7,
    readers: 2,
  },
  {
    topic: 'chat.candidates',
    schema: CandidateSchema,
    value: create(CandidateSchema, {
      meta,
      generator: 'retrieval',
      text: 'Bosses. Ugh. Tell me everything.',
      score: 0.62,
      latencyMs: 38,
      modelVersion: '1.0.0',
      status: ResultStatus.OK,
    }),
    perMessage: 2,
    readers: 2,
  },
  {
    topic: 'chat.replies',
    schema: ReplySchema,
    value: create(ReplySchema, {
      meta,
      text: 'That sounds rough. Bosses who yell are the worst. What happened?',
      source: 'canned',
      latencyMs: 212,
      replyTo: 'gateway-0',
      clientMessageId: 'c-17',
      reason: 'canned.mood',
      nlu: NLU_SUMMARIES,
    }),
    perMessage: 1,
    readers: 2,
  },
  {
    topic: 'chat.outcomes',
    schema: OutcomeSchema,
    value: create(OutcomeSchema, {
      meta,
      replyText: 'That sounds rough. Bosses who yell are the worst. What happened?',
      source: 'canned',
      policyRule: 'canned.mood',
      expected: CONTRIBUTORS,
      arrived: CONTRIBUTORS.filter((c) => c !== 'gen:llm'),
      missed: ['gen:llm'],
      latencyMs: 212,
      nlu: NLU_SUMMARIES,
      candidates: [
        {
          generator: 'retrieval',
          text: 'Bosses. Ugh. Tell me everything.',
          score: 0.62,
          latencyMs: 38,
          status: 'ok',
          chosen: false,
          rejected: 'policy',
        },
      ],
      resolvedText: text,
    }),
    perMessage: 1,
    readers: 1,
  },
  {
    topic: 'chat.conversations',
    schema: ConversationStateSchema,
    value: create(ConversationStateSchema, {
      meta,
      turnCount: 8,
      userName: 'Sam',
      turns: Array.from({ length: 8 }, (_, i) => ({
        messageId: `m-${i}`,
        userText: text,
        replyText: 'That sounds rough. What happened?',
        replySource: 'canned',
        atMs: 1_764_150_000_000 + i,
        intent: 'oos',
        emotion: 'sadness',
      })),
      mentions: [{ text: 'boss', kind: 'thing', turn: 7 }],
      topics: ['work'],
    }),
    // Read by the two generators (the selector reads it only to restore a partition).
    perMessage: 1,
    readers: 2,
  },
];

function timeUs(iterations: number, fn: () => unknown): number {
  for (let i = 0; i < Math.min(2000, iterations); i++) fn(); // warm the JIT
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  return Number(process.hrtime.bigint() - started) / 1000 / iterations;
}

function main(): void {
  const { values } = parseArgs({ options: { iterations: { type: 'string', default: '20000' }, rate: { type: 'string', default: '300' } } });
  const iterations = Number(values.iterations);
  const rate = Number(values.rate);
  const rows = RECORDS.map(({ topic, schema, value, perMessage, readers }) => {
    const binary = toBinary(schema, value);
    const json = Buffer.from(toJsonString(schema, value));
    const row = {
      topic,
      perMessage,
      readers,
      protobufBytes: binary.length,
      jsonBytes: json.length,
      protobufEncodeUs: timeUs(iterations, () => toBinary(schema, create(schema, value))),
      protobufDecodeUs: timeUs(iterations, () => fromBinary(schema, binary)),
      jsonEncodeUs: timeUs(iterations, () => Buffer.from(toJsonString(schema, value))),
      jsonDecodeUs: timeUs(iterations, () => fromJsonString(schema, json.toString('utf8'))),
    };
    console.log(
      `[serialization] ${topic}: protobuf ${row.protobufBytes} B, ${row.protobufEncodeUs.toFixed(1)} µs encode, ${row.protobufDecodeUs.toFixed(1)} µs decode; JSON ${row.jsonBytes} B, ${row.jsonEncodeUs.toFixed(1)} / ${row.jsonDecodeUs.toFixed(1)} µs`,
    );
    return row;
  });
  const perMessage = (
    encode: 'protobufEncodeUs' | 'jsonEncodeUs',
    decode: 'protobufDecodeUs' | 'jsonDecodeUs',
    bytes: 'protobufBytes' | 'jsonBytes',
  ) => ({
    us: rows.reduce((sum, r) => sum + r.perMessage * (r[encode] + r.readers * r[decode]), 0),
    bytes: rows.reduce((sum, r) => sum + r.perMessage * r[bytes], 0),
  });
  const protobuf = perMessage('protobufEncodeUs', 'protobufDecodeUs', 'protobufBytes');
  const json = perMessage('jsonEncodeUs', 'jsonDecodeUs', 'jsonBytes');
  const summary = {
    iterations,
    rate,
    protobufUsPerMessage: round(protobuf.us),
    jsonUsPerMessage: round(json.us),
    protobufBytesPerMessage: protobuf.bytes,
    jsonBytesPerMessage: json.bytes,
    protobufCoresAtRate: round((protobuf.us * rate) / 1e6, 3),
    jsonCoresAtRate: round((json.us * rate) / 1e6, 3),
    jsonOverProtobuf: round(json.us / protobuf.us),
  };
  console.log(
    [
      '',
      '| topic | per message | groups reading | protobuf B | JSON B | protobuf encode µs | protobuf decode µs | JSON encode µs | JSON decode µs |',
      '|---|---|---|---|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.topic} | ${r.perMessage} | ${r.readers} | ${r.protobufBytes} | ${r.jsonBytes} | ${r.protobufEncodeUs.toFixed(1)} | ${r.protobufDecodeUs.toFixed(1)} | ${r.jsonEncodeUs.toFixed(1)} | ${r.jsonDecodeUs.toFixed(1)} |`,
      ),
      '',
      `per chat message through the pipeline: protobuf ${summary.protobufUsPerMessage} µs and ${summary.protobufBytesPerMessage} B, JSON ${summary.jsonUsPerMessage} µs and ${summary.jsonBytesPerMessage} B (JSON / protobuf time ${summary.jsonOverProtobuf}×)`,
      `at ${rate} messages/s: protobuf ${summary.protobufCoresAtRate} cores, JSON ${summary.jsonCoresAtRate} cores`,
    ].join('\n'),
  );
  const dir = join(repoRoot(), 'docs', 'bench');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'serialization.json'), `${JSON.stringify({ date: new Date().toISOString(), summary, rows }, null, 2)}\n`);
  console.log(JSON.stringify(summary));
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

main();
