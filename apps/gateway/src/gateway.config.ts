import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { csv, httpSchema, kafkaSchema, logSchema, port } from '@app/config';

export const gatewayConfigSchema = kafkaSchema
  .extend(httpSchema(3000).shape)
  .extend(logSchema.shape)
  .extend({
    GRPC_PORT: port(50051),
    /** Identifies this gateway's reply consumer group; replies carry it in reply_to. */
    GATEWAY_INSTANCE_ID: z
      .string()
      .regex(/^[a-zA-Z0-9._-]+$/)
      .default(`${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`),
    DEFAULT_DEADLINE_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
    MAX_DEADLINE_MS: z.coerce.number().int().min(50).max(120_000).default(10_000),
    /** How long past the deadline the gateway waits for the selector before answering on its own. */
    REPLY_GRACE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
    MAX_TEXT_CHARS: z.coerce.number().int().min(1).max(100_000).default(2000),
    MAX_BODY_BYTES: z.coerce.number().int().min(256).max(10_000_000).default(16_384),
    /** Requests waiting for a reply above which new ones are refused with 503 + Retry-After. */
    MAX_PENDING_REPLIES: z.coerce.number().int().min(1).default(10_000),
    /** The share of MAX_PENDING_REPLIES one API key may hold, so one client cannot starve the others (not with sign-in off). */
    MAX_PENDING_KEY_SHARE: z.coerce.number().gt(0).max(1).default(0.5),
    /** How long, and for how many messages, a clientMessageId's result is kept for retries. */
    IDEMPOTENCY_TTL_MS: z.coerce.number().int().min(0).max(86_400_000).default(600_000),
    IDEMPOTENCY_MAX_ENTRIES: z.coerce.number().int().min(0).max(10_000_000).default(100_000),
    /** Clients need an API key unless this is `off` (the local start command turns it off). */
    GATEWAY_AUTH: z.enum(['api-key', 'off']).default('api-key'),
    /** `name:secret` pairs, comma-separated (from a Secret in Kubernetes); secrets of 16+ characters. */
    GATEWAY_API_KEYS: csv(''),
    /** Accepted messages per second, and the burst, per user and per API key. */
    RATE_LIMIT_USER_PER_SECOND: z.coerce.number().positive().default(2),
    RATE_LIMIT_USER_BURST: z.coerce.number().int().min(1).default(20),
    RATE_LIMIT_KEY_PER_SECOND: z.coerce.number().positive().default(500),
    RATE_LIMIT_KEY_BURST: z.coerce.number().int().min(1).default(1000),
  })
  .refine((c) => c.GATEWAY_AUTH === 'off' || c.GATEWAY_API_KEYS.length > 0, {
    message: 'GATEWAY_AUTH=api-key needs GATEWAY_API_KEYS (name:secret,...), or set GATEWAY_AUTH=off',
    path: ['GATEWAY_API_KEYS'],
  });

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
