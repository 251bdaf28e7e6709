import { z } from 'zod';
import { csv, httpSchema, kafkaSchema, logSchema } from '@app/config';

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
    /** The dashboard and the analytics API need a sign-in unless this is `off` (the local start command). */
    ANALYTICS_AUTH: z.enum(['basic', 'off']).default('basic'),
    /** `user:password` pairs, comma-separated (from a Secret in Kubernetes); passwords of 16+ characters. */
    ANALYTICS_USERS: csv(''),
  })
  .refine((c) => c.ANALYTICS_AUTH === 'off' || c.ANALYTICS_USERS.length > 0, {
    message: 'ANALYTICS_AUTH=basic needs ANALYTICS_USERS (user:password,...), or set ANALYTICS_AUTH=off',
    path: ['ANALYTICS_USERS'],
  });

export type AnalyticsSinkConfig = z.infer<typeof analyticsSinkConfigSchema>;
