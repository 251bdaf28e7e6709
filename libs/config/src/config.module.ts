import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { z } from 'zod';
import { loadConfig } from './load-config';

/** Injection token for an app's parsed, validated configuration object. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/**
 * Validates the environment once at start-up (Nest's ConfigModule + a zod schema) and
 * provides the typed result under APP_CONFIG.
 */
@Module({})
export class AppConfigModule {
  static forRoot<S extends z.ZodType>(schema: S): DynamicModule {
    return {
      module: AppConfigModule,
      global: true,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, validate: (env) => loadConfig(schema, env) as Record<string, unknown> })],
      providers: [{ provide: APP_CONFIG, useFactory: () => loadConfig(schema) }],
      exports: [APP_CONFIG],
    };
  }
}
