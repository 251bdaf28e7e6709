import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { APP_CONFIG } from '@app/config';
import { CandidateSchema, ResultStatus, Topic, deriveMeta } from '@app/contracts';
import { ConversationStore, recentHistory, resolvePronouns } from '@app/dialogue-state';
import { KafkaRuntime, startMessageBatchWorker, type EventConsumer, type MessageEvent, type WorkOutcome } from '@app/kafka';
import { METRICS_REGISTRY, ReadinessService } from '@app/metrics';
import { logProviderUse } from '@app/models';
import type { GeneratorWorkerConfig } from './generator-worker.config';
import type { GeneratedReply, ReplyGenerator } from './generators/reply-generator';
import { REPLY_GENERATOR } from './reply-generator.token';

/** Runs one generator on chat.messages in its own consumer group and publishes chat.candidates. */
@Injectable()
export class GeneratorConsumerService implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger: Logger;
  private readonly consumer: EventConsumer;
  private readonly provider: Gauge<'generator' | 'model' | 'configured' | 'used'>;
  private loaded = false;
  /** The last turns of the conversations on this replica's partitions, followed from chat.conversations. */
  private readonly conversations = new ConversationStore();

  constructor(
    @Inject(APP_CONFIG) config: GeneratorWorkerConfig,
    @Inject(REPLY_GENERATOR) private readonly generator: ReplyGenerator,
    kafka: KafkaRuntime,
    readiness: ReadinessService,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.logger = new Logger(`generator:${generator.name}`);
    readiness.register('generator', () => this.loaded);
    const labels = { generator: generator.name };
    const latency = new Histogram({
      name: 'generator_seconds',
      help: 'Generator time per batch',
      labelNames: ['generator'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2],
      registers: [registry],
    });
    const batchSize = new Histogram({
      name: 'generator_batch_size',
      help: 'Messages per generator call',
      labelNames: ['generator'],
      buckets: [1, 2, 4, 8, 16, 32, 64],
      registers: [registry],
    });
    const modelCpu = new Counter({
      name: 'generator_model_cpu_seconds_total',
      help: 'CPU time of this process during generator calls (the compute the pipeline exists for)',
      labelNames: ['generator'],
      registers: [registry],
    });
    const skipped = new Counter({
      name: 'generator_skipped_deadline_total',
      help: 'Messages skipped because their deadline had passed or came during generation',
      labelNames: ['generator'],
      registers: [registry],
    });
    this.provider = new Gauge({
      name: 'generator_execution_provider_info',
      help: 'Where each model of the generator runs: as configured (ORT_PROVIDER; gpu when LLM_GPU_LAYERS > 0) and as loaded; always 1',
      labelNames: ['generator', 'model', 'configured', 'used'],
      registers: [registry],
    });
    this.consumer = startMessageBatchWorker<GeneratedReply>(kafka, {
      name: `generator:${generator.name}`,
      groupId: `gen-${generator.name}`,
      batchMaxSize: config.BATCH_MAX_SIZE ?? generator.batching.maxBatchSize,
      batchMaxDelayMs: config.BATCH_MAX_DELAY_MS ?? generator.batching.maxQueueDelayMs,
      concurrency: config.CONSUMER_CONCURRENCY,
      faultDelayMs: config.FAULT_DELAY_MS,
      run: (messages) =>
        generator.generate(
          messages.map((message) => {
            const state = this.conversations.get(message.key);
            const resolved = resolvePronouns(message.event.text, state?.mentions ?? []);
            return {
              text: message.event.text,
              deadlineAtMs: message.deadlineAtMs,
              history: recentHistory(state, config.GENERATOR_HISTORY_TURNS),
              resolvedText: resolved.resolved.length > 0 ? resolved.text : undefined,
            };
          }),
        ),
      changelog: {
        topic: Topic.conversations,
        apply: (records) => {
          // A tombstone (the selector expired the conversation) forgets it here too.
          for (const record of records)
            if (record.topic === Topic.conversations) this.conversations.applyRecord(record.partition, record.key, record.event);
        },
        onRevoked: (partitions) => this.conversations.drop(partitions),
      },
      toEvents: (message, outcome) => [this.candidate(message, outcome)],
      onSkipped: (count) => skipped.inc(labels, count),
      onBatch: (size, ms, cpuMs) => {
        modelCpu.inc(labels, cpuMs / 1000);
        latency.observe(labels, ms / 1000);
        batchSize.observe(labels, size);
      },
    });
  }

  async onModuleInit(): Promise<void> {
    await this.generator.load();
    this.loaded = true;
    this.logger.log(`${this.generator.name}@${this.generator.modelVersion} loaded`);
    for (const use of this.generator.providers) {
      this.provider.set({ generator: this.generator.name, model: use.model, configured: use.configured, used: use.used }, 1);
      logProviderUse(this.logger, use);
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
    await this.generator.release();
  }

  private candidate(message: MessageEvent, outcome: WorkOutcome<GeneratedReply>) {
    const meta = message.event.meta!;
    const ok = outcome.status === ResultStatus.OK;
    return {
      topic: Topic.candidates,
      schema: CandidateSchema,
      key: meta.conversationId,
      deadlineAtMs: message.deadlineAtMs,
      traceId: message.traceId,
      value: {
        meta: deriveMeta(meta),
        generator: this.generator.name,
        text: ok ? outcome.output.text : '',
        score: ok ? outcome.output.score : 0,
        latencyMs: ok ? outcome.latencyMs : 0,
        modelVersion: this.generator.modelVersion,
        status: outcome.status,
        error: outcome.status === ResultStatus.ERROR ? outcome.error : '',
        origin: ok ? (outcome.output.origin ?? '') : '',
      },
    };
  }
}
