import { z } from 'zod';
import { batchWorkerSchema, csv, httpSchema, kafkaSchema, logSchema, ortSchema } from '@app/config';

const taskName = z.string().regex(/^[a-z][a-z0-9_]*$/, 'a model name under models/, e.g. intent');

export const nluWorkerConfigSchema = kafkaSchema
  .extend(httpSchema(3100).shape)
  .extend(logSchema.shape)
  .extend(batchWorkerSchema.shape)
  .extend(ortSchema.shape)
  .extend({
    /**
     * The models under models/ this deployment serves, e.g. `intent` (one task per deployment) or
     * `intent,emotion,sentiment` (one encoder pass feeding every head). The set is one consumer group.
     */
    NLU_TASKS: csv('')
      .pipe(z.array(taskName).min(1, 'name at least one task'))
      .refine((tasks) => new Set(tasks).size === tasks.length, 'a task is named twice'),
    /** Unset: the model manifests' batching (the smallest max batch size and queue delay) decides. */
    BATCH_MAX_SIZE: z.coerce.number().int().min(1).max(1024).optional(),
    BATCH_MAX_DELAY_MS: z.coerce.number().int().min(0).max(1000).optional(),
  });

export type NluWorkerConfig = z.infer<typeof nluWorkerConfigSchema>;

/** The consumer group of a task set: `nlu-intent` for one task, `nlu-intent+emotion` for two. */
export function nluGroupId(tasks: string[]): string {
  return `nlu-${tasks.join('+')}`;
}
