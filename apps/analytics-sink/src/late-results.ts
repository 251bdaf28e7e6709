import type { ClickHouseClient } from '@clickhouse/client';

type Row = Record<string, unknown>;

/**
 * The results tables, each with the column that, with message_id, names one result. A worker that
 * answered a message and crashed before committing reads it again after its deadline and reports
 * it skipped: that late record must neither replace the stored OK row (ReplacingMergeTree keeps
 * the last inserted) nor reach the rollups, which count every inserted row's status.
 */
export const RESULT_KEY: Readonly<Record<string, string>> = { nlu_results: 'task', candidates: 'generator' };

const OK = 'ok';
const keyOf = (row: Row, column: string) => `${String(row[column])}\u0000${String(row.message_id)}`;

/**
 * `rows` without the late duplicates: a result that is not OK for a (task or generator, message)
 * that has an OK result in this batch or among `storedOk` keys. Two OK rows are a redelivery, kept
 * (ReplacingMergeTree collapses them, the rollups count ids once).
 */
export function withoutLateDuplicates(rows: Row[], column: string, storedOk: ReadonlySet<string>): Row[] {
  const ok = new Set(rows.filter((r) => r.status === OK).map((r) => keyOf(r, column)));
  return rows.filter((r) => r.status === OK || (!ok.has(keyOf(r, column)) && !storedOk.has(keyOf(r, column))));
}

/**
 * The keys of `rows`' results that are not OK and that `table` already holds an OK result for: one
 * query per batch, and none when every row is OK (the usual batch). A result stored while this
 * batch is checked can still slip through; the window is one flush.
 */
export async function storedOkKeys(client: ClickHouseClient, table: string, column: string, rows: Row[]): Promise<Set<string>> {
  const pending = rows.filter((r) => r.status !== OK);
  if (pending.length === 0) return new Set();
  const result = await client.query({
    query: `SELECT toString(${column}) AS key, message_id FROM ${table} WHERE status = 'ok' AND message_id IN {ids:Array(String)}`,
    query_params: { ids: [...new Set(pending.map((r) => String(r.message_id)))] },
    format: 'JSONEachRow',
  });
  const stored = await result.json<{ key: string; message_id: string }>();
  return new Set(stored.map((s) => `${s.key}\u0000${s.message_id}`));
}
