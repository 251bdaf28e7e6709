import { z } from 'zod';
import { batchWorkerSchema, httpSchema, kafkaSchema, logSchema, ortSchema } from '@app/config';

export const nluWorkerConfigSchema = kafkaSchema
  .extend(httpSchema(3100).shape)
  .extend(logSchema.shape)
  .extend(batchWorkerSchema.shape)
  .extend(ortSchema.shape)
  .extend({
    /** Which model under models/ this deployment runs (intent, emotion, …); each task is its own consumer group. */
    TASK: z.string().regex(/^[a-z][a-z0-9_]*$/, 'a model name under models/, e.g. intent'),
    /** Unset: the model manifest's batching (max batch size, max queue delay) decides. */
    BATCH_MAX_SIZE: z.coerce.number().int().min(1).max(1024).optional(),
    BATCH_MAX_DELAY_MS: z.coerce.number().int().min(0).max(1000).optional(),
  });

export type NluWorkerConfig = z.infer<typeof nluWorkerConfigSchema>;
