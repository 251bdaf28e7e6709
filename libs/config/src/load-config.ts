import { z } from 'zod';

/** Thrown at start-up when the environment does not satisfy an app's schema. */
export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n  - ${issues.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment against a schema; a bad setting stops start-up with every problem listed. */
export function loadConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined> = process.env): z.infer<S> {
  // A variable set to blank means "not set": otherwise `PORT=` would coerce to 0, a random port.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`));
  }
  return parsed.data;
}

/**
 * A comma-separated env value as a trimmed, non-empty list. A blank value means "not set" (the
 * fallback), so an empty list is written `none`.
 */
export const csv = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) =>
      value.trim().toLowerCase() === 'none'
        ? []
        : value
            .split(',')
            .map((item) => item.trim())
            .filter((item) => item.length > 0),
    );

/** A TCP port; 0 lets the OS pick (tests). */
export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** "true"/"1"/"yes" → true; anything else → false. */
export const flag = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((value) => (value === undefined ? fallback : ['1', 'true', 'yes', 'on'].includes(value.toLowerCase())));

const LOG_ORDER = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevel = (typeof LOG_ORDER)[number];

/** Nest logger levels up to and including the configured one. */
export function nestLogLevels(level: LogLevel): LogLevel[] {
  return LOG_ORDER.slice(0, LOG_ORDER.indexOf(level) + 1);
}
