import { z } from 'zod';
import { batchWorkerSchema, httpSchema, kafkaSchema, logSchema, ortSchema } from '@app/config';
import { GENERATOR_NAMES } from './generators/generator-registry';

export const generatorWorkerConfigSchema = kafkaSchema
  .extend(httpSchema(3400).shape)
  .extend(logSchema.shape)
  .extend(batchWorkerSchema.shape)
  .extend(ortSchema.shape)
  .extend({
    /** Which generator this deployment runs; each generator is its own consumer group. */
    GENERATOR: z.enum(GENERATOR_NAMES),
  });

export type GeneratorWorkerConfig = z.infer<typeof generatorWorkerConfigSchema>;
