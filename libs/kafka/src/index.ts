export * from './kafka.module';
export * from './kafka-client.factory';
export * from './event-producer';
export * from './event-consumer';
export * from './co-partitioned-assigner';
export * from './topic-provisioner';
export * from './deadline-batches';
export * from './message-batch-worker';
