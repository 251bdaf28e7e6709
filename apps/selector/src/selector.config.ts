import { z } from 'zod';
import { csv, httpSchema, kafkaSchema, logSchema } from '@app/config';
import { NLU_TASKS } from '@app/contracts';

export const selectorConfigSchema = kafkaSchema
  .extend(httpSchema(3200).shape)
  .extend(logSchema.shape)
  .extend({
    /** NLU tasks whose results the merge waits for (it closes early once all are in). */
    SELECTOR_EXPECTED_TASKS: csv(NLU_TASKS.join(',')),
    /** Generators whose candidates the merge waits for. */
    SELECTOR_EXPECTED_GENERATORS: csv(''),
    /** The merge closes this long before the deadline so the reply reaches the client in time. */
    SELECTOR_MARGIN_MS: z.coerce.number().int().min(0).max(5000).default(60),
    /** Turns of each conversation kept in its state (and so in chat.conversations for the generators). */
    SELECTOR_HISTORY_TURNS: z.coerce.number().int().min(1).max(100).default(8),
  });

export type SelectorConfig = z.infer<typeof selectorConfigSchema>;
