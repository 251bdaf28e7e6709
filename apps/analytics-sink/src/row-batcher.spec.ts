import { RowBatcher, type RowBatcherOptions, type TableRows } from './row-batcher';

const T0 = 1_700_000_000_000;

type Row = Record<string, unknown>;
const rows = (entries: Record<string, Row[]>): TableRows => new Map(Object.entries(entries));

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: Error) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets pending promise callbacks run without moving the fake clock. */
const settle = () => jest.advanceTimersByTimeAsync(0);

/** Tracks whether a promise has settled yet. */
function track(promise: Promise<unknown>): { done: boolean } {
  const state = { done: false };
  promise.then(() => (state.done = true));
  return state;
}

describe('RowBatcher', () => {
  let writes: { table: string; rows: Row[]; at: number }[];

  function batcher(options: Partial<RowBatcherOptions> = {}): RowBatcher {
    return new RowBatcher({
      maxRows: 3,
      maxDelayMs: 500,
      write: async (table, tableRows) => {
        writes.push({ table, rows: [...tableRows], at: Date.now() });
      },
      ...options,
    });
  }

  beforeEach(() => {
    jest.useFakeTimers({ now: T0 });
    writes = [];
  });

  afterEach(() => jest.useRealTimers());

  it('flushes as soon as maxRows rows are waiting, without waiting for the timer', async () => {
    const b = batcher();
    const first = track(b.add(rows({ t: [{ n: 1 }, { n: 2 }] })));
    await settle();
    expect(writes).toHaveLength(0);
    expect(b.pendingRows).toBe(2);

    const second = b.add(rows({ t: [{ n: 3 }] }));
    expect(b.pendingRows).toBe(0);
    await second;
    expect(first.done).toBe(true);
    expect(writes).toEqual([{ table: 't', rows: [{ n: 1 }, { n: 2 }, { n: 3 }], at: T0 }]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('flushes a partial batch once its oldest row has waited maxDelayMs', async () => {
    const b = batcher({ maxRows: 100 });
    const added = track(b.add(rows({ t: [{ n: 1 }] })));
    await jest.advanceTimersByTimeAsync(300);
    // A later add does not push the flush back.
    b.add(rows({ t: [{ n: 2 }] }));
    await jest.advanceTimersByTimeAsync(199);
    expect(writes).toHaveLength(0);
    expect(added.done).toBe(false);

    await jest.advanceTimersByTimeAsync(1);
    expect(writes).toEqual([{ table: 't', rows: [{ n: 1 }, { n: 2 }], at: T0 + 500 }]);
    expect(added.done).toBe(true);
    expect(b.pendingRows).toBe(0);
  });

  it('resolves add() only once its rows are written', async () => {
    const gate = deferred();
    const write = jest.fn(() => gate.promise);
    const b = batcher({ maxRows: 1, write });
    const added = track(b.add(rows({ t: [{ n: 1 }] })));
    await settle();
    expect(write).toHaveBeenCalledTimes(1);
    expect(added.done).toBe(false);

    gate.resolve();
    await settle();
    expect(added.done).toBe(true);
  });

  it('groups rows by table and writes each table once per batch, in first-seen order', async () => {
    const b = batcher({ maxRows: 5 });
    b.add(rows({ messages: [{ id: 'm1' }], outcomes: [{ id: 'o1' }] }));
    b.add(rows({ nlu_results: [{ id: 'n1' }], messages: [{ id: 'm2' }] }));
    await b.add(rows({ outcomes: [{ id: 'o2' }] }));

    expect(writes.map((w) => [w.table, w.rows])).toEqual([
      ['messages', [{ id: 'm1' }, { id: 'm2' }]],
      ['outcomes', [{ id: 'o1' }, { id: 'o2' }]],
      ['nlu_results', [{ id: 'n1' }]],
    ]);
  });

  it("does not share the caller's arrays", async () => {
    const b = batcher({ maxRows: 10 });
    const callerRows: Row[] = [{ n: 1 }];
    b.add(new Map([['t', callerRows]]));
    callerRows.push({ n: 'added later by the caller' });
    b.add(rows({ t: [{ n: 2 }] }));
    expect(callerRows).toHaveLength(2);
    await b.flush();
    expect(writes[0].rows).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('retries a failed write with exponential backoff, capped at retryMaxMs, until it lands', async () => {
    let failures = 4;
    const attempts: number[] = [];
    const onWriteError = jest.fn();
    const onFlushed = jest.fn();
    const b = batcher({
      maxRows: 1,
      retryInitialMs: 100,
      retryMaxMs: 300,
      onWriteError,
      onFlushed,
      write: async () => {
        attempts.push(Date.now() - T0);
        if (failures-- > 0) throw new Error('clickhouse down');
      },
    });
    const added = track(b.add(rows({ t: [{ n: 1 }] })));
    await jest.advanceTimersByTimeAsync(10_000);

    // Waits of 100, 200, 300 (capped), 300 between the five attempts.
    expect(attempts).toEqual([0, 100, 300, 600, 900]);
    expect(onWriteError.mock.calls.map(([error, attempt]) => [(error as Error).message, attempt])).toEqual([
      ['clickhouse down', 1],
      ['clickhouse down', 2],
      ['clickhouse down', 3],
      ['clickhouse down', 4],
    ]);
    expect(onFlushed).toHaveBeenCalledTimes(1);
    expect(onFlushed).toHaveBeenCalledWith(1, 900);
    expect(added.done).toBe(true);
  });

  it('after isolateAfter failed attempts with the store up, writes row by row and dead-letters only the row it refuses', async () => {
    const written: Row[] = [];
    const rejected: [string, Row, string][] = [];
    const b = batcher({
      maxRows: 3,
      retryInitialMs: 100,
      isolateAfter: 2,
      healthy: async () => true,
      rejectRow: async (table, row, error) => void rejected.push([table, row, error.message]),
      write: async (_table, batch) => {
        if (batch.some((row) => row.n === 'bad')) throw new Error('Cannot parse input: expected UInt32');
        written.push(...batch);
      },
    });
    const added = track(b.add(rows({ t: [{ n: 1 }, { n: 'bad' }, { n: 3 }] })));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(added.done).toBe(true);
    expect(written).toEqual([{ n: 1 }, { n: 3 }]);
    expect(rejected).toEqual([['t', { n: 'bad' }, 'Cannot parse input: expected UInt32']]);
  });

  it('isolates nothing while the store is down: the batch is retried whole until it lands', async () => {
    let down = true;
    const rejectRow = jest.fn();
    const writtenRows: Row[] = [];
    const b = batcher({
      maxRows: 2,
      retryInitialMs: 100,
      retryMaxMs: 100,
      isolateAfter: 1,
      healthy: async () => !down,
      rejectRow,
      write: async (_table, batch) => {
        if (down) throw new Error('connection refused');
        writtenRows.push(...batch);
      },
    });
    const added = track(b.add(rows({ t: [{ n: 1 }, { n: 2 }] })));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(added.done).toBe(false);
    down = false;
    await jest.advanceTimersByTimeAsync(200);
    expect(added.done).toBe(true);
    expect(rejectRow).not.toHaveBeenCalled();
    expect(writtenRows).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('uses 200 ms as the default first backoff', async () => {
    const attempts: number[] = [];
    let fail = true;
    const b = batcher({
      maxRows: 1,
      write: async () => {
        attempts.push(Date.now() - T0);
        if (fail) {
          fail = false;
          throw new Error('once');
        }
      },
    });
    b.add(rows({ t: [{ n: 1 }] }));
    await jest.advanceTimersByTimeAsync(1000);
    expect(attempts).toEqual([0, 200]);
  });

  it('does not re-write the tables that were already written when a later table fails', async () => {
    const calls: string[] = [];
    let failB = true;
    const b = batcher({
      maxRows: 3,
      retryInitialMs: 50,
      write: async (table) => {
        calls.push(table);
        if (table === 'b' && failB) {
          failB = false;
          throw new Error('b failed');
        }
      },
    });
    const added = b.add(rows({ a: [{ n: 1 }], b: [{ n: 2 }], c: [{ n: 3 }] }));
    await jest.advanceTimersByTimeAsync(50);
    await added;
    expect(calls).toEqual(['a', 'b', 'b', 'c']);
  });

  it('runs one flush at a time, in order, and flush() resolves once earlier batches are written', async () => {
    const gates = [deferred(), deferred()];
    const started: string[] = [];
    const b = batcher({
      maxRows: 100,
      write: (table) => {
        started.push(table);
        return gates[started.length - 1].promise;
      },
    });

    const first = track(b.add(rows({ first: [{ n: 1 }] })));
    const firstFlush = track(b.flush());
    const second = track(b.add(rows({ second: [{ n: 2 }] })));
    const secondFlush = track(b.flush());
    await settle();
    expect(started).toEqual(['first']);

    gates[0].resolve();
    await settle();
    expect(first.done).toBe(true);
    expect(firstFlush.done).toBe(true);
    expect(started).toEqual(['first', 'second']);
    expect(second.done).toBe(false);
    expect(secondFlush.done).toBe(false);

    gates[1].resolve();
    await settle();
    expect(second.done).toBe(true);
    expect(secondFlush.done).toBe(true);
  });

  it('holds a later batch back while an earlier one is still retrying', async () => {
    let failFirst = true;
    const calls: string[] = [];
    const b = batcher({
      maxRows: 1,
      retryInitialMs: 1000,
      write: async (table) => {
        calls.push(`${table}@${Date.now() - T0}`);
        if (table === 'one' && failFirst) {
          failFirst = false;
          throw new Error('down');
        }
      },
    });
    b.add(rows({ one: [{ n: 1 }] }));
    const second = track(b.add(rows({ two: [{ n: 2 }] })));
    await jest.advanceTimersByTimeAsync(999);
    expect(calls).toEqual(['one@0']);
    expect(second.done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls).toEqual(['one@0', 'one@1000', 'two@1000']);
    expect(second.done).toBe(true);
  });

  it('resolves an empty add() at once, without a timer or a write', async () => {
    const write = jest.fn(async () => {});
    const b = batcher({ write });
    await expect(b.add(new Map())).resolves.toBeUndefined();
    await expect(b.add(rows({ t: [], u: [] }))).resolves.toBeUndefined();
    expect(b.pendingRows).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(5000);
    expect(write).not.toHaveBeenCalled();
  });

  it('flush() with nothing buffered resolves without writing', async () => {
    const write = jest.fn(async () => {});
    const onFlushed = jest.fn();
    const b = batcher({ write, onFlushed });
    await b.flush();
    expect(write).not.toHaveBeenCalled();
    expect(onFlushed).not.toHaveBeenCalled();
  });

  it('stop() cancels the pending time-based flush', async () => {
    const b = batcher({ maxRows: 100 });
    const added = track(b.add(rows({ t: [{ n: 1 }] })));
    b.stop();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(writes).toHaveLength(0);
    expect(added.done).toBe(false);
    expect(b.pendingRows).toBe(1);
  });

  it('stop() ends retrying after the current attempt and leaves the batch unresolved', async () => {
    const write = jest.fn(async () => {
      throw new Error('down');
    });
    const onWriteError = jest.fn();
    const b = batcher({ maxRows: 1, retryInitialMs: 100, write, onWriteError });
    const added = track(b.add(rows({ t: [{ n: 1 }] })));
    await settle();
    expect(write).toHaveBeenCalledTimes(1);

    b.stop();
    await jest.advanceTimersByTimeAsync(10_000);
    // The attempt already scheduled runs once more, then retrying stops.
    expect(write).toHaveBeenCalledTimes(2);
    expect(onWriteError).toHaveBeenCalledTimes(2);
    expect(added.done).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
  });
});
