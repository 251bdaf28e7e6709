import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { mkdirSync } from 'node:fs';

type ClientConnection = NonNullable<Parameters<typeof createClient>[0]>['connection'];

export interface ClickHouseTarget {
  /** A ClickHouse server over HTTP; when absent, embedded chdb owns dataDir in this process. */
  url?: string;
  username?: string;
  password?: string;
  dataDir: string;
}

/** The same @clickhouse/client API over a server (CLICKHOUSE_URL) or in-process chdb (the default). */
export function createClickHouse(target: ClickHouseTarget): { client: ClickHouseClient; engine: 'server' | 'chdb' } {
  if (target.url) {
    return {
      client: createClient({ url: target.url, username: target.username, password: target.password, request_timeout: 30_000 }),
      engine: 'server',
    };
  }
  mkdirSync(target.dataDir, { recursive: true });
  // Loaded lazily: chdb is ~550 MB of native code that a server deployment never needs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createChdbConnection } = require('chdb/connection') as typeof import('chdb/connection');
  // chdb types its connection against @clickhouse/client-common, which the client bundles a copy of.
  const connection = createChdbConnection({ path: target.dataDir }) as unknown as ClientConnection;
  return { client: createClient({ connection }), engine: 'chdb' };
}
