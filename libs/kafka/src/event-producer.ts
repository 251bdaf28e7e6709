import type { DescMessage, MessageInitShape } from '@bufbuild/protobuf';
import { CompressionTypes, Partitioners, type Kafka, type Producer } from 'kafkajs';
import { encodeEvent, eventHeaders, type ChangelogTopic, type LogicalTopic, type TopicNames } from '@app/contracts';

export interface OutgoingEvent<D extends DescMessage> {
  topic: LogicalTopic;
  schema: D;
  /** Record key: the conversation id, so a conversation stays on one partition, in order. */
  key: string;
  value: MessageInitShape<D>;
  deadlineAtMs: number;
  traceId: string;
  /** Headers of its own, beside the standard ones (e.g. a reply's kind). */
  headers?: Record<string, string>;
}

interface EncodedRecord {
  topic: string;
  key: string;
  /** null: a tombstone. */
  value: Buffer | null;
  headers: Record<string, string>;
}

interface PendingSend {
  records: EncodedRecord[];
  /** Tried again, in order and before anything sent after it, until the broker acknowledges it. */
  untilAcked: boolean;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface SendOptions {
  /**
   * Never give up: a failed request is tried again (after kafkajs's own retries), ahead of every
   * send made after it, until the broker acknowledges it; meanwhile `failing` is true. For output
   * whose loss or reordering would break a guarantee (a reply, an outcome, a state write).
   */
  untilAcked?: boolean;
}

/** Waits between tries of a failed request that must get through: doubling from 200 ms up to 5 s. */
const retryWaitMs = (failures: number) => Math.min(5_000, 200 * 2 ** Math.min(failures - 1, 5));

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
  private failures = 0;
  /** While failing: one promise every waiter shares, resolved when a send gets through again. */
  private recovered?: { promise: Promise<void>; resolve: () => void };

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

  /** Whether a send that must get through is failing now (the broker is unreachable or refuses it). */
  get failing(): boolean {
    return this.failures > 0;
  }

  /** Resolves at once while sends get through, else once a failing send that must get through has. */
  whenDelivering(): Promise<void> {
    if (!this.failing) return Promise.resolve();
    if (!this.recovered) {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => (resolve = done));
      this.recovered = { promise, resolve };
    }
    return this.recovered.promise;
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
  send(events: OutgoingEvent<DescMessage>[], options: SendOptions = {}): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    let records: EncodedRecord[];
    try {
      records = events.map((event) => ({
        topic: this.names.of(event.topic),
        key: event.key,
        value: encodeEvent(event.schema, event.value),
        headers: { ...event.headers, ...eventHeaders(event.schema.typeName, event.deadlineAtMs, event.traceId) },
      }));
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.enqueue(records, options);
  }

  /**
   * Sends a tombstone (the key, a null value) per key to a compacted topic, in order with every other
   * send: compaction then removes those keys, and whoever reads the topic forgets them.
   */
  sendTombstones(topic: ChangelogTopic, keys: string[], options: SendOptions = {}): Promise<void> {
    if (keys.length === 0) return Promise.resolve();
    return this.enqueue(
      keys.map((key) => ({ topic: this.names.of(topic), key, value: null, headers: {} })),
      options,
    );
  }

  private enqueue(records: EncodedRecord[], options: SendOptions): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ records, untilAcked: options.untilAcked ?? false, resolve, reject });
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
        if (this.failures > 0) this.recover();
      } catch (error) {
        const retried = sends.filter((send) => send.untilAcked);
        sends.filter((send) => !send.untilAcked).forEach((send) => send.reject(error));
        if (retried.length > 0) {
          this.pending.unshift(...retried);
          this.failures++;
          await new Promise((resolve) => setTimeout(resolve, retryWaitMs(this.failures)));
        }
      }
    }
    this.flushing = false;
  }

  private recover(): void {
    this.failures = 0;
    this.recovered?.resolve();
    this.recovered = undefined;
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
