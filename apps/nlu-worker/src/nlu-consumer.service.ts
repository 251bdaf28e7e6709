import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { Counter, Histogram, type Registry } from 'prom-client';
import { APP_CONFIG } from '@app/config';
import { NluResultSchema, ResultStatus, Topic, deriveMeta } from '@app/contracts';
import { KafkaRuntime, startMessageBatchWorker, type EventConsumer, type MessageEvent, type WorkOutcome } from '@app/kafka';
import { METRICS_REGISTRY, ReadinessService } from '@app/metrics';
import type { NluWorkerConfig } from './nlu-worker.config';
import type { NluTask, ScoredLabel } from './tasks/nlu-task';
import { NLU_TASK } from './nlu-task.token';

/** Runs one NLU task on chat.messages in the task's own consumer group and publishes nlu.results. */
@Injectable()
export class NluConsumerService implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger: Logger;
  private readonly consumer: EventConsumer;
  private modelLoaded = false;

  constructor(
    @Inject(APP_CONFIG) config: NluWorkerConfig,
    @Inject(NLU_TASK) private readonly task: NluTask,
    kafka: KafkaRuntime,
    readiness: ReadinessService,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.logger = new Logger(`nlu:${task.name}`);
    readiness.register('model', () => this.modelLoaded);
    const labels = { task: task.name };
    const latency = new Histogram({
      name: 'nlu_inference_seconds',
      help: 'Model time per batch',
      labelNames: ['task'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    });
    const batchSize = new Histogram({
      name: 'nlu_batch_size',
      help: 'Messages per model call',
      labelNames: ['task'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128],
      registers: [registry],
    });
    const skipped = new Counter({
      name: 'nlu_skipped_deadline_total',
      help: 'Messages skipped because their deadline had passed',
      labelNames: ['task'],
      registers: [registry],
    });
    this.consumer = startMessageBatchWorker<ScoredLabel[]>(kafka, {
      name: `nlu:${task.name}`,
      groupId: `nlu-${task.name}`,
      batchMaxSize: config.BATCH_MAX_SIZE,
      batchMaxDelayMs: config.BATCH_MAX_DELAY_MS,
      concurrency: config.CONSUMER_CONCURRENCY,
      run: (texts) => task.predict(texts),
      toEvent: (message, outcome) => this.result(message, outcome),
      onSkipped: (count) => skipped.inc(labels, count),
      onBatch: (size, ms) => {
        batchSize.observe(labels, size);
        latency.observe(labels, ms / 1000);
      },
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

  private result(message: MessageEvent, outcome: WorkOutcome<ScoredLabel[]>) {
    const meta = message.event.meta!;
    return {
      topic: Topic.nluResults,
      schema: NluResultSchema,
      key: meta.conversationId,
      deadlineAtMs: message.deadlineAtMs,
      traceId: message.traceId,
      value: {
        meta: deriveMeta(meta),
        task: this.task.name,
        labels: outcome.status === ResultStatus.OK ? outcome.output : [],
        modelName: this.task.modelName,
        modelVersion: this.task.modelVersion,
        latencyMs: outcome.status === ResultStatus.OK ? outcome.latencyMs : 0,
        status: outcome.status,
        error: outcome.status === ResultStatus.ERROR ? outcome.error : '',
      },
    };
  }
}
