import { z } from 'zod';
import { httpSchema, kafkaSchema, logSchema } from '@app/config';
import { TASK_NAMES } from './tasks/task-registry';

export const nluWorkerConfigSchema = kafkaSchema
  .extend(httpSchema(3100).shape)
  .extend(logSchema.shape)
  .extend({
    /** Which NLU task this deployment runs; each task is its own consumer group. */
    TASK: z.enum(TASK_NAMES),
    /** Micro-batching: at most this many messages per model call... */
    BATCH_MAX_SIZE: z.coerce.number().int().min(1).max(1024).default(32),
    /** ...collected for at most this long (the fetch wait). */
    BATCH_MAX_DELAY_MS: z.coerce.number().int().min(0).max(1000).default(5),
    /** Partitions worked on at once by this replica. */
    CONSUMER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  });

export type NluWorkerConfig = z.infer<typeof nluWorkerConfigSchema>;
