import { z } from 'zod';
import { httpSchema, kafkaSchema, logSchema } from '@app/config';

export const analyticsSinkConfigSchema = kafkaSchema
  .extend(httpSchema(3300).shape)
  .extend(logSchema.shape)
  .extend({
    /** A ClickHouse server (http://host:8123); unset = embedded chdb in CLICKHOUSE_DATA_DIR. */
    CLICKHOUSE_URL: z.string().url().optional(),
    CLICKHOUSE_USER: z.string().optional(),
    CLICKHOUSE_PASSWORD: z.string().optional(),
    CLICKHOUSE_DATA_DIR: z.string().default('.data/chdb'),
    CLICKHOUSE_DATABASE: z
      .string()
      .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/)
      .default('sassy'),
    CLICKHOUSE_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    /** A batch is written when it holds this many rows... */
    SINK_BATCH_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(5000),
    /** ...or when its oldest row has waited this long. */
    SINK_FLUSH_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  });

export type AnalyticsSinkConfig = z.infer<typeof analyticsSinkConfigSchema>;
