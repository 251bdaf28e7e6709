import { z } from 'zod';
import { httpSchema, kafkaSchema, logSchema } from '@app/config';
import { GENERATOR_NAMES } from './generators/generator-registry';

export const generatorWorkerConfigSchema = kafkaSchema
  .extend(httpSchema(3400).shape)
  .extend(logSchema.shape)
  .extend({
    /** Which generator this deployment runs; each generator is its own consumer group. */
    GENERATOR: z.enum(GENERATOR_NAMES),
    BATCH_MAX_SIZE: z.coerce.number().int().min(1).max(1024).default(32),
    BATCH_MAX_DELAY_MS: z.coerce.number().int().min(0).max(1000).default(5),
    CONSUMER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  });

export type GeneratorWorkerConfig = z.infer<typeof generatorWorkerConfigSchema>;
