import { Logger } from '@nestjs/common';
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { Counter, Gauge, type Registry } from 'prom-client';
import {
  DeadLetterSchema,
  EnvelopeError,
  Header,
  Topic,
  encodeEvent,
  type ChangelogTopic,
  type LogicalTopic,
  type TopicNames,
} from '@app/contracts';
import { ownedPartitions, stickyCoPartitionedAssigner } from './co-partitioned-assigner';
import { ChangelogRestore } from './changelog-restore';
import { RetryBudget } from './retry-budget';
import { decodeRecord, type AnyConsumedEvent } from './consumed-record';
import type { EventProducer } from './event-producer';
import type { HeldOffsets } from './held-offsets';

/**
 * A compacted state topic co-partitioned with the inputs (like a Kafka Streams changelog). When a
 * partition is newly assigned, its inputs pause, the changelog partition is read from its start to
 * the log end it had at assignment (its records reach `handle` like any others), then the inputs
 * resume: a message is never handled before its conversation's state is back. Its null-value
 * records (tombstones) reach `handle` as events with `event: null`: forget that key's state.
 */
export interface ChangelogOptions {
  topic: ChangelogTopic;
  /**
   * owner: this group writes the changelog itself, so after restoring it stops reading it (its
   * memory is ahead of the log). follower: keeps reading it, a read-only replica of the state.
   */
  mode: 'owner' | 'follower';
  /** Partitions this member lost: forget their state. */
  onRevoked: (partitions: number[]) => void;
}

export interface EventConsumerOptions {
  groupId: string;
  topics: LogicalTopic[];
  /** Where a new group starts: true for work queues, false for gateways that only want fresh replies. */
  fromBeginning: boolean;
  /**
   * Partition p of every topic to one member (the selector's inputs and a batch worker's), and on a
   * rebalance as few partitions moved as balance allows: each member advertises what it owns.
   */
  coPartitioned?: boolean;
  /** Partitions processed in parallel (each still in order). */
  partitionsConsumedConcurrently?: number;
  /** How long a fetch waits to fill a batch: the micro-batching queue delay. */
  maxWaitTimeInMs?: number;
  sessionTimeoutMs?: number;
  changelog?: ChangelogOptions;
  /**
   * For a handler whose work outlives `handle` (a merge that answers later): the committed offset
   * of this topic's partitions never passes an offset the handler still holds. Offsets are then
   * committed by this consumer every `commitIntervalMs` and when it stops, not by kafkajs.
   */
  holdCommits?: { topic: LogicalTopic; offsets: HeldOffsets; commitIntervalMs?: number };
  /**
   * Handles one partition's decoded batch, in offset order. Offsets are committed only after it
   * resolves (at-least-once); long work should call heartbeat() so the group keeps the member.
   */
  handle: (events: AnyConsumedEvent[], heartbeat: () => Promise<void>) => Promise<void>;
  /**
   * How many times a batch whose handler throws is delivered again before its records are handled
   * one at a time and those that still throw go to the dead-letter topic (`handler_failed`). Default 5.
   */
  handleAttempts?: number;
}

/**
 * A consumer group member that decodes protobuf envelopes, sends undecodable records to the
 * dead-letter topic with a reason (and moves on), does the same with a record its handler still
 * fails on after `handleAttempts` deliveries (its neighbours are handled), and reports readiness
 * once it has joined and fetched.
 */
export class EventConsumer {
  private readonly consumer: Consumer;
  private readonly logger: Logger;
  private joined = false;
  /** Partitions last assigned to this member, advertised at its next join so they stay here. */
  private owned: number[] = [];
  /** This member's id in the group at its last join; another id later means it was out of the group meanwhile. */
  private memberId?: string;
  private fetched = false;
  private readonly consumed?: Counter;
  private readonly deadLettered?: Counter;
  private readonly restore = new ChangelogRestore();
  private readonly retries: RetryBudget;
  private readonly admin?: Admin;
  private readonly restored?: Counter;
  private readonly lag?: Gauge;
  /** With holdCommits: per deployed topic and partition, the next offset to read, and what was last committed. */
  private readonly handled = new Map<string, { topic: string; partition: number; next: string; committed?: string }>();
  private commitTimer?: NodeJS.Timeout;

