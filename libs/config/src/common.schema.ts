import { z } from 'zod';
import { csv, flag, port } from './load-config';

/** Settings every app shares: where Kafka is, how topics are named, how to authenticate. */
export const kafkaSchema = z.object({
  KAFKA_BROKERS: csv('127.0.0.1:9092'),
  KAFKA_CLIENT_ID: z.string().min(1).default('sassy-bot'),
  TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]*$/, 'only letters, digits, ".", "_" and "-"')
    .default(''),
  /** Create missing topics at start-up (off where a platform team owns topics, e.g. Strimzi KafkaTopic). */
  KAFKA_PROVISION_TOPICS: flag(true),
  KAFKA_SSL: flag(false),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
  /**
   * How long a silent member keeps its partitions. A crashed replica's conversations wait this long
   * for another one, so it is short; heartbeats go every 3 s, also during model calls.
   */
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(10_000),
});

export type KafkaConfig = z.infer<typeof kafkaSchema>;

/** The HTTP port every app serves /healthz, /readyz and /metrics on. */
export const httpSchema = (defaultPort: number) =>
  z.object({
    PORT: port(defaultPort),
    HOST: z.string().default('0.0.0.0'),
  });

export const logSchema = z.object({
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
});

/** Micro-batching for model workers on chat.messages (NLU tasks and generators). */
export const batchWorkerSchema = z.object({
  /** At most this many messages per model call... */
  BATCH_MAX_SIZE: z.coerce.number().int().min(1).max(1024).default(32),
  /** The fetch wait; unset = the model manifest's (see maxQueueDelayMs there). */
  BATCH_MAX_DELAY_MS: z.coerce.number().int().min(0).max(1000).default(100),
  /**
   * Partitions worked on at once by this replica; their messages share one model call at a time
   * (ModelBatcher). 4 answered sooner than 1 or 12 in `npm run bench` (docs/benchmarks.md).
   */
  CONSUMER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Fault injection for tests and drills: sleep this long before every model call (0 = off). */
  FAULT_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
});

/** ONNX Runtime for model workers. */
export const ortSchema = z.object({
  /** Execution provider: cpu everywhere, cuda on GPU nodes (needs the CUDA build of onnxruntime-node). */
  ORT_PROVIDER: z.enum(['cpu', 'cuda']).default('cpu'),
  /**
   * Off: a model that cannot open on cuda runs on the CPU (logged, and `used` in the
   * *_execution_provider_info metric). On: it stops the start instead (GPU deployments).
   */
  ORT_PROVIDER_REQUIRED: flag(false),
  /** Threads per ONNX operator; 1 suits many workers sharing a node's cores, 0 lets ONNX Runtime use them all. */
  ORT_INTRA_OP_THREADS: z.coerce.number().int().min(0).max(64).default(1),
});
