export * from './clickhouse-client.factory';
export * from './migrations';
