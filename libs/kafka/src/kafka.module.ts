import { Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { APP_CONFIG, type KafkaConfig } from '@app/config';
import { TopicNames, topicSpecs } from '@app/contracts';
import { METRICS_REGISTRY, ReadinessService } from '@app/metrics';
import { withBackoff } from '@app/runtime';
import { EventConsumer, type EventConsumerOptions } from './event-consumer';
import { EventProducer } from './event-producer';
import { createKafkaClient } from './kafka-client.factory';
import { ensureTopics } from './topic-provisioner';

export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');

/** Kafka for an app: the client, topic provisioning at start, one producer, and consumers on demand. */
@Injectable()
export class KafkaRuntime implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('kafka');
  private readonly consumers: EventConsumer[] = [];
  private topicsReady = false;

  constructor(
    @Inject(KAFKA_CLIENT) readonly kafka: Kafka,
    @Inject(APP_CONFIG) private readonly config: KafkaConfig,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    readonly names: TopicNames,
    readonly producer: EventProducer,
    private readonly readiness: ReadinessService,
  ) {
    readiness.register('kafka.topics', () => this.topicsReady);
    // Not ready while output that must get through is failing: the app holds its input meanwhile.
    readiness.register('kafka.producer', () => this.producer.isConnected && !this.producer.failing);
  }

  async onModuleInit(): Promise<void> {
    const log = (line: string) => this.logger.warn(line);
    if (this.config.KAFKA_PROVISION_TOPICS) {
      await withBackoff(
        'Kafka',
        async () => {
          const admin = this.kafka.admin();
          await admin.connect();
          try {
            const report = await ensureTopics(admin, this.names, topicSpecs());
            if (report.created.length > 0) this.logger.log(`created topics: ${report.created.join(', ')}`);
          } finally {
            await admin.disconnect();
          }
        },
        { log },
      );
    }
    this.topicsReady = true;
    await withBackoff('Kafka producer', () => this.producer.connect(), { log });
  }

  /** Creates a consumer that is part of this app's readiness and is stopped on shutdown. */
  consumer(options: EventConsumerOptions): EventConsumer {
    const consumer = new EventConsumer(
      this.kafka,
      this.names,
      this.producer,
      { sessionTimeoutMs: this.config.KAFKA_SESSION_TIMEOUT_MS, ...options, groupId: this.names.group(options.groupId) },
      this.registry,
    );
    this.readiness.register(`kafka.consumer.${options.groupId}`, () => consumer.ready);
    this.consumers.push(consumer);
    return consumer;
  }

  async onApplicationShutdown(): Promise<void> {
    // Consumers first, so in-flight batches finish and commit before the producer goes.
    await Promise.allSettled(this.consumers.map((consumer) => consumer.stop()));
    await this.producer.disconnect().catch(() => undefined);
  }
}

@Global()
@Module({
  providers: [
    {
      provide: KAFKA_CLIENT,
      inject: [APP_CONFIG],
      useFactory: (config: KafkaConfig) => createKafkaClient(config),
    },
    { provide: TopicNames, inject: [APP_CONFIG], useFactory: (config: KafkaConfig) => new TopicNames(config.TOPIC_PREFIX) },
    {
      provide: EventProducer,
      inject: [KAFKA_CLIENT, TopicNames],
      useFactory: (kafka: Kafka, names: TopicNames) => new EventProducer(kafka, names),
    },
    KafkaRuntime,
  ],
  exports: [KafkaRuntime, TopicNames, EventProducer],
})
export class KafkaModule {}
