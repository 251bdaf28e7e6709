/**
 * Bounded retries for a batch handler. A batch whose handler throws is thrown again (the Kafka
 * client backs off and delivers the same batch again) until it has failed `attempts` times; then
 * its records are handled one at a time and only those that still fail are given up (dead-lettered
 * by the caller), so one poison record no longer stalls its partition forever and its neighbours
 * are still handled.
 */
export class RetryBudget {
  /** Failed attempts per batch, by its topic, partition and first offset (what a redelivery repeats). */
  private readonly failures = new Map<string, number>();

  constructor(private readonly attempts: number) {
    if (!Number.isInteger(attempts) || attempts < 1) throw new Error(`attempts must be a positive integer, got ${attempts}`);
  }

  /**
   * Handles `events` as one batch; on the batch's last attempt, one by one, handing each record that
   * still throws to `giveUp` (which must not throw: its record is then treated as handled).
   */
  async run<E>(
    batchKey: string,
    events: E[],
    handle: (events: E[]) => Promise<void>,
    giveUp: (event: E, error: Error) => Promise<void>,
  ): Promise<void> {
    try {
      await handle(events);
      this.failures.delete(batchKey);
      return;
    } catch (error) {
      const failed = (this.failures.get(batchKey) ?? 0) + 1;
      if (failed < this.attempts) {
        this.failures.set(batchKey, failed);
        throw error;
      }
      this.failures.delete(batchKey);
    }
    for (const event of events) {
      try {
        await handle([event]);
      } catch (error) {
        await giveUp(event, error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  /** Batches with failed attempts on record (a partition given away leaves its entry until the process ends; bounded by partitions × batches in flight). */
  get pending(): number {
    return this.failures.size;
  }
}
