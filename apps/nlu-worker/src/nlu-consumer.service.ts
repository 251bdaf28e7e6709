import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { APP_CONFIG } from '@app/config';
import { NluResultSchema, ResultStatus, Topic, deriveMeta } from '@app/contracts';
import { KafkaRuntime, startMessageBatchWorker, type EventConsumer, type MessageEvent, type WorkOutcome } from '@app/kafka';
import { METRICS_REGISTRY } from '@app/metrics';
import type { Prediction, ScoredLabel, TextClassifier } from '@app/models';
import { nluGroupId, type NluWorkerConfig } from './nlu-worker.config';
import { NLU_MODELS, type NluModels } from './nlu-model.provider';

/**
 * Runs this deployment's NLU tasks on chat.messages in the task set's own consumer group and
 * publishes one nlu.results record per task and message.
 */
@Injectable()
export class NluConsumerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly consumer: EventConsumer;

  constructor(
    @Inject(APP_CONFIG) config: NluWorkerConfig,
    @Inject(NLU_MODELS) private readonly models: NluModels,
    kafka: KafkaRuntime,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    const { group, manifests } = models;
    // One label for the set: a shared encoder pass cannot be split between its tasks.
    const labels = { task: group.tasks.join('+') };
    const latency = new Histogram({
      name: 'nlu_inference_seconds',
      help: 'Model time per batch (every task this deployment serves)',
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
    const modelCpu = new Counter({
      name: 'nlu_model_cpu_seconds_total',
      help: 'CPU time of this process during model calls (the compute the pipeline exists for)',
      labelNames: ['task'],
      registers: [registry],
    });
    const skipped = new Counter({
      name: 'nlu_skipped_deadline_total',
      help: 'Messages skipped because their deadline had passed',
      labelNames: ['task'],
      registers: [registry],
    });
    const provider = new Gauge({
      name: 'nlu_execution_provider_info',
      help: 'ONNX Runtime execution provider of each task: as configured (ORT_PROVIDER) and as loaded; always 1',
      labelNames: ['task', 'model', 'configured', 'used'],
      registers: [registry],
    });
    for (const { task, model, configured, used } of models.providers) provider.set({ task, model, configured, used }, 1);
    this.consumer = startMessageBatchWorker<Prediction[]>(kafka, {
      name: `nlu:${labels.task}`,
      groupId: nluGroupId(group.tasks),
      batchMaxSize: config.BATCH_MAX_SIZE ?? Math.min(...manifests.map((m) => m.batching.maxBatchSize)),
      batchMaxDelayMs: config.BATCH_MAX_DELAY_MS ?? Math.min(...manifests.map((m) => m.batching.maxQueueDelayMs)),
      concurrency: config.CONSUMER_CONCURRENCY,
      faultDelayMs: config.FAULT_DELAY_MS,
      run: async (messages) => {
        const byTask = await group.predict(messages.map((message) => message.event.text));
        return messages.map((_, i) => byTask.map((predictions) => predictions[i]));
      },
      toEvents: (message, outcome) => group.classifiers.map((classifier, t) => result(classifier, message, pick(outcome, t))),
      onSkipped: (count) => skipped.inc(labels, count),
      onBatch: (size, ms, cpuMs) => {
        modelCpu.inc(labels, cpuMs / 1000);
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
    await this.models.release();
  }
}

/** Task t's share of a message's outcome. */
function pick(outcome: WorkOutcome<Prediction[]>, t: number): WorkOutcome<Prediction> {
  return outcome.status === ResultStatus.OK ? { ...outcome, output: outcome.output[t] } : outcome;
}

function result(classifier: TextClassifier, message: MessageEvent, outcome: WorkOutcome<Prediction>) {
  const meta = message.event.meta!;
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

function toLabel(label: ScoredLabel) {
  return { name: label.name, score: label.score, text: label.text ?? '' };
}
