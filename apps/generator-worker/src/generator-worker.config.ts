import { z } from 'zod';
import { batchWorkerSchema, flag, httpSchema, kafkaSchema, logSchema, ortSchema } from '@app/config';
import { GENERATOR_NAMES } from './generators/generator-names';

export const generatorWorkerConfigSchema = kafkaSchema
  .extend(httpSchema(3400).shape)
  .extend(logSchema.shape)
  .extend(batchWorkerSchema.shape)
  .extend(ortSchema.shape)
  .extend({
    /** Which generator this deployment runs; each generator is its own consumer group. */
    GENERATOR: z.enum(GENERATOR_NAMES),
    /** Unset: the model manifest's batching decides (for the LLM, its parallel sequences). */
    BATCH_MAX_SIZE: z.coerce.number().int().min(1).max(1024).optional(),
    BATCH_MAX_DELAY_MS: z.coerce.number().int().min(0).max(1000).optional(),
    /** Past exchanges of the conversation each generator sees (from chat.conversations). */
    GENERATOR_HISTORY_TURNS: z.coerce.number().int().min(0).max(20).default(3),
    /** LLM sampling. */
    LLM_MAX_TOKENS: z.coerce.number().int().min(1).max(512).default(48),
    LLM_TEMPERATURE: z.coerce.number().min(0).max(2).default(0.7),
    LLM_TOP_P: z.coerce.number().gt(0).max(1).default(0.9),
    /** Layers offloaded to the GPU on GPU nodes (0 = CPU only; needs a GPU build of llama.cpp). */
    LLM_GPU_LAYERS: z.coerce.number().int().min(0).max(1000).default(0),
    /**
     * Off: with no GPU build of llama.cpp that loads, the LLM runs on the CPU (logged, and `used` in
     * generator_execution_provider_info). On: that stops the start instead (GPU deployments).
     */
    LLM_GPU_REQUIRED: flag(false),
    /** llama.cpp threads; 0 = one per core it finds. */
    LLM_THREADS: z.coerce.number().int().min(0).max(64).default(0),
    /** Generation stops this long before a message's deadline, so the candidate still reaches the selector. */
    LLM_DEADLINE_MARGIN_MS: z.coerce.number().int().min(0).max(5000).default(120),
    /** User text past this many characters is cut before it reaches the LLM (its context is small). */
    LLM_MAX_INPUT_CHARS: z.coerce.number().int().min(20).max(20_000).default(600),
  })
  .refine((c) => !c.LLM_GPU_REQUIRED || c.LLM_GPU_LAYERS > 0, {
    message: 'LLM_GPU_REQUIRED=true needs LLM_GPU_LAYERS > 0 (layers to put on the GPU)',
    path: ['LLM_GPU_LAYERS'],
  });

export type GeneratorWorkerConfig = z.infer<typeof generatorWorkerConfigSchema>;
