import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { Counter, Histogram, type Registry } from 'prom-client';
import { APP_CONFIG } from '@app/config';
import { CandidateSchema, ResultStatus, Topic, deriveMeta } from '@app/contracts';
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
import type { GeneratorWorkerConfig } from './generator-worker.config';
import type { ReplyGenerator } from './generators/reply-generator';
import { REPLY_GENERATOR } from './reply-generator.token';

type MessageEvent = ConsumedEvent<typeof Topic.messages>;

/** Reads chat.messages in the generator's own consumer group and publishes chat.candidates. */
@Injectable()
export class GeneratorConsumerService implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger: Logger;
  private readonly consumer: EventConsumer;
  private loaded = false;
  private readonly latency: Histogram;
  private readonly skipped: Counter;

  constructor(
    @Inject(APP_CONFIG) private readonly config: GeneratorWorkerConfig,
    @Inject(REPLY_GENERATOR) private readonly generator: ReplyGenerator,
    private readonly producer: EventProducer,
    kafka: KafkaRuntime,
    readiness: ReadinessService,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.logger = new Logger(`generator:${generator.name}`);
    readiness.register('generator', () => this.loaded);
    this.latency = new Histogram({
      name: 'generator_seconds',
      help: 'Generator time per batch',
      labelNames: ['generator'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2],
      registers: [registry],
    });
    this.skipped = new Counter({
      name: 'generator_skipped_deadline_total',
      help: 'Messages skipped because their deadline had passed',
      labelNames: ['generator'],
      registers: [registry],
    });
    this.consumer = kafka.consumer({
      groupId: `gen-${generator.name}`,
      topics: [Topic.messages],
      fromBeginning: true,
      maxWaitTimeInMs: config.BATCH_MAX_DELAY_MS,
      partitionsConsumedConcurrently: config.CONSUMER_CONCURRENCY,
      handle: (events, heartbeat) => this.process(events as MessageEvent[], heartbeat),
    });
  }

  async onModuleInit(): Promise<void> {
    await this.generator.load();
    this.loaded = true;
    this.logger.log(`${this.generator.name}@${this.generator.modelVersion} loaded`);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }

  private async process(events: MessageEvent[], heartbeat: () => Promise<void>): Promise<void> {
    const { live, late } = splitByDeadline(events);
    const out = late.map((e) => this.candidate(e, ResultStatus.SKIPPED_DEADLINE, '', 0, 0));
    if (late.length > 0) this.skipped.inc({ generator: this.generator.name }, late.length);
    for (const batch of chunks(live, this.config.BATCH_MAX_SIZE)) {
      const began = performance.now();
      try {
        const replies = await this.generator.generate(batch.map((e) => e.event.text));
        const latencyMs = Math.round(performance.now() - began);
        this.latency.observe({ generator: this.generator.name }, latencyMs / 1000);
        batch.forEach((e, i) => out.push(this.candidate(e, ResultStatus.OK, replies[i].text, replies[i].score, latencyMs)));
      } catch (error) {
        this.logger.error(`generate failed for ${batch.length} messages: ${(error as Error).message}`);
        batch.forEach((e) => out.push(this.candidate(e, ResultStatus.ERROR, '', 0, 0, (error as Error).message)));
      }
      await heartbeat();
    }
    await this.producer.send(out);
  }

  private candidate(
    consumed: MessageEvent,
    status: ResultStatus,
    text: string,
    score: number,
    latencyMs: number,
    error = '',
  ): OutgoingEvent<typeof CandidateSchema> {
    const meta = consumed.event.meta!;
    return {
      topic: Topic.candidates,
      schema: CandidateSchema,
      key: meta.conversationId,
      deadlineAtMs: consumed.deadlineAtMs,
      traceId: consumed.traceId,
      value: {
        meta: deriveMeta(meta),
        generator: this.generator.name,
        text,
        score,
        latencyMs,
        modelVersion: this.generator.modelVersion,
        status,
        error,
      },
    };
  }
}
