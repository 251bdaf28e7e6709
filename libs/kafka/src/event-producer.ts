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

interface EncodedRecord {
  topic: string;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

interface PendingSend {
  records: EncodedRecord[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** At most this many records in one produce request (a backlog is sent in several). */
const MAX_RECORDS_PER_REQUEST = 2000;

/**
 * One idempotent producer per process; every event is protobuf with the standard headers.
 *
 * Idempotence allows one request in flight per broker, so sends made while a request is out wait
 * for it; they are then sent together in one request (group commit), not one request each. Under
 * load that is one produce request per round trip instead of one per message: fewer socket writes
 * and no queue of requests behind each other. An idle producer sends at once.
 */
export class EventProducer {
  private readonly producer: Producer;
  private connected = false;
  private readonly pending: PendingSend[] = [];
  private flushing = false;

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

  /**
   * Sends events, in order, with whatever else is waiting for the same request; resolves once the
   * broker acknowledged them. An event that cannot be encoded fails its send, before anything is sent.
   */
  send(events: OutgoingEvent<DescMessage>[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    let records: EncodedRecord[];
    try {
      records = events.map((event) => ({
        topic: this.names.of(event.topic),
        key: event.key,
        value: encodeEvent(event.schema, event.value),
        headers: eventHeaders(event.schema.typeName, event.deadlineAtMs, event.traceId),
      }));
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ records, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  /** Sends what is waiting, one request at a time, until nothing is. */
  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.pending.length > 0) {
      const sends = takeUpTo(this.pending, MAX_RECORDS_PER_REQUEST);
      const byTopic = new Map<string, Omit<EncodedRecord, 'topic'>[]>();
      for (const { topic, ...record } of sends.flatMap((send) => send.records)) {
        const messages = byTopic.get(topic) ?? [];
        messages.push(record);
        byTopic.set(topic, messages);
      }
      try {
        await this.producer.sendBatch({
          acks: -1,
          compression: CompressionTypes.None,
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        });
        sends.forEach((send) => send.resolve());
      } catch (error) {
        sends.forEach((send) => send.reject(error));
      }
    }
    this.flushing = false;
  }

  /** Sends raw bytes as they are (dead letters keep the original record). */
  async sendRaw(topic: LogicalTopic, key: Buffer | string | null, value: Buffer, headers: Record<string, string>): Promise<void> {
    await this.producer.send({ topic: this.names.of(topic), acks: -1, messages: [{ key, value, headers }] });
  }
}

/** Removes and returns the first sends from the queue, up to `limit` records (at least one send). */
function takeUpTo(queue: PendingSend[], limit: number): PendingSend[] {
  let records = 0;
  let count = 0;
  while (count < queue.length && (count === 0 || records + queue[count].records.length <= limit)) records += queue[count++].records.length;
  return queue.splice(0, count);
}
