import { z } from 'zod';
import { httpSchema, kafkaSchema, logSchema } from './common.schema';
import { ConfigError, csv, flag, loadConfig, nestLogLevels, port } from './load-config';

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  const schema = z.object({
    NAME: z.string().min(1),
    SIZE: z.coerce.number().int().min(1).default(10),
    MODE: z.enum(['a', 'b']).default('a'),
  });

  it('returns the parsed environment with defaults filled in', () => {
    expect(loadConfig(schema, { NAME: 'x', SIZE: '42', UNRELATED: 'ignored' })).toEqual({ NAME: 'x', SIZE: 42, MODE: 'a' });
    expect(loadConfig(schema, { NAME: 'x' })).toEqual({ NAME: 'x', SIZE: 10, MODE: 'a' });
  });

  it('lists every problem, not just the first, each with its variable', () => {
    const error = configError(() => loadConfig(schema, { SIZE: 'abc', MODE: 'c' }));
    expect(error.name).toBe('ConfigError');
    expect(error.issues).toHaveLength(3);
    expect(error.issues.map((issue) => issue.split(':')[0]).sort()).toEqual(['MODE', 'NAME', 'SIZE']);
    for (const issue of error.issues) expect(error.message).toContain(`  - ${issue}`);
    expect(error.message.startsWith('Invalid configuration:\n  - ')).toBe(true);
  });

  it('labels problems without a path as (root)', () => {
    const error = configError(() =>
      loadConfig(
        z.object({}).refine(() => false, 'never valid'),
        {},
      ),
    );
    expect(error.issues).toEqual(['(root): never valid']);
  });

  it('reads process.env by default', () => {
    const key = 'LOAD_CONFIG_SPEC_VALUE';
    process.env[key] = 'from-env';
    try {
      expect(loadConfig(z.object({ [key]: z.string() }))).toEqual({ [key]: 'from-env' });
    } finally {
      delete process.env[key];
    }
  });

  it('lists every problem of a real app schema at once', () => {
    const appSchema = kafkaSchema.extend(httpSchema(3000).shape).extend(logSchema.shape);
    const error = configError(() =>
      loadConfig(appSchema, { PORT: '70000', LOG_LEVEL: 'loud', TOPIC_PREFIX: 'bad prefix!', KAFKA_SASL_MECHANISM: 'kerberos' }),
    );
    expect(error.issues.map((issue) => issue.split(':')[0]).sort()).toEqual(['KAFKA_SASL_MECHANISM', 'LOG_LEVEL', 'PORT', 'TOPIC_PREFIX']);
    expect(error.issues.find((i) => i.startsWith('TOPIC_PREFIX'))).toContain('only letters, digits');
  });

  it('gives a real app schema sensible defaults', () => {
    const appSchema = kafkaSchema.extend(httpSchema(3000).shape).extend(logSchema.shape);
    expect(loadConfig(appSchema, {})).toEqual({
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      KAFKA_CLIENT_ID: 'sassy-bot',
      TOPIC_PREFIX: '',
      KAFKA_PROVISION_TOPICS: true,
      KAFKA_SESSION_TIMEOUT_MS: 10_000,
      KAFKA_SSL: false,
      PORT: 3000,
      HOST: '0.0.0.0',
      LOG_LEVEL: 'log',
    });
  });
});

describe('csv', () => {
  it.each<[string | undefined, string[]]>([
    ['a,b,c', ['a', 'b', 'c']],
    [' a , b ,c ', ['a', 'b', 'c']],
    ['a,,b,', ['a', 'b']],
    ['single', ['single']],
    ['', []],
    [' , ,', []],
    ['none', []],
    [' None ', []],
  ])('parses %p as %p', (value, expected) => {
    expect(csv('fallback').parse(value)).toEqual(expected);
  });

  it('parses the fallback when the variable is unset', () => {
    expect(csv('x:1, y:2').parse(undefined)).toEqual(['x:1', 'y:2']);
    expect(csv('').parse(undefined)).toEqual([]);
  });

  it('reads a blank variable as unset (the fallback), so `none` is how an empty list is written', () => {
    const schema = z.object({ LIST: csv('a,b') });
    expect(loadConfig(schema, { LIST: '' }).LIST).toEqual(['a', 'b']);
    expect(loadConfig(schema, { LIST: 'none' }).LIST).toEqual([]);
  });

  it('refuses a non-string', () => {
    expect(csv('a').safeParse(5).success).toBe(false);
  });
});

describe('port', () => {
  it.each<[string | undefined, number]>([
    ['8080', 8080],
    ['0', 0],
    ['65535', 65535],
    [undefined, 3000],
  ])('parses %p as %p', (value, expected) => {
    expect(port(3000).parse(value)).toBe(expected);
  });

  it.each(['65536', '-1', '80.5', 'http', 'NaN'])('refuses %p', (value) => {
    expect(port(3000).safeParse(value).success).toBe(false);
  });

  // `PORT=` (set but blank, common in .env templates) must mean "unset", not port 0 (a random port).
  it('treats a blank value as unset, so the default applies', () => {
    const schema = z.object({ PORT: port(3000), GRPC_PORT: port(50051) });
    expect(loadConfig(schema, { PORT: '', GRPC_PORT: '  ' })).toEqual({ PORT: 3000, GRPC_PORT: 50051 });
  });
});

describe('flag', () => {
  it.each(['1', 'true', 'TRUE', 'True', 'yes', 'YES', 'on', 'On'])('reads %p as true', (value) => {
    expect(flag(false).parse(value)).toBe(true);
  });

  it.each(['0', 'false', 'no', 'off', '', 'enabled', ' true'])('reads %p as false', (value) => {
    expect(flag(true).parse(value)).toBe(false);
  });

  it('uses the fallback when unset', () => {
    expect(flag(true).parse(undefined)).toBe(true);
    expect(flag(false).parse(undefined)).toBe(false);
  });
});

describe('nestLogLevels', () => {
  it.each([
    ['error', ['error']],
    ['warn', ['error', 'warn']],
    ['log', ['error', 'warn', 'log']],
    ['debug', ['error', 'warn', 'log', 'debug']],
    ['verbose', ['error', 'warn', 'log', 'debug', 'verbose']],
  ] as const)('enables %s and every level above it', (level, expected) => {
    expect(nestLogLevels(level)).toEqual(expected);
  });

  it('returns a fresh array each time', () => {
    const levels = nestLogLevels('log');
    levels.push('verbose');
    expect(nestLogLevels('log')).toEqual(['error', 'warn', 'log']);
  });
});
