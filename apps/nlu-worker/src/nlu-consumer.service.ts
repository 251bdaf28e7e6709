import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { Counter, Histogram, type Registry } from 'prom-client';
import { APP_CONFIG } from '@app/config';
import { NluResultSchema, ResultStatus, Topic, deriveMeta, type ChatMessage } from '@app/contracts';
import {
  EventProducer,
  KafkaRuntime,
  chunks,
  splitByDeadline,
  type ConsumedEvent,
  type EventConsumer,
  type OutgoingEvent,
} from '@app/kafka';
import { METRICS_REGISTRY, ReadinessService } from '@app/metrics';
import type { NluWorkerConfig } from './nlu-worker.config';
import type { NluTask } from './tasks/nlu-task';
import { NLU_TASK } from './nlu-task.token';

type MessageEvent = ConsumedEvent<typeof Topic.messages>;

/** Reads chat.messages in the task's own consumer group, runs the model in micro-batches, publishes nlu.results. */
@Injectable()
export class NluConsumerService implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger: Logger;
  private readonly consumer: EventConsumer;
  private modelLoaded = false;
  private readonly latency: Histogram;
  private readonly batchSize: Histogram;
  private readonly skipped: Counter;

  constructor(
    @Inject(APP_CONFIG) private readonly config: NluWorkerConfig,
    @Inject(NLU_TASK) private readonly task: NluTask,
    private readonly producer: EventProducer,
    kafka: KafkaRuntime,
    readiness: ReadinessService,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.logger = new Logger(`nlu:${task.name}`);
    readiness.register('model', () => this.modelLoaded);
    this.latency = new Histogram({
      name: 'nlu_inference_seconds',
      help: 'Model time per batch',
      labelNames: ['task'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    });
    this.batchSize = new Histogram({
      name: 'nlu_batch_size',
      help: 'Messages per model call',
      labelNames: ['task'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128],
      registers: [registry],
    });
    this.skipped = new Counter({
      name: 'nlu_skipped_deadline_total',
      help: 'Messages skipped because their deadline had passed',
      labelNames: ['task'],
      registers: [registry],
    });
    this.consumer = kafka.consumer({
      groupId: `nlu-${task.name}`,
      topics: [Topic.messages],
      fromBeginning: true,
      maxWaitTimeInMs: config.BATCH_MAX_DELAY_MS,
      partitionsConsumedConcurrently: config.CONSUMER_CONCURRENCY,
      handle: (events, heartbeat) => this.process(events as MessageEvent[], heartbeat),
    });
  }

  async onModuleInit(): Promise<void> {
    const started = Date.now();
    await this.task.load();
    this.modelLoaded = true;
    this.logger.log(`${this.task.modelName}@${this.task.modelVersion} loaded in ${Date.now() - started} ms`);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  /** Finishes and publishes the batch in hand before the producer goes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }

  private async process(events: MessageEvent[], heartbeat: () => Promise<void>): Promise<void> {
    const { live, late } = splitByDeadline(events);
    const results: OutgoingEvent<typeof NluResultSchema>[] = late.map((e) => this.result(e, ResultStatus.SKIPPED_DEADLINE, [], 0));
    if (late.length > 0) this.skipped.inc({ task: this.task.name }, late.length);

    for (const batch of chunks(live, this.config.BATCH_MAX_SIZE)) {
      const began = performance.now();
      try {
        const predictions = await this.task.predict(batch.map((e) => (e.event as ChatMessage).text));
        const latencyMs = Math.round(performance.now() - began);
        this.latency.observe({ task: this.task.name }, latencyMs / 1000);
        this.batchSize.observe({ task: this.task.name }, batch.length);
        batch.forEach((e, i) => results.push(this.result(e, ResultStatus.OK, predictions[i], latencyMs)));
      } catch (error) {
        // A failed model call is reported per message, so the selector stops waiting for it.
        this.logger.error(`predict failed for ${batch.length} messages: ${(error as Error).message}`);
        batch.forEach((e) => results.push(this.result(e, ResultStatus.ERROR, [], 0, (error as Error).message)));
      }
      await heartbeat();
    }
    await this.producer.send(results);
  }

  private result(
    consumed: MessageEvent,
    status: ResultStatus,
    labels: { name: string; score: number }[],
    latencyMs: number,
    error = '',
  ): OutgoingEvent<typeof NluResultSchema> {
    const meta = consumed.event.meta!;
    return {
      topic: Topic.nluResults,
      schema: NluResultSchema,
      key: meta.conversationId,
      deadlineAtMs: consumed.deadlineAtMs,
      traceId: consumed.traceId,
      value: {
        meta: deriveMeta(meta),
        task: this.task.name,
        labels,
        modelName: this.task.modelName,
        modelVersion: this.task.modelVersion,
        latencyMs,
        status,
        error,
      },
    };
  }
}