  constructor(
    kafka: Kafka,
    private readonly names: TopicNames,
    private readonly producer: EventProducer,
    private readonly options: EventConsumerOptions,
    registry?: Registry,
  ) {
    this.logger = new Logger(`consumer:${options.groupId}`);
    this.retries = new RetryBudget(options.handleAttempts ?? 5);
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      partitionAssigners: options.coPartitioned ? [stickyCoPartitionedAssigner(() => this.owned)] : undefined,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: options.maxWaitTimeInMs ?? 100,
      allowAutoTopicCreation: false,
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      if (this.memberId !== undefined && payload.memberId !== this.memberId) this.forgetAll(`rejoined as ${payload.memberId}`);
      this.memberId = payload.memberId;
      this.joined = true;
      this.owned = ownedPartitions(payload.memberAssignment);
      this.logger.log(`joined as ${payload.memberId}, assigned ${JSON.stringify(payload.memberAssignment)}`);
      if (options.holdCommits) this.forgetRevoked(options.holdCommits, payload.memberAssignment);
      if (options.changelog) this.onAssigned(options.changelog, payload.memberAssignment);
    });
    if (options.changelog) this.admin = kafka.admin();
    this.consumer.on(this.consumer.events.FETCH, () => {
      this.fetched = true;
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.joined = false;
      this.logger.error(`crashed: ${payload.error.message} (restart: ${payload.restart})`);
      this.forgetAll('crashed');
    });
    if (registry) {
      this.consumed = counter(registry, 'kafka_consumed_records_total', 'Records consumed', ['group', 'topic']);
      this.deadLettered = counter(registry, 'kafka_dead_lettered_records_total', 'Records sent to the dead-letter topic', [
        'group',
        'topic',
        'reason',
      ]);
      this.lag = gauge(registry, 'kafka_consumer_lag', 'Records behind the partition end, as of the last batch handled', [
        'group',
        'topic',
        'partition',
      ]);
      this.restored = counter(registry, 'kafka_changelog_restored_records_total', 'Changelog records read to restore state', [
        'group',
        'topic',
      ]);
    }
  }

  /** Joined the group and completed a first fetch, so no record produced from now on is missed. */
  get ready(): boolean {
    return this.joined && this.fetched;
  }

  /** Whether this changelog partition is being read back: its state is not complete yet. */
  isRestoring(partition: number): boolean {
    return this.restore.isRestoring(partition);
  }

  async start(): Promise<void> {
    await this.admin?.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: this.options.topics.map((topic) => this.names.of(topic)),
      fromBeginning: this.options.fromBeginning,
    });
    const hold = this.options.holdCommits;
    if (hold) {
      this.commitTimer = setInterval(() => void this.commitHandled(), hold.commitIntervalMs ?? 500);
      this.commitTimer.unref();
    }
    await this.consumer.run({
      autoCommit: !hold,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  /** Fetches nothing more (shutdown): the batches being handled finish, and stop() commits them. */
  pauseAll(): void {
    this.consumer.pause(this.options.topics.map((topic) => ({ topic: this.names.of(topic) })));
  }

  async stop(): Promise<void> {
    this.joined = false;
    clearInterval(this.commitTimer);
    if (this.options.holdCommits) await this.commitHandled();
    await this.consumer.disconnect();
    await this.admin?.disconnect();
  }

  /**
   * Runs inside the group-join event, before the first fetch of the new generation: pausing here
   * means no input record of a new partition is fetched before its state is restored.
   */
  private onAssigned(changelog: ChangelogOptions, assignment: Record<string, number[]>): void {
    const changelogTopic = this.names.of(changelog.topic);
    const { added, revoked } = this.restore.assign(assignment[changelogTopic] ?? []);
    if (revoked.length > 0) changelog.onRevoked(revoked);
    if (added.length === 0) return;
    this.consumer.pause(this.inputsOf(changelog, added));
    this.consumer.resume([{ topic: changelogTopic, partitions: added }]);
    void this.seekToStart(changelog, added);
  }

  /** Reads each new partition's log start and end, then restores it from the start (retried until it can). */
  private async seekToStart(changelog: ChangelogOptions, partitions: number[]): Promise<void> {
    const changelogTopic = this.names.of(changelog.topic);
    for (let attempt = 1; ; attempt++) {
      try {
        for (const { partition, low, high } of await this.admin!.fetchTopicOffsets(changelogTopic)) {
          if (!partitions.includes(partition) || !this.restore.isRestoring(partition)) continue;
          if (this.restore.begin(partition, low, high)) this.finishRestore(changelog, partition);
          else this.consumer.seek({ topic: changelogTopic, partition, offset: low });
        }
        return;
      } catch (error) {
        // The inputs stay paused meanwhile: answering without the state would lose the conversation.
        this.logger.warn(`cannot read ${changelogTopic} offsets (attempt ${attempt}): ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 250 * attempt)));
        if (!partitions.some((p) => this.restore.isRestoring(p))) return;
      }
    }
  }

  private finishRestore(changelog: ChangelogOptions, partition: number): void {
    const changelogTopic = this.names.of(changelog.topic);
    this.logger.log(`restored ${changelogTopic}[${partition}]: ${this.restore.appliedCount(partition)} records`);
    if (changelog.mode === 'owner') this.consumer.pause([{ topic: changelogTopic, partitions: [partition] }]);
    this.consumer.resume(this.inputsOf(changelog, [partition]));
  }

  /** The given partitions of every subscribed topic but the changelog. */
  private inputsOf(changelog: ChangelogOptions, partitions: number[]): { topic: string; partitions: number[] }[] {
    return this.options.topics.filter((t) => t !== changelog.topic).map((t) => ({ topic: this.names.of(t), partitions }));
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
        events.push(decodeRecord(topic, batch.partition, message, topic === this.options.changelog?.topic));
      } catch (error) {
        if (!(error instanceof EnvelopeError)) throw error;
        await this.deadLetter(batch.topic, topic, batch.partition, message, error.code, error.message);
      }
    }
    if (!isRunning() || isStale()) return;
    if (events.length > 0) {
      await this.retries.run(
        `${batch.topic}\0${batch.partition}\0${batch.firstOffset()}`,
        events,
        (some) => this.options.handle(some, heartbeat),
        (event, error) =>
          this.deadLetter(
            batch.topic,
            topic,
            batch.partition,
            // Looked up only for a record given up, not for every batch.
            batch.messages.find((message) => message.offset === event.offset)!,
            'handler_failed',
            error.message,
          ),
      );
    }
    this.consumed?.inc({ group: this.options.groupId, topic }, batch.messages.length);
    this.lag?.set({ group: this.options.groupId, topic, partition: String(batch.partition) }, Number(batch.offsetLag()));
    const changelog = this.options.changelog;
    if (changelog && topic === changelog.topic && this.restore.isRestoring(batch.partition)) {
      this.restored?.inc({ group: this.options.groupId, topic }, batch.messages.length);
      if (this.restore.advance(batch.partition, batch.lastOffset(), batch.messages.length)) this.finishRestore(changelog, batch.partition);
    }
    resolveOffset(batch.lastOffset());
    if (this.options.holdCommits) this.noteHandled(batch.topic, batch.partition, batch.lastOffset());
    else await commitOffsetsIfNecessary();
    await heartbeat();
  }

  private noteHandled(topic: string, partition: number, lastOffset: string): void {
    const key = `${topic}\0${partition}`;
    const entry = this.handled.get(key) ?? { topic, partition, next: '0' };
    entry.next = (BigInt(lastOffset) + 1n).toString();
    this.handled.set(key, entry);
  }

  /**
   * Commits, per partition, the next offset to read, held back to the lowest offset the handler
   * still holds. A failed commit is tried again next time (the offsets only ever move forward).
   */
  private async commitHandled(): Promise<void> {
    const hold = this.options.holdCommits;
    if (!hold) return;
    const heldTopic = this.names.of(hold.topic);
    const due = [...this.handled.values()]
      .map((entry) => ({ entry, offset: entry.topic === heldTopic ? hold.offsets.committable(entry.partition, entry.next) : entry.next }))
      .filter(({ entry, offset }) => entry.committed === undefined || BigInt(offset) > BigInt(entry.committed));
    if (due.length === 0) return;
    try {
      await this.consumer.commitOffsets(due.map(({ entry, offset }) => ({ topic: entry.topic, partition: entry.partition, offset })));
      for (const { entry, offset } of due) entry.committed = offset;
    } catch (error) {
      this.logger.warn(`could not commit offsets (next time): ${(error as Error).message}`);
    }
  }

  /**
   * A member that crashed, or that the group dropped while it could not reach the broker, comes
   * back as a new member: its partitions may have had other owners meanwhile, who wrote newer state
   * and committed further. So it forgets them all, as if revoked, and restores whatever it is
   * assigned next, even a partition it had before (`npm run chaos` found a restarted selector
   * answering from the state it had before a broker outage, and a turn lost).
   */
  private forgetAll(why: string): void {
    const changelog = this.options.changelog;
    if (changelog) {
      const { revoked } = this.restore.assign([]);
      if (revoked.length > 0) {
        this.logger.warn(`${why}: forgetting the state of partitions ${revoked.join(', ')} until they are restored`);
        changelog.onRevoked(revoked);
      }
    }
    if (this.options.holdCommits) this.forgetRevoked(this.options.holdCommits, {});
  }

  /** After a rebalance: partitions this member lost are neither committed by it nor held any more. */
  private forgetRevoked(hold: NonNullable<EventConsumerOptions['holdCommits']>, assignment: Record<string, number[]>): void {
    for (const [key, entry] of this.handled) if (!(assignment[entry.topic] ?? []).includes(entry.partition)) this.handled.delete(key);
    const heldTopic = this.names.of(hold.topic);
    const owned = assignment[heldTopic] ?? [];
    hold.offsets.drop(hold.offsets.partitions().filter((p) => !owned.includes(p)));
  }

  private async deadLetter(
    deployedTopic: string,
    topic: LogicalTopic,
    partition: number,
    message: KafkaMessage,
    code: string,
    detail: string,
  ): Promise<void> {
    this.logger.warn(`dead-lettering ${deployedTopic}[${partition}]@${message.offset}: ${code}: ${detail}`);
    this.deadLettered?.inc({ group: this.options.groupId, topic, reason: code });
    const value = encodeEvent(DeadLetterSchema, {
      sourceTopic: deployedTopic,
      partition,
      offset: message.offset,
      consumerGroup: this.options.groupId,
      reason: `${code}: ${detail}`,
      key: message.key ?? Buffer.alloc(0),
      value: message.value ?? Buffer.alloc(0),
      failedAtMs: Date.now(),
    });
    await this.producer.sendRaw(Topic.dlq, message.key, value, {
      [Header.type]: DeadLetterSchema.typeName,
      'x-dlq-reason': code,
    });
  }
}

function counter(registry: Registry, name: string, help: string, labelNames: string[]): Counter {
  const existing = registry.getSingleMetric(name);
  return (existing as Counter | undefined) ?? new Counter({ name, help, labelNames, registers: [registry] });
}

function gauge(registry: Registry, name: string, help: string, labelNames: string[]): Gauge {
  const existing = registry.getSingleMetric(name);
  return (existing as Gauge | undefined) ?? new Gauge({ name, help, labelNames, registers: [registry] });
}
