import type { ClickHouseStore } from './clickhouse.provider';
import { PHYSICAL_TABLES, PhysicalCountsReader, ROLLUP_CHECKS, tableCounts } from './physical-counts';

describe('tableCounts', () => {
  it('tells keys written once, written again alike, and written again differently', () => {
    const counts = tableCounts(
      [
        { key: 'm1', rows: '1', contents: '1' },
        { key: 'm2', rows: '2', contents: '1' },
        { key: 'm3', rows: '3', contents: '2' },
      ],
      { rows: 6, finalRows: 3 },
    );
    expect(counts).toEqual({
      rows: 6,
      finalRows: 3,
      repeated: 1,
      differing: 1,
      perKey: { m1: [1, 1], m2: [2, 1], m3: [3, 2] },
      truncated: false,
    });
  });
});

describe('PhysicalCountsReader', () => {
  /** A ClickHouse that answers each kind of query with fixed rows, and remembers what it was asked. */
  function fakeStore() {
    const queries: string[] = [];
    const answer = (query: string): unknown[] => {
      if (query.includes(' AS key,')) return [{ key: query.includes("'/'") ? 'intent/m1' : 'm1', rows: '2', contents: '1' }];
      if (query.includes(' FINAL ')) return [{ rows: '1' }];
      if (query.startsWith('SELECT count()')) return [{ rows: '2' }];
      if (query.includes('uniqExactMerge') && query.includes('minute,')) return [{ n: '5' }];
      if (query.includes('uniqExactMerge')) return [{ n: '4' }];
      if (query.includes('toStartOfMinute')) return [{ n: '5' }];
      return [{ n: '4' }];
    };
    const store = {
      table: (name: string) => `db.${name}`,
      client: {
        query: async ({ query }: { query: string }) => {
          queries.push(query);
          return { json: async () => answer(query) };
        },
      },
    } as unknown as ClickHouseStore;
    return { store, queries };
  }

  it('counts rows per message without FINAL, rows with FINAL, and each rollup against its raw table', async () => {
    const { store, queries } = fakeStore();
    const counts = await new PhysicalCountsReader(store).read(30, new Date('2026-12-01T10:45:30Z'));
    expect(counts.since).toBe('2026-12-01T10:15:00.000Z');
    expect(Object.keys(counts.tables)).toEqual(Object.keys(PHYSICAL_TABLES));
    expect(counts.tables.messages).toMatchObject({ rows: 2, finalRows: 1, repeated: 1, differing: 0, perKey: { m1: [2, 1] } });
    expect(counts.tables.nlu_results.perKey).toEqual({ 'intent/m1': [2, 1] });
    expect(counts.rollups).toEqual(
      Object.fromEntries(ROLLUP_CHECKS.map((check) => [check.table, { rollup: 4, raw: 4, cells: 5, rawCells: 5 }])),
    );
    const perKey = queries.filter((q) => q.includes(' AS key,'));
    expect(perKey).toHaveLength(4);
    for (const query of perKey) expect(query).not.toMatch(/\bFINAL\b/);
    expect(queries.filter((q) => /\bFINAL\b/.test(q))).toHaveLength(4);
    for (const query of queries) expect(query).toContain('{since:DateTime}');
  });
});
