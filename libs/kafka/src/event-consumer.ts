import { Logger } from '@nestjs/common';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, PartitionAssigner } from 'kafkajs';
import { Counter, type Registry } from 'prom-client';
import {
  DeadLetterSchema,
  EnvelopeError,
  Header,
  Topic,
  decodeEvent,
  encodeEvent,
  headerString,
  readDeadline,
  type EventOf,
  type LogicalTopic,
  type TopicNames,
} from '@app/contracts';
import type { EventProducer } from './event-producer';

export interface ConsumedEvent<T extends LogicalTopic = LogicalTopic> {
  topic: T;
  partition: number;
  offset: string;
  key: string;
  traceId: string;
  /** From the x-deadline-ms header, falling back to the envelope's meta. */
  deadlineAtMs: number;
  event: EventOf<T>;
}

/** A consumed event of any of the subscribed topics; switch on `topic` to narrow `event`. */
export type AnyConsumedEvent = { [T in LogicalTopic]: ConsumedEvent<T> }[LogicalTopic];

export interface EventConsumerOptions {
  groupId: string;
  topics: LogicalTopic[];
  /** Where a new group starts: true for work queues, false for gateways that only want fresh replies. */
  fromBeginning: boolean;
  partitionAssigners?: PartitionAssigner[];
  /** Partitions processed in parallel (each still in order). */
  partitionsConsumedConcurrently?: number;
  /** How long a fetch waits to fill a batch: the micro-batching queue delay. */
  maxWaitTimeInMs?: number;
  sessionTimeoutMs?: number;
  /**
   * Handles one partition's decoded batch, in offset order. Offsets are committed only after it
   * resolves (at-least-once); long work should call heartbeat() so the group keeps the member.
   */
  handle: (events: AnyConsumedEvent[], heartbeat: () => Promise<void>) => Promise<void>;
}

/**
 * A consumer group member that decodes protobuf envelopes, sends undecodable records to the
 * dead-letter topic with a reason (and moves on), and reports readiness once it has joined and fetched.
 */
export class EventConsumer {
  private readonly consumer: Consumer;
  private readonly logger: Logger;
  private joined = false;
  private fetched = false;
  private readonly consumed?: Counter;
  private readonly deadLettered?: Counter;

  constructor(
    kafka: Kafka,
    private readonly names: TopicNames,
    private readonly producer: EventProducer,
    private readonly options: EventConsumerOptions,
    registry?: Registry,
  ) {
    this.logger = new Logger(`consumer:${options.groupId}`);
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      partitionAssigners: options.partitionAssigners,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: options.maxWaitTimeInMs ?? 100,
      allowAutoTopicCreation: false,
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.joined = true;
      this.logger.log(`joined as ${payload.memberId}, assigned ${JSON.stringify(payload.memberAssignment)}`);
    });
    this.consumer.on(this.consumer.events.FETCH, () => {
      this.fetched = true;
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.joined = false;
      this.logger.error(`crashed: ${payload.error.message} (restart: ${payload.restart})`);
    });
    if (registry) {
      this.consumed = counter(registry, 'kafka_consumed_records_total', 'Records consumed', ['group', 'topic']);
      this.deadLettered = counter(registry, 'kafka_dead_lettered_records_total', 'Records sent to the dead-letter topic', [
        'group',
        'topic',
        'reason',
      ]);
    }
  }

  /** Joined the group and completed a first fetch, so no record produced from now on is missed. */
  get ready(): boolean {
    return this.joined && this.fetched;
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: this.options.topics.map((topic) => this.names.of(topic)),
      fromBeginning: this.options.fromBeginning,
    });
    await this.consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  async stop(): Promise<void> {
    this.joined = false;
    await this.consumer.disconnect();
  }

  private async onBatch({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const topic = this.names.logical(batch.topic);
    if (!topic) return;
    const events: AnyConsumedEvent[] = [];
    for (const message of batch.messages) {
      try {
        events.push(this.decode(topic, batch.partition, message));
      } catch (error) {
        if (!(error instanceof EnvelopeError)) throw error;
        await this.deadLetter(batch.topic, topic, batch.partition, message, error);
      }
    }
    if (!isRunning() || isStale()) return;
    if (events.length > 0) await this.options.handle(events, heartbeat);
    this.consumed?.inc({ group: this.options.groupId, topic }, batch.messages.length);
    resolveOffset(batch.lastOffset());
    await commitOffsetsIfNecessary();
    await heartbeat();
  }

  private decode(topic: LogicalTopic, partition: number, message: KafkaMessage): AnyConsumedEvent {
    const event = decodeEvent(topic, message.value);
    const meta = 'meta' in event ? event.meta : undefined;
    return {
      topic,
      partition,
      offset: message.offset,
      key: message.key?.toString() ?? meta?.conversationId ?? '',
      traceId: headerString(message.headers, Header.traceId) ?? meta?.traceId ?? '',
      deadlineAtMs: readDeadline(message.headers) ?? meta?.deadlineAtMs ?? 0,
      event,
    } as AnyConsumedEvent;
  }

  private async deadLetter(
    deployedTopic: string,
    topic: LogicalTopic,
    partition: number,
    message: KafkaMessage,
    error: EnvelopeError,
  ): Promise<void> {
    this.logger.warn(`dead-lettering ${deployedTopic}[${partition}]@${message.offset}: ${error.message}`);
    this.deadLettered?.inc({ group: this.options.groupId, topic, reason: error.code });
    const value = encodeEvent(DeadLetterSchema, {
      sourceTopic: deployedTopic,
      partition,
      offset: message.offset,
      consumerGroup: this.options.groupId,
      reason: `${error.code}: ${error.message}`,
      key: message.key ?? Buffer.alloc(0),
      value: message.value ?? Buffer.alloc(0),
      failedAtMs: Date.now(),
    });
    await this.producer.sendRaw(Topic.dlq, message.key, value, {
      [Header.type]: DeadLetterSchema.typeName,
      'x-dlq-reason': error.code,
    });
  }
}

function counter(registry: Registry, name: string, help: string, labelNames: string[]): Counter {
  const existing = registry.getSingleMetric(name);
  return (existing as Counter | undefined) ?? new Counter({ name, help, labelNames, registers: [registry] });
}
