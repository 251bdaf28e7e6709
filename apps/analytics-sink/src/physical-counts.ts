import { Injectable } from '@nestjs/common';
import { ClickHouseStore } from './clickhouse.provider';
import { toClickHouseTime } from './engagement-summary';

/**
 * A raw table as stored, read without FINAL: `part` names one row of a message (a task's result,
 * a generator's candidate); `content` is what the row says about the event, without when it was
 * delivered or computed, so that a row written twice (a redelivered batch, which ReplacingMergeTree
 * collapses at its next merge) can be told from two rows that disagree (a message decided twice).
 */
export interface PhysicalTable {
  part?: string;
  content: string;
}

export const PHYSICAL_TABLES: Readonly<Record<string, PhysicalTable>> = {
  // A client's retry accepted again is the same message with a new acceptance time and trace.
  messages: { content: 'tuple(conversation_id, user_id, text, client_message_id, channel)' },
  // A decision is made once: its emit time is part of it, so a second decision always differs.
  outcomes: { content: 'tuple(reply_text, source, policy_rule, fallback, emitted_at, latency_ms)' },
  // A redelivered message is worked on again: the same labels, a new latency and emit time.
  nlu_results: { part: 'task', content: 'tuple(status, label, round(score, 3), model_name, model_version)' },
  candidates: { part: 'generator', content: 'tuple(status, text, round(score, 3), model_version)' },
};

/**
 * A rollup beside the raw table it is filled from (migration 004): `read` is how the summary and
 * the dashboard add its cells up (merged over minutes, summed over these columns), `cells` its
 * full key beside the minute.
 */
export interface RollupCheck {
  table: keyof typeof PHYSICAL_TABLES;
  rollup: string;
  read: string[];
  cells: string[];
}

export const ROLLUP_CHECKS: readonly RollupCheck[] = [
  { table: 'messages', rollup: 'rollup_messages_minute', read: [], cells: ['channel'] },
  {
    table: 'outcomes',
    rollup: 'rollup_outcomes_minute',
    read: ['source', 'policy_rule', 'fallback'],
    cells: ['source', 'policy_rule', 'fallback', 'deadline_reached'],
  },
  {
    table: 'nlu_results',
    rollup: 'rollup_nlu_minute',
    read: ['task', 'label', 'status'],
    cells: ['task', 'model_name', 'status', 'label'],
  },
  {
    table: 'candidates',
    rollup: 'rollup_candidates_minute',
    read: ['generator', 'status'],
    cells: ['generator', 'model_version', 'status'],
  },
];

/** At most this many keys per table in one answer (a chaos run writes a few thousand). */
export const MAX_KEYS = 200_000;

export interface PhysicalTableCounts {
  /** Rows as stored, without FINAL. */
  rows: number;
  /** Rows with FINAL: one per key. */
  finalRows: number;
  /** Keys (message id, or `part/message id`) with more than one row, all alike / not all alike (of perKey). */
  repeated: number;
  differing: number;
  /** Every key: [rows, distinct contents]. */
  perKey: Record<string, [number, number]>;
  /** More than MAX_KEYS keys: perKey holds the first MAX_KEYS. */
  truncated: boolean;
}

export interface RollupCounts {
  /** Messages as the summary reads the rollup (merged over minutes, summed over its `read` columns)... */
  rollup: number;
  /** ...and distinct messages (per task or generator) in the raw table: the two must be equal. */
  raw: number;
  /** Summed over every (minute, key) cell of the rollup, and the same cells counted from raw rows: equal too. */
  cells: number;
  rawCells: number;
}

export interface PhysicalCounts {
  minutes: number;
  since: string;
  generatedAt: string;
  tables: Record<string, PhysicalTableCounts>;
  rollups: Record<string, RollupCounts>;
}

/**
 * GET /v1/analytics/physical: what the tables hold as stored, for audits (`npm run chaos`). The
 * other reads use FINAL, which merges duplicates before anyone counts them; this one does not.
 */
@Injectable()
export class PhysicalCountsReader {
  constructor(private readonly store: ClickHouseStore) {}

