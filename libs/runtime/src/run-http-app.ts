import 'reflect-metadata';
import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { z } from 'zod';
import { loadConfig, nestLogLevels, type LogLevel } from '@app/config';
import { exitWithParent } from './exit-with-parent';

interface HttpAppConfig {
  PORT: number;
  HOST: string;
  LOG_LEVEL: LogLevel;
}

/**
 * Starts a worker app: config validated first (a bad setting stops here with a clear message),
 * then the Nest module, its /healthz /readyz /metrics server, and shutdown hooks for SIGTERM.
 */
export async function runHttpApp(name: string, module: Type<unknown>, schema: z.ZodType<HttpAppConfig>): Promise<INestApplication> {
  try {
    const config = loadConfig(schema);
    const app = await NestFactory.create(module, { logger: nestLogLevels(config.LOG_LEVEL) });
    app.enableShutdownHooks();
    await app.listen(config.PORT, config.HOST);
    exitWithParent(app);
    return app;
  } catch (error) {
    console.error(`${name} failed to start: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  }
}
