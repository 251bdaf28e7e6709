import { Logger } from '@nestjs/common';
import type { DescMessage } from '@bufbuild/protobuf';
import { ResultStatus, Topic } from '@app/contracts';
import { CoPartitionedAssigner } from './co-partitioned-assigner';
import type { AnyConsumedEvent, ChangelogOptions, ConsumedEvent, EventConsumer } from './event-consumer';
import type { OutgoingEvent } from './event-producer';
import { chunks, splitByDeadline } from './deadline-batches';
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
  /** At most this many texts per model call. */
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
   * turns): its records go to `apply`, and a partition's messages wait until its state is restored.
   */
  changelog?: Omit<ChangelogOptions, 'mode'> & { apply: (records: AnyConsumedEvent[]) => void };
  /** The event to publish for a message, whatever became of it: every message gets exactly one. */
  toEvent: (message: MessageEvent, outcome: WorkOutcome<Out>) => OutgoingEvent<DescMessage>;
  onSkipped?: (count: number) => void;
  onBatch?: (size: number, latencyMs: number) => void;
}

/**
 * The shape every model worker on chat.messages shares: its own consumer group, work past its
 * deadline skipped (and reported as such), the rest in micro-batches, one event out per message.
 */
export function startMessageBatchWorker<Out>(kafka: KafkaRuntime, options: MessageBatchWorkerOptions<Out>): EventConsumer {
  const logger = new Logger(options.name);
  const work = async (events: MessageEvent[], heartbeat: () => Promise<void>): Promise<void> => {
    const { live, late } = splitByDeadline(events);
    const out = late.map((message) => options.toEvent(message, { status: ResultStatus.SKIPPED_DEADLINE }));
    if (late.length > 0) options.onSkipped?.(late.length);
    for (const batch of chunks(live, options.batchMaxSize)) {
      const began = performance.now();
      if (options.faultDelayMs) await new Promise((resolve) => setTimeout(resolve, options.faultDelayMs));
      try {
        const outputs = await options.run(batch);
        const latencyMs = Math.round(performance.now() - began);
        options.onBatch?.(batch.length, latencyMs);
        let stopped = 0;
        batch.forEach((message, i) => {
          const output = outputs[i];
          if (output === undefined) stopped++;
          out.push(options.toEvent(message, toOutcome(output, latencyMs)));
        });
        if (stopped > 0) options.onSkipped?.(stopped);
      } catch (error) {
        // Reported per message, so the selector stops waiting for this contributor.
        const reason = (error as Error).message;
        logger.error(`model call failed for ${batch.length} messages: ${reason}`);
        batch.forEach((message) => out.push(options.toEvent(message, { status: ResultStatus.ERROR, error: reason })));
      }
      await heartbeat();
    }
    await kafka.producer.send(out);
  };
  const changelog = options.changelog;
  return kafka.consumer({
    groupId: options.groupId,
    // The state first: where one fetch brings both, the state batch is handed out before the messages.
    topics: changelog ? [changelog.topic, Topic.messages] : [Topic.messages],
    fromBeginning: true,
    maxWaitTimeInMs: options.batchMaxDelayMs,
    partitionsConsumedConcurrently: options.concurrency,
    ...(changelog && {
      partitionAssigners: [CoPartitionedAssigner],
      changelog: { topic: changelog.topic, mode: 'follower' as const, onRevoked: changelog.onRevoked },
    }),
    // A batch holds one topic-partition's records: state records, or messages.
    handle: async (events, heartbeat) => {
      if (changelog && events[0]?.topic === changelog.topic) return changelog.apply(events);
      await work(events as MessageEvent[], heartbeat);
    },
  });
}

export function toOutcome<Out>(output: Out | ItemFailure | undefined, latencyMs: number): WorkOutcome<Out> {
  if (output === undefined) return { status: ResultStatus.SKIPPED_DEADLINE };
  if (output instanceof ItemFailure) return { status: ResultStatus.ERROR, error: output.reason };
  return { status: ResultStatus.OK, output, latencyMs };
}
