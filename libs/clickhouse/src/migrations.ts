import type { ClickHouseClient } from '@clickhouse/client';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

export interface MigrationSettings {
  database: string;
  /** Values for {placeholders} in the SQL besides {database}. */
  variables?: Record<string, string | number>;
}

const FILE_PATTERN = /^(\d{3,})_([a-z0-9_]+)\.sql$/;

/** Reads NNN_name.sql files in version order; statements are separated by a line ending in ';'. */
export function readMigrations(dir: string, settings: MigrationSettings): Migration[] {
  const variables: Record<string, string | number> = { ...settings.variables, database: settings.database };
  return readdirSync(dir)
    .map((file) => ({ file, match: FILE_PATTERN.exec(file) }))
    .filter((entry): entry is { file: string; match: RegExpExecArray } => entry.match !== null)
    .map(({ file, match }) => ({
      version: Number(match[1]),
      name: match[2],
      statements: splitStatements(substitute(readFileSync(join(dir, file), 'utf8'), variables)),
    }))
    .sort((a, b) => a.version - b.version);
}

export function substitute(sql: string, variables: Record<string, string | number>): string {
  return sql.replace(/\{([a-z_]+)\}/g, (whole, name: string) => {
    if (!Object.hasOwn(variables, name)) throw new Error(`migration uses {${name}}, which has no value`);
    return String(variables[name]);
  });
}

export function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((statement) =>
      statement
        .split('\n')
        .filter((line) => !line.trim().startsWith('--'))
        .join('\n')
        .trim(),
    )
    .filter((statement) => statement.length > 0);
}

/** Applies the migrations not yet recorded in {database}.schema_migrations; returns the versions applied. */
export async function applyMigrations(client: ClickHouseClient, migrations: Migration[], database: string): Promise<number[]> {
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${database}.schema_migrations (version UInt32, name String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)) ENGINE = ReplacingMergeTree ORDER BY version`,
  });
  const result = await client.query({ query: `SELECT version FROM ${database}.schema_migrations FINAL`, format: 'JSONEachRow' });
  const applied = new Set((await result.json<{ version: number }>()).map((row) => Number(row.version)));
  const done: number[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    for (const statement of migration.statements) await client.command({ query: statement });
    await client.insert({
      table: `${database}.schema_migrations`,
      values: [{ version: migration.version, name: migration.name }],
      format: 'JSONEachRow',
    });
    done.push(migration.version);
  }
  return done;
}
