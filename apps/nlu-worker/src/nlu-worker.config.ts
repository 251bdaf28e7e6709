import { z } from 'zod';
import { batchWorkerSchema, httpSchema, kafkaSchema, logSchema } from '@app/config';
import { TASK_NAMES } from './tasks/task-registry';

export const nluWorkerConfigSchema = kafkaSchema
  .extend(httpSchema(3100).shape)
  .extend(logSchema.shape)
  .extend(batchWorkerSchema.shape)
  .extend({
    /** Which NLU task this deployment runs; each task is its own consumer group. */
    TASK: z.enum(TASK_NAMES),
  });

export type NluWorkerConfig = z.infer<typeof nluWorkerConfigSchema>;
