import type { PhysicalCounts, PhysicalTableCounts } from '../../apps/analytics-sink/src/physical-counts';
import { auditClickHouse } from './clickhouse-audit';

const table = (perKey: Record<string, [number, number]>): PhysicalTableCounts => {
  const entries = Object.values(perKey);
  return {
    rows: entries.reduce((sum, [rows]) => sum + rows, 0),
    finalRows: entries.length,
    repeated: entries.filter(([rows, contents]) => rows > 1 && contents === 1).length,
    differing: entries.filter(([, contents]) => contents > 1).length,
    perKey,
    truncated: false,
  };
};
const even = { rollup: 2, raw: 2, cells: 2, rawCells: 2 };

describe('auditClickHouse', () => {
  it('finds missing keys, tells rows stored again alike from rows that differ, and rollups that count otherwise', () => {
    const counts: PhysicalCounts = {
      minutes: 60,
      since: '',
      generatedAt: '',
      tables: {
        messages: table({ m1: [2, 1], m2: [1, 1] }),
        outcomes: table({ m1: [2, 2] }),
        nlu_results: table({ 'intent/m1': [1, 1], 'intent/m2': [1, 1], 'emotion/m1': [1, 1] }),
        candidates: table({ 'retrieval/m1': [1, 1], 'retrieval/m2': [1, 1] }),
      },
      rollups: {
        messages: even,
        outcomes: { rollup: 2, raw: 1, cells: 2, rawCells: 2 },
        nlu_results: { rollup: 3, raw: 3, cells: 4, rawCells: 3 },
        candidates: even,
      },
    };
    const audit = auditClickHouse(counts, ['m1', 'm2'], { nlu_results: ['intent', 'emotion'], candidates: ['retrieval'] });
    expect(audit.tables).toEqual({
      messages: { rows: 3, finalRows: 2, missing: 0, repeated: 1, differing: 0 },
      outcomes: { rows: 2, finalRows: 1, missing: 1, repeated: 0, differing: 1 },
      nlu_results: { rows: 3, finalRows: 3, missing: 1, repeated: 0, differing: 0 },
      candidates: { rows: 2, finalRows: 2, missing: 0, repeated: 0, differing: 0 },
    });
    expect(audit).toMatchObject({ missing: 2, differing: 1, repeated: 1, rollupMismatches: ['outcomes', 'nlu_results'] });
  });

  it('refuses to audit an answer the sink cut short', () => {
    const counts = { tables: { messages: { ...table({}), truncated: true } }, rollups: {} } as unknown as PhysicalCounts;
    expect(() => auditClickHouse(counts, [], { nlu_results: [], candidates: [] })).toThrow(/cut its answer for messages/);
  });
});
