import { Logger } from '@nestjs/common';
import type { DescMessage } from '@bufbuild/protobuf';
import { ResultStatus, Topic } from '@app/contracts';
import type { AnyConsumedEvent, ConsumedEvent } from './consumed-record';
import type { ChangelogOptions, EventConsumer } from './event-consumer';
import type { OutgoingEvent } from './event-producer';
import { splitByDeadline } from './deadline-batches';
import { ModelBatcher, type ItemResult } from './model-batcher';
import type { KafkaRuntime } from './kafka.module';

export type MessageEvent = ConsumedEvent<typeof Topic.messages>;

/** A model's answer for one text that it could not produce (not a deadline miss): reported as an error. */
export class ItemFailure {
  constructor(readonly reason: string) {}
}

/** What became of one message: the model's output, or why there is none. */
export type WorkOutcome<Out> =
  | { status: ResultStatus.OK; output: Out; latencyMs: number }
  | { status: ResultStatus.SKIPPED_DEADLINE }
  | { status: ResultStatus.ERROR; error: string };

export interface MessageBatchWorkerOptions<Out> {
  /** Names the worker in logs, e.g. nlu:sentiment. */
  name: string;
  groupId: string;
  /** At most this many texts per model call (gathered from every partition being handled). */
  batchMaxSize: number;
  /** How long a fetch waits to fill a batch (the micro-batching queue delay). */
  batchMaxDelayMs: number;
  concurrency: number;
  /** Fault injection: sleep this long before every model call (a slow model, for tests and drills). */
  faultDelayMs?: number;
  /**
   * The model: one output per text, in order. It gets each message's deadline too, and may give
   * `undefined` for one it stopped at its deadline (reported as skipped, like work that came late)
   * or an ItemFailure for one it could not answer (reported as an error for that message alone).
   */
  run: (messages: MessageEvent[]) => Promise<(Out | ItemFailure | undefined)[]>;
  /**
   * State this worker follows, co-partitioned with chat.messages (e.g. each conversation's last
   * turns): its records, tombstones included, go to `apply`, and a partition's messages wait until
   * its state is restored.
   */
  changelog?: Omit<ChangelogOptions, 'mode'> & { apply: (records: AnyConsumedEvent[]) => void };
  /** The events to publish for a message, whatever became of it (one per task it serves): every message gets them. */
  toEvents: (message: MessageEvent, outcome: WorkOutcome<Out>) => OutgoingEvent<DescMessage>[];
  onSkipped?: (count: number) => void;
  /**
   * After each model call: its size, wall time and this process's CPU time during it (all threads;
   * it includes whatever else the process did meanwhile, so it is an upper bound on model compute).
   */
  onBatch?: (size: number, latencyMs: number, cpuMs: number) => void;
}

/**
 * The shape every model worker on chat.messages shares: its own consumer group, work past its
 * deadline skipped (and reported as such), the rest in micro-batches, its events out for every message.
 */
export function startMessageBatchWorker<Out>(kafka: KafkaRuntime, options: MessageBatchWorkerOptions<Out>): EventConsumer {
  const logger = new Logger(options.name);
  // One model call at a time across every partition this worker handles: full batches under load.
  const batcher = new ModelBatcher<MessageEvent, Out>(options.batchMaxSize, async (batch) => {
    // Messages that waited past their deadline behind another call are skipped, not run.
    const { live } = splitByDeadline(batch);
    const began = performance.now();
    if (options.faultDelayMs) await new Promise((resolve) => setTimeout(resolve, options.faultDelayMs));
    // The batcher runs one call at a time, so the process's CPU meanwhile is this call's (all threads).
    const cpuBefore = process.cpuUsage();
    let outputs: (Out | ItemFailure | undefined)[];
    try {
      outputs = live.length > 0 ? await options.run(live) : [];
    } catch (error) {
      // The batcher reports it per message, so the selector stops waiting for this contributor.
      logger.error(`model call failed for ${live.length} messages: ${(error as Error).message}`);
      throw error;
    }
    const cpu = process.cpuUsage(cpuBefore);
    const latencyMs = Math.round(performance.now() - began);
    if (live.length > 0) options.onBatch?.(live.length, latencyMs, (cpu.user + cpu.system) / 1000);
    const byMessage = new Map(live.map((message, i) => [message, outputs[i]]));
    return { outputs: batch.map((message) => byMessage.get(message)), latencyMs };
  });
  const work = async (events: MessageEvent[], heartbeat: () => Promise<void>): Promise<void> => {
    const { live, late } = splitByDeadline(events);
    const out = late.flatMap((message) => options.toEvents(message, { status: ResultStatus.SKIPPED_DEADLINE }));
    // The group must hear from this member while its messages wait behind other partitions' calls,
    // but not for ever: a hung model stops beating, so its partitions move to another replica, and a
    // rebalance stops it at once.
    const waitingSince = Date.now();
    const beat = setInterval(() => {
      if (Date.now() - waitingSince > MAX_HEARTBEAT_WAIT_MS) return clearInterval(beat);
      heartbeat().catch(() => clearInterval(beat));
    }, 1000);
    let results: ItemResult<Out>[];
    try {
      results = await batcher.submit(live);
    } finally {
      clearInterval(beat);
    }
    let skipped = late.length;
    live.forEach((message, i) => {
      const result = results[i];
      if ('error' in result) {
        out.push(...options.toEvents(message, { status: ResultStatus.ERROR, error: result.error.message }));
        return;
      }
      if (result.output === undefined) skipped++;
      out.push(...options.toEvents(message, toOutcome(result.output, result.latencyMs)));
    });
    if (skipped > 0) options.onSkipped?.(skipped);
    await heartbeat();
    await kafka.producer.send(out);
  };
  const changelog = options.changelog;
  return kafka.consumer({
    groupId: options.groupId,
    // The state first: where one fetch brings both, the state batch is handed out before the messages.
    topics: changelog ? [changelog.topic, Topic.messages] : [Topic.messages],
    // A new group (a new task, or tasks regrouped: the group is named after its task set) starts at
    // the log end. Everything before it is past its deadline; read from the start it would only
    // publish days of skipped results, which would replace the stored answers in ClickHouse.
    fromBeginning: false,
    maxWaitTimeInMs: options.batchMaxDelayMs,
    partitionsConsumedConcurrently: options.concurrency,
    ...(changelog && {
      coPartitioned: true,
      changelog: { topic: changelog.topic, mode: 'follower' as const, onRevoked: changelog.onRevoked },
    }),
    // A batch holds one topic-partition's records: state records, or messages.
    handle: async (events, heartbeat) => {
      if (changelog && events[0]?.topic === changelog.topic) return changelog.apply(events);
      await work(events as MessageEvent[], heartbeat);
    },
  });
}

/** How long a batch's messages may wait for model calls while the worker still heartbeats for them. */
const MAX_HEARTBEAT_WAIT_MS = 30_000;

export function toOutcome<Out>(output: Out | ItemFailure | undefined, latencyMs: number): WorkOutcome<Out> {
  if (output === undefined) return { status: ResultStatus.SKIPPED_DEADLINE };
  if (output instanceof ItemFailure) return { status: ResultStatus.ERROR, error: output.reason };
  return { status: ResultStatus.OK, output, latencyMs };
}
