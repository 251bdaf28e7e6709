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
    /**
     * A conversation not written for this long (default 24 h) is forgotten and tombstoned on chat.conversations (so
     * the generators and a restarting selector forget it too); its next message starts afresh.
     * 0 = never: the state then grows by ~8.5 KB of heap per conversation, for ever.
     */
    SELECTOR_STATE_IDLE_MS: z.coerce.number().int().min(0).default(86_400_000), // 24 h
    /**
     * A contributor whose p95 answer time exceeds this share of each message's time (acceptance to
     * the merge's close) stops being waited for (circuit breaker): 0.9 = "nearly missing its deadline".
     */
    SELECTOR_BREAKER_BUDGET: z.coerce.number().gt(0).max(10).default(0.9),
    /**
     * How long an open breaker waits before one message probes the contributor again. Short: while
     * the NLU tasks' breakers are open every reply is a fallback.
     */
    SELECTOR_BREAKER_COOLDOWN_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
    /**
     * Fault injection for drills and the fault run (`npm run chaos -- --inject …`), never in
     * production: every FAULT_REPLY_EVERY-th answer is published twice (`double`) or dropped while
     * its offset is released (`drop`). `off` (the default) leaves answers alone.
     */
    FAULT_REPLY: z.enum(['off', 'double', 'drop']).default('off'),
    FAULT_REPLY_EVERY: z.coerce.number().int().min(1).max(1_000_000).default(20),
    /** The zone of {time}, {date} and {weekday} in canned lines. */
    SELECTOR_TIME_ZONE: z
      .string()
      .default('UTC')
      .refine((zone) => {
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: zone });
          return true;
        } catch {
          return false;
        }
      }, 'not an IANA time zone'),
  });

export type SelectorConfig = z.infer<typeof selectorConfigSchema>;
