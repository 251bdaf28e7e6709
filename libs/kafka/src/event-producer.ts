import type { DescMessage, MessageInitShape } from '@bufbuild/protobuf';
import { CompressionTypes, Partitioners, type Kafka, type Producer } from 'kafkajs';
import { encodeEvent, eventHeaders, type LogicalTopic, type TopicNames } from '@app/contracts';

export interface OutgoingEvent<D extends DescMessage> {
  topic: LogicalTopic;
  schema: D;
  /** Record key: the conversation id, so a conversation stays on one partition, in order. */
  key: string;
  value: MessageInitShape<D>;
  deadlineAtMs: number;
  traceId: string;
}

/** One idempotent producer per process; every event is protobuf with the standard headers. */
export class EventProducer {
  private readonly producer: Producer;
  private connected = false;

  constructor(
    kafka: Kafka,
    private readonly names: TopicNames,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
  }

  get isConnected(): boolean {
    return this.connected;
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    this.connected = false;
    await this.producer.disconnect();
  }

  /** Sends events, grouped per topic in one request; resolves once the broker acknowledged all. */
  async send(events: OutgoingEvent<DescMessage>[]): Promise<void> {
    if (events.length === 0) return;
    const byTopic = new Map<string, { key: string; value: Buffer; headers: Record<string, string> }[]>();
    for (const event of events) {
      const topic = this.names.of(event.topic);
      const messages = byTopic.get(topic) ?? [];
      messages.push({
        key: event.key,
        value: encodeEvent(event.schema, event.value),
        headers: eventHeaders(event.schema.typeName, event.deadlineAtMs, event.traceId),
      });
      byTopic.set(topic, messages);
    }
    await this.producer.sendBatch({
      acks: -1,
      compression: CompressionTypes.None,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }

  /** Sends raw bytes as they are (dead letters keep the original record). */
  async sendRaw(topic: LogicalTopic, key: Buffer | string | null, value: Buffer, headers: Record<string, string>): Promise<void> {
    await this.producer.send({ topic: this.names.of(topic), acks: -1, messages: [{ key, value, headers }] });
  }
}
