import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Counter, Histogram, type Registry } from 'prom-client';
import { APP_CONFIG } from '@app/config';
import { NluResultSchema, ResultStatus, Topic, deriveMeta } from '@app/contracts';
import { KafkaRuntime, startMessageBatchWorker, type EventConsumer, type MessageEvent, type WorkOutcome } from '@app/kafka';
import { METRICS_REGISTRY } from '@app/metrics';
import type { Prediction, ScoredLabel } from '@app/models';
import type { NluWorkerConfig } from './nlu-worker.config';
import { NLU_MODEL, type NluModel } from './nlu-model.provider';

/** Runs one NLU task on chat.messages in the task's own consumer group and publishes nlu.results. */
@Injectable()
export class NluConsumerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly consumer: EventConsumer;

  constructor(
    @Inject(APP_CONFIG) config: NluWorkerConfig,
    @Inject(NLU_MODEL) private readonly model: NluModel,
    kafka: KafkaRuntime,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    const task = model.classifier.task;
    const labels = { task };
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
    const { batching } = model.manifest;
    this.consumer = startMessageBatchWorker<Prediction>(kafka, {
      name: `nlu:${task}`,
      groupId: `nlu-${task}`,
      batchMaxSize: config.BATCH_MAX_SIZE ?? batching.maxBatchSize,
      batchMaxDelayMs: config.BATCH_MAX_DELAY_MS ?? batching.maxQueueDelayMs,
      concurrency: config.CONSUMER_CONCURRENCY,
      faultDelayMs: config.FAULT_DELAY_MS,
      run: (messages) => model.classifier.predict(messages.map((message) => message.event.text)),
      toEvent: (message, outcome) => this.result(message, outcome),
      onSkipped: (count) => skipped.inc(labels, count),
      onBatch: (size, ms) => {
        batchSize.observe(labels, size);
        latency.observe(labels, ms / 1000);
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  /** Finishes and publishes the batch in hand before the producer goes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
    await this.model.release();
  }

  private result(message: MessageEvent, outcome: WorkOutcome<Prediction>) {
    const meta = message.event.meta!;
    const { classifier } = this.model;
    const ok = outcome.status === ResultStatus.OK;
    return {
      topic: Topic.nluResults,
      schema: NluResultSchema,
      key: meta.conversationId,
      deadlineAtMs: message.deadlineAtMs,
      traceId: message.traceId,
      value: {
        meta: deriveMeta(meta),
        task: classifier.task,
        labels: ok ? outcome.output.labels.map(toLabel) : [],
        groups: ok ? Object.entries(outcome.output.groups).map(([name, labels]) => ({ name, labels: labels.map(toLabel) })) : [],
        modelName: classifier.modelName,
        modelVersion: classifier.modelVersion,
        latencyMs: ok ? outcome.latencyMs : 0,
        status: outcome.status,
        error: outcome.status === ResultStatus.ERROR ? outcome.error : '',
      },
    };
  }
}

function toLabel(label: ScoredLabel) {
  return { name: label.name, score: label.score, text: label.text ?? '' };
}