  async read(minutes: number, now = new Date()): Promise<PhysicalCounts> {
    const since = new Date(Math.floor((now.getTime() - minutes * 60_000) / 60_000) * 60_000);
    const params = { since: toClickHouseTime(since) };
    const tables: Record<string, PhysicalTableCounts> = {};
    for (const [name, table] of Object.entries(PHYSICAL_TABLES)) tables[name] = await this.table(name, table, params);
    const rollups: Record<string, RollupCounts> = {};
    for (const check of ROLLUP_CHECKS) rollups[check.table] = await this.rollup(check, params);
    return { minutes, since: since.toISOString(), generatedAt: now.toISOString(), tables, rollups };
  }

  private async table(name: string, table: PhysicalTable, params: Record<string, unknown>): Promise<PhysicalTableCounts> {
    const t = this.store.table(name);
    const key = table.part ? `concat(toString(${table.part}), '/', message_id)` : 'message_id';
    const window = 'accepted_at >= {since:DateTime}';
    const [keys, [stored], [final]] = await Promise.all([
      this.rows<{ key: string; rows: string; contents: string }>(
        `SELECT ${key} AS key, count() AS rows, uniqExact(${table.content}) AS contents FROM ${t}
         WHERE ${window} GROUP BY key ORDER BY key LIMIT ${MAX_KEYS + 1}`,
        params,
      ),
      this.rows<{ rows: string }>(`SELECT count() AS rows FROM ${t} WHERE ${window}`, params),
      this.rows<{ rows: string }>(`SELECT count() AS rows FROM ${t} FINAL WHERE ${window}`, params),
    ]);
    return tableCounts(keys, { rows: Number(stored?.rows ?? 0), finalRows: Number(final?.rows ?? 0) });
  }

  private async rollup(check: RollupCheck, params: Record<string, unknown>): Promise<RollupCounts> {
    const r = this.store.table(check.rollup);
    const t = this.store.table(check.table);
    const id = PHYSICAL_TABLES[check.table].part ? `(${PHYSICAL_TABLES[check.table].part}, message_id)` : 'message_id';
    const by = (columns: string[]) => (columns.length > 0 ? `GROUP BY ${columns.join(', ')}` : '');
    const [[rollup], [raw], [cells], [rawCells]] = await Promise.all([
      this.rows<{ n: string }>(
        `SELECT sum(n) AS n FROM (SELECT uniqExactMerge(messages) AS n FROM ${r} WHERE minute >= {since:DateTime} ${by(check.read)})`,
        params,
      ),
      this.rows<{ n: string }>(`SELECT uniqExact(${id}) AS n FROM ${t} WHERE accepted_at >= {since:DateTime}`, params),
      this.rows<{ n: string }>(
        `SELECT sum(n) AS n FROM (SELECT uniqExactMerge(messages) AS n FROM ${r} WHERE minute >= {since:DateTime} ${by(['minute', ...check.cells])})`,
        params,
      ),
      this.rows<{ n: string }>(
        `SELECT sum(n) AS n FROM (SELECT uniqExact(message_id) AS n FROM ${t} WHERE accepted_at >= {since:DateTime}
         ${by(['toStartOfMinute(accepted_at)', ...check.cells])})`,
        params,
      ),
    ]);
    return { rollup: Number(rollup?.n ?? 0), raw: Number(raw?.n ?? 0), cells: Number(cells?.n ?? 0), rawCells: Number(rawCells?.n ?? 0) };
  }

  private async rows<T>(query: string, params: Record<string, unknown>): Promise<T[]> {
    const result = await this.store.client.query({ query, query_params: params, format: 'JSONEachRow' });
    return result.json<T>();
  }
}

/** One table's answer from its per-key rows (ClickHouse sends 64-bit counts as strings) and its totals. */
export function tableCounts(
  keys: { key: string; rows: string | number; contents: string | number }[],
  totals: { rows: number; finalRows: number },
): PhysicalTableCounts {
  const truncated = keys.length > MAX_KEYS;
  const perKey: Record<string, [number, number]> = {};
  let repeated = 0;
  let differing = 0;
  for (const k of keys.slice(0, MAX_KEYS)) {
    const entry: [number, number] = [Number(k.rows), Number(k.contents)];
    perKey[k.key] = entry;
    if (entry[0] > 1 && entry[1] === 1) repeated++;
    if (entry[1] > 1) differing++;
  }
  return { ...totals, repeated, differing, perKey, truncated };
}
