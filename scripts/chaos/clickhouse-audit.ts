import type { PhysicalCounts, RollupCounts } from '../../apps/analytics-sink/src/physical-counts';

export interface TableAudit {
  /** Rows as stored (no FINAL), and with FINAL. */
  rows: number;
  finalRows: number;
  /** Expected keys (a message, or a task's or generator's result for it) with no row. */
  missing: number;
  /** Keys stored more than once, every copy alike: a redelivery that ReplacingMergeTree collapses at its next merge. */
  repeated: number;
  /** Keys stored more than once with copies that differ: the event happened twice (a double). */
  differing: number;
}

export interface ClickHouseAudit {
  tables: Record<string, TableAudit>;
  rollups: Record<string, RollupCounts>;
  /** Rollups that count other than the raw rows (as the summary reads them, or cell by cell). */
  rollupMismatches: string[];
  /** Sums over the tables. */
  missing: number;
  differing: number;
  repeated: number;
}

/**
 * ClickHouse as stored, against what the topics say was accepted: every accepted message has a row
 * in `messages` and `outcomes`, a result per NLU task and a candidate per generator; a key stored
 * twice alike is reported (ReplacingMergeTree holds it until a merge) but is no double, one stored
 * twice differently is; and the rollups count what the raw rows hold.
 */
export function auditClickHouse(
  counts: PhysicalCounts,
  accepted: string[],
  parts: { nlu_results: string[]; candidates: string[] },
): ClickHouseAudit {
  const expected: Record<string, string[]> = {
    messages: accepted,
    outcomes: accepted,
    nlu_results: parts.nlu_results.flatMap((task) => accepted.map((id) => `${task}/${id}`)),
    candidates: parts.candidates.flatMap((generator) => accepted.map((id) => `${generator}/${id}`)),
  };
  const tables: Record<string, TableAudit> = {};
  for (const [table, keys] of Object.entries(expected)) {
    const stored = counts.tables[table];
    if (!stored) throw new Error(`the sink reported no table ${table}`);
    if (stored.truncated) throw new Error(`the sink cut its answer for ${table}: too many keys to audit`);
    tables[table] = {
      rows: stored.rows,
      finalRows: stored.finalRows,
      missing: keys.filter((key) => !(key in stored.perKey)).length,
      repeated: stored.repeated,
      differing: stored.differing,
    };
  }
  const rollupMismatches = Object.entries(counts.rollups)
    .filter(([, r]) => r.rollup !== r.raw || r.cells !== r.rawCells)
    .map(([table]) => table);
  const sum = (field: keyof TableAudit) => Object.values(tables).reduce((total, t) => total + t[field], 0);
  return {
    tables,
    rollups: counts.rollups,
    rollupMismatches,
    missing: sum('missing'),
    differing: sum('differing'),
    repeated: sum('repeated'),
  };
}
