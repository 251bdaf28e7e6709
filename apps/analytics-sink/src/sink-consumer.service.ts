import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { APP_CONFIG } from '@app/config';
import { DeadLetterSchema, Header, Topic, encodeEvent } from '@app/contracts';
import { KafkaRuntime, type AnyConsumedEvent, type EventConsumer } from '@app/kafka';
import { METRICS_REGISTRY } from '@app/metrics';
import type { AnalyticsSinkConfig } from './analytics-sink.config';
import { ClickHouseStore } from './clickhouse.provider';
import { SUNK_TOPICS, toRow } from './event-rows';
import { RESULT_KEY, storedOkKeys, withoutLateDuplicates } from './late-results';
import { RowBatcher, type TableRows } from './row-batcher';

/** How often a batch waiting on ClickHouse tells Kafka it is still alive. */
const HEARTBEAT_EVERY_MS = 3_000;

/**
 * Streams every message, NLU result, candidate and outcome into ClickHouse in bounded batches.
 * Offsets are committed only after the rows are written (at-least-once); ReplacingMergeTree makes
 * a redelivered record collapse into the same row, and a late "skipped" result for one already
 * answered OK is not written at all (late-results.ts).
 */
@Injectable()
export class SinkConsumerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('sink');
  private readonly consumer: EventConsumer;
  readonly batcher: RowBatcher;

  constructor(
    @Inject(APP_CONFIG) config: AnalyticsSinkConfig,
    store: ClickHouseStore,
    kafka: KafkaRuntime,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    const rowsWritten = new Counter({
      name: 'sink_rows_written_total',
      help: 'Rows written',
      labelNames: ['table'],
      registers: [registry],
    });
    const failures = new Counter({ name: 'sink_write_failures_total', help: 'Failed batch writes (retried)', registers: [registry] });
    const batchRows = new Histogram({
      name: 'sink_batch_rows',
      help: 'Rows per flushed batch',
      buckets: [1, 10, 50, 100, 500, 1000, 5000, 20000],
      registers: [registry],
    });
    const flushSeconds = new Histogram({ name: 'sink_flush_seconds', help: 'Time to write one batch', registers: [registry] });
    const lateDropped = new Counter({
      name: 'sink_late_results_dropped_total',
      help: 'Results not written: not OK, for a task or generator and message that has an OK result',
      labelNames: ['table'],
      registers: [registry],
    });
    const rejected = new Counter({
      name: 'sink_rows_rejected_total',
      help: 'Rows ClickHouse refused for good (the store was up), sent to the dead-letter topic',
      labelNames: ['table'],
      registers: [registry],
    });
    this.batcher = new RowBatcher({
      maxRows: config.SINK_BATCH_ROWS,
      maxDelayMs: config.SINK_FLUSH_MS,
      write: async (table, rows) => {
        const column = RESULT_KEY[table];
        const values = column
          ? withoutLateDuplicates(rows, column, await storedOkKeys(store.client, store.table(table), column, rows))
          : rows;
        if (values.length < rows.length) lateDropped.inc({ table }, rows.length - values.length);
        if (values.length > 0) await store.client.insert({ table: store.table(table), values, format: 'JSONEachRow' });
        rowsWritten.inc({ table }, values.length);
      },
      onWriteError: (error, attempt) => {
        failures.inc();
        this.logger.warn(`write failed (attempt ${attempt}), retrying: ${error.message}`);
      },
      healthy: async () => {
        await (await store.client.query({ query: 'SELECT 1', format: 'JSONEachRow' })).json();
        return true;
      },
      rejectRow: async (table, row, error) => {
        rejected.inc({ table });
        this.logger.error(`ClickHouse refused a row of ${table}, dead-lettered: ${error.message}`);
        const letter = encodeEvent(DeadLetterSchema, {
          sourceTopic: `clickhouse:${table}`,
          consumerGroup: 'analytics-sink',
          reason: `row_rejected: ${error.message}`,
          value: Buffer.from(JSON.stringify(row)),
          failedAtMs: Date.now(),
        });
        await kafka.producer.sendRaw(Topic.dlq, null, letter, { [Header.type]: DeadLetterSchema.typeName, 'x-dlq-reason': 'row_rejected' });
      },
      onFlushed: (rows, ms) => {
        batchRows.observe(rows);
        flushSeconds.observe(ms / 1000);
      },
    });
    const batcher = this.batcher;
    new Gauge({
      name: 'sink_pending_rows',
      help: 'Rows buffered, not yet written',
      registers: [registry],
      collect() {
        this.set(batcher.pendingRows);
      },
    });
    this.consumer = kafka.consumer({
      groupId: 'analytics-sink',
      topics: SUNK_TOPICS,
      fromBeginning: true,
      maxWaitTimeInMs: 100,
      partitionsConsumedConcurrently: 16,
      handle: (events, heartbeat) => this.sink(events, heartbeat),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  /** Drain before ClickHouse closes: the in-flight batch is written and committed, then the rest flushed. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([this.consumer.stop(), this.batcher.flush()]);
    await this.batcher.flush();
    this.batcher.stop();
  }

  private async sink(events: AnyConsumedEvent[], heartbeat: () => Promise<void>): Promise<void> {
    const rows: TableRows = new Map();
    for (const event of events) {
      const mapped = toRow(event);
      if (!mapped) continue;
      const list = rows.get(mapped.table) ?? [];
      list.push(mapped.row);
      rows.set(mapped.table, list);
    }
    const written = this.batcher.add(rows);
    // Keep the group membership while ClickHouse is slow or down (backpressure, not a rebalance).
    const beat = setInterval(() => void heartbeat().catch(() => undefined), HEARTBEAT_EVERY_MS);
    try {
      await written;
    } finally {
      clearInterval(beat);
    }
  }
}
