import type { EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { ChatMessageSchema, DeadLetterSchema, Header, SCHEMA_VERSION, Topic, TopicNames, decodeEvent, encodeEvent } from '@app/contracts';
import { EventConsumer } from './event-consumer';
import type { EventProducer } from './event-producer';

/** A kafkajs consumer that keeps the eachBatch callback, so a test can hand it batches. */
function fakeKafka() {
  let eachBatch: ((payload: EachBatchPayload) => Promise<void>) | undefined;
  const consumer = {
    events: { GROUP_JOIN: 'join', FETCH: 'fetch' },
    on: () => undefined,
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async (options: { eachBatch: typeof eachBatch }) => void (eachBatch = options.eachBatch),
    disconnect: async () => undefined,
  };
  return { kafka: { consumer: () => consumer } as unknown as Kafka, deliver: (payload: EachBatchPayload) => eachBatch!(payload) };
}

const names = new TopicNames('');
const record = (offset: number, text: string): KafkaMessage =>
  ({
    offset: String(offset),
    key: Buffer.from('c1'),
    value: Buffer.from(
      encodeEvent(ChatMessageSchema, {
        meta: {
          messageId: `m${offset}`,
          conversationId: 'c1',
          userId: 'u1',
          schemaVersion: SCHEMA_VERSION,
          acceptedAtMs: 1,
          emittedAtMs: 1,
          deadlineAtMs: 2,
          traceId: 't',
        },
        text,
      }),
    ),
    headers: {},
  }) as unknown as KafkaMessage;

function batchOf(messages: KafkaMessage[], resolved: string[]): EachBatchPayload {
  return {
    batch: {
      topic: names.of(Topic.messages),
      partition: 0,
      messages,
      firstOffset: () => messages[0].offset,
      lastOffset: () => messages.at(-1)!.offset,
      offsetLag: () => '0',
    },
    resolveOffset: (offset: string) => void resolved.push(offset),
    heartbeat: async () => undefined,
    commitOffsetsIfNecessary: async () => undefined,
    isRunning: () => true,
    isStale: () => false,
  } as unknown as EachBatchPayload;
}

describe('EventConsumer', () => {
  it('dead-letters a record its handler keeps failing on after the retry budget, and handles the rest of its batch', async () => {
    const { kafka, deliver } = fakeKafka();
    const dead: { key: unknown; value: Buffer; headers: Record<string, string> }[] = [];
    const producer = {
      sendRaw: async (_topic: string, key: unknown, value: Buffer, headers: Record<string, string>) =>
        void dead.push({ key, value, headers }),
    } as unknown as EventProducer;
    const handled: string[] = [];
    const consumer = new EventConsumer(kafka, names, producer, {
      groupId: 'g',
      topics: [Topic.messages],
      fromBeginning: true,
      handleAttempts: 2,
      handle: async (events) => {
        for (const event of events) {
          if (event.topic === Topic.messages && event.event.text === 'poison') throw new Error('model exploded');
        }
        for (const event of events) handled.push(event.offset);
      },
    });
    await consumer.start();
    const messages = [record(10, 'hello'), record(11, 'poison'), record(12, 'bye')];
    const resolved: string[] = [];
    await expect(deliver(batchOf(messages, resolved))).rejects.toThrow('model exploded');
    expect(resolved).toEqual([]);
    await deliver(batchOf(messages, resolved));
    expect(handled).toEqual(['10', '12']);
    expect(resolved).toEqual(['12']);
    expect(dead).toHaveLength(1);
    expect(dead[0].headers['x-dlq-reason']).toBe('handler_failed');
    const letter = decodeEvent(Topic.dlq, dead[0].value);
    expect(letter).toMatchObject({ offset: '11', reason: 'handler_failed: model exploded', consumerGroup: 'g' });
    expect(decodeEvent(Topic.messages, Buffer.from(letter.value)).text).toBe('poison');
    expect(dead[0].headers[Header.type]).toBe(DeadLetterSchema.typeName);
  });
});

describe('EventConsumer with a changelog', () => {
  /** A kafkajs consumer whose events the test raises, and an admin that reports each changelog partition empty. */
  function fakeGroup() {
    const handlers = new Map<string, (event: { payload: Record<string, unknown> }) => void>();
    const consumer = {
      events: { GROUP_JOIN: 'join', FETCH: 'fetch', CRASH: 'crash' },
      on: (event: string, handler: (event: { payload: Record<string, unknown> }) => void) => void handlers.set(event, handler),
      connect: async () => undefined,
      subscribe: async () => undefined,
      run: async () => undefined,
      pause: () => undefined,
      resume: () => undefined,
      seek: () => undefined,
      disconnect: async () => undefined,
    };
    const admin = {
      connect: async () => undefined,
      disconnect: async () => undefined,
      fetchTopicOffsets: async () => [0, 1, 2].map((partition) => ({ partition, low: '0', high: '0' })),
    };
    const raise = (event: string, payload: Record<string, unknown>) => handlers.get(event)!({ payload });
    const join = (memberId: string, partitions: number[]) =>
      raise('join', { memberId, memberAssignment: Object.fromEntries(Object.values(Topic).map((t) => [names.of(t), partitions])) });
    return { kafka: { consumer: () => consumer, admin: () => admin } as unknown as Kafka, join, raise };
  }

  const start = () => {
    const group = fakeGroup();
    const revoked: number[][] = [];
    const consumer = new EventConsumer(group.kafka, names, {} as EventProducer, {
      groupId: 'selector',
      topics: [Topic.messages, Topic.conversations],
      fromBeginning: true,
      changelog: { topic: Topic.conversations, mode: 'owner', onRevoked: (partitions) => void revoked.push(partitions) },
      handle: async () => undefined,
    });
    return { ...group, consumer, revoked };
  };

  it('keeps the state of partitions that stay with the same member across a rebalance', () => {
    const { join, consumer, revoked } = start();
    join('m-1', [1, 2]);
    join('m-1', [2]);
    expect(revoked).toEqual([[1]]);
    expect(consumer.isRestoring(2)).toBe(true); // the first restore has not been read yet
  });

  it('forgets every partition when it rejoins as a new member, and restores what it gets back', async () => {
    const { join, consumer, revoked } = start();
    join('m-1', [1, 2]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(consumer.isRestoring(2)).toBe(false);
    // Dropped by the group while the broker was away: others may have owned partition 2 meanwhile.
    join('m-2', [2]);
    expect(revoked).toEqual([[1, 2]]);
    expect(consumer.isRestoring(2)).toBe(true);
  });

  it('forgets every partition when its kafkajs consumer crashes', () => {
    const { join, raise, revoked } = start();
    join('m-1', [0, 2]);
    raise('crash', { error: new Error('Connection error'), restart: true });
    expect(revoked).toEqual([[0, 2]]);
  });
});
