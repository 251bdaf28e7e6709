export type TableRows = Map<string, Record<string, unknown>[]>;

export interface RowBatcherOptions {
  /** Flush once this many rows are waiting... */
  maxRows: number;
  /** ...or once the oldest has waited this long. */
  maxDelayMs: number;
  write: (table: string, rows: Record<string, unknown>[]) => Promise<void>;
  /** Backoff between failed writes; a batch is retried until it lands (or its refused rows are dead-lettered, below): nothing is dropped. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  onWriteError?: (error: Error, attempt: number) => void;
  /**
   * A batch still failing after `isolateAfter` attempts (default 5) while `healthy` says the store
   * is up holds rows the store refuses for good: its rows are then written one at a time and each
   * refused row goes to `rejectRow` (the dead-letter topic), so one bad row cannot stop all
   * analytics. While the store is down, nothing is isolated: the batch is retried as before.
   */
  isolateAfter?: number;
  healthy?: () => Promise<boolean>;
  rejectRow?: (table: string, row: Record<string, unknown>, error: Error) => Promise<void>;
  onFlushed?: (rows: number, ms: number) => void;
}

interface Batch {
  tables: TableRows;
  rows: number;
  done: Promise<void>;
  settle: () => void;
}

/**
 * Buffers rows for several tables and writes them in bounded batches, one flush at a time.
 * add() resolves only once its rows are written, so the caller can commit Kafka offsets then.
 */
export class RowBatcher {
  private current: Batch = newBatch();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: RowBatcherOptions) {}

  get pendingRows(): number {
    return this.current.rows;
  }

  add(rows: TableRows): Promise<void> {
    const batch = this.current;
    for (const [table, tableRows] of rows) {
      if (tableRows.length === 0) continue;
      const existing = batch.tables.get(table);
      if (existing) existing.push(...tableRows);
      else batch.tables.set(table, [...tableRows]);
      batch.rows += tableRows.length;
    }
    if (batch.rows === 0) return Promise.resolve();
    if (batch.rows >= this.options.maxRows) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.maxDelayMs);
    return batch.done;
  }

  /** Writes what is buffered now; resolves once every earlier batch is written. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.current;
    this.current = newBatch();
    this.flushing = this.flushing.then(() => this.writeBatch(batch));
    return this.flushing;
  }

  /** Stops retrying after the current attempt (shutdown); unwritten rows stay uncommitted in Kafka. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async writeBatch(batch: Batch): Promise<void> {
    if (batch.rows === 0) return batch.settle();
    const started = Date.now();
    let delay = this.options.retryInitialMs ?? 200;
    for (let attempt = 1; ; attempt++) {
      try {
        for (const [table, rows] of batch.tables) {
          await this.options.write(table, rows);
          batch.tables.delete(table); // written tables are not written again on retry
        }
        safely(() => this.options.onFlushed?.(batch.rows, Date.now() - started));
        return batch.settle();
      } catch (error) {
        safely(() => this.options.onWriteError?.(error as Error, attempt));
        if (this.stopped) return;
        if (attempt >= (this.options.isolateAfter ?? 5) && (await this.isolate(batch))) {
          safely(() => this.options.onFlushed?.(batch.rows, Date.now() - started));
          return batch.settle();
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, this.options.retryMaxMs ?? 10_000);
      }
    }
  }

  /**
   * Writes the batch's rows one at a time, giving each refused row to `rejectRow`; false (retry the
   * batch) when isolation is not configured, the store is not healthy, or a row could not be given up.
   */
  private async isolate(batch: Batch): Promise<boolean> {
    const { healthy, rejectRow, write } = this.options;
    if (!healthy || !rejectRow || !(await healthy().catch(() => false))) return false;
    try {
      for (const [table, rows] of batch.tables) {
        while (rows.length > 0) {
          await write(table, [rows[0]]).catch(async (error: Error) => {
            // The store went down meanwhile: retry the rest as a batch, dead-letter nothing.
            if (!(await healthy().catch(() => false))) throw error;
            await rejectRow(table, rows[0], error);
          });
          rows.shift(); // written or dead-lettered: not again on a retry
        }
        batch.tables.delete(table);
      }
      return true;
    } catch {
      return false;
    }
  }
}

/** A failing metrics or log callback must not break the flush chain. */
function safely(callback: () => void): void {
  try {
    callback();
  } catch {
    // ignored on purpose
  }
}

function newBatch(): Batch {
  let settle!: () => void;
  const done = new Promise<void>((resolve) => (settle = resolve));
  return { tables: new Map(), rows: 0, done, settle };
}
