import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { ClickHouseClient } from '@clickhouse/client';
import { join } from 'node:path';
import { APP_CONFIG } from '@app/config';
import { applyMigrations, createClickHouse, readMigrations } from '@app/clickhouse';
import { repoRoot } from '@app/contracts';
import { ReadinessService } from '@app/metrics';
import { withBackoff } from '@app/runtime';
import type { AnalyticsSinkConfig } from './analytics-sink.config';

/** The one owner of the ClickHouse connection (and of the chdb directory when embedded). */
@Injectable()
export class ClickHouseStore implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('clickhouse');
  readonly client: ClickHouseClient;
  readonly database: string;
  private migrated = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AnalyticsSinkConfig,
    readiness: ReadinessService,
  ) {
    const { client, engine } = createClickHouse({
      url: config.CLICKHOUSE_URL,
      username: config.CLICKHOUSE_USER,
      password: config.CLICKHOUSE_PASSWORD,
      dataDir: config.CLICKHOUSE_DATA_DIR,
    });
    this.client = client;
    this.database = config.CLICKHOUSE_DATABASE;
    this.logger.log(
      engine === 'chdb' ? `embedded chdb in ${config.CLICKHOUSE_DATA_DIR}` : `server ${withoutPassword(config.CLICKHOUSE_URL ?? '')}`,
    );
    readiness.register('clickhouse.schema', () => this.migrated);
  }

  async onModuleInit(): Promise<void> {
    const migrations = readMigrations(join(repoRoot(), 'apps', 'analytics-sink', 'migrations'), {
      database: this.database,
      variables: { ttl_days: this.config.CLICKHOUSE_TTL_DAYS },
    });
    const applied = await withBackoff('ClickHouse', () => applyMigrations(this.client, migrations, this.database), {
      log: (line) => this.logger.warn(line),
    });
    if (applied.length > 0) this.logger.log(`applied migrations ${applied.join(', ')}`);
    this.migrated = true;
  }

  table(name: string): string {
    return `${this.database}.${name}`;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}

/** A URL as it may be logged: its password masked. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparseable URL)';
  }
}
