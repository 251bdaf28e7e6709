import type { ItemFailure } from './message-batch-worker';

/** One model call's answers: an output per item, in order. A call that fails as a whole throws. */
export interface CallResult<Out> {
  outputs: (Out | ItemFailure | undefined)[];
  latencyMs: number;
}

interface Waiting<In, Out> {
  item: In;
  settle: (result: ItemResult<Out>) => void;
}

/** What one item got: its output (or undefined / ItemFailure) and its call's time, or the call's error. */
export type ItemResult<Out> = { output: Out | ItemFailure | undefined; latencyMs: number } | { error: Error };

/**
 * Runs one model call at a time over items from every partition a worker is handling. Items that
 * come while a call runs wait and go together into the next one (up to `maxSize`), so a worker
 * reading twelve partitions makes full batches under load instead of one small call per partition,
 * and an idle worker calls the model at once, without a queue delay.
 */
export class ModelBatcher<In, Out> {
  private readonly waiting: Waiting<In, Out>[] = [];
  private running = false;

  constructor(
    private readonly maxSize: number,
    private readonly call: (items: In[]) => Promise<CallResult<Out>>,
  ) {}

  /** Each item's result, in order, once the calls holding them are done. */
  submit(items: In[]): Promise<ItemResult<Out>[]> {
    const results = Promise.all(items.map((item) => new Promise<ItemResult<Out>>((settle) => this.waiting.push({ item, settle }))));
    if (!this.running && items.length > 0) void this.drain();
    return results;
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, this.maxSize);
        try {
          const { outputs, latencyMs } = await this.call(batch.map((w) => w.item));
          batch.forEach((w, i) => w.settle({ output: outputs[i], latencyMs }));
        } catch (error) {
          // Each item of a failed call gets its error, and the queue goes on.
          const failure = { error: error instanceof Error ? error : new Error(String(error)) };
          batch.forEach((w) => w.settle(failure));
        }
      }
    } finally {
      this.running = false;
    }
  }
}
