import { ModelBatcher, type CallResult } from './model-batcher';

/** A model whose calls the test finishes by hand; it doubles numbers. */
function manualModel() {
  const calls: { items: number[]; finish: (error?: Error) => void }[] = [];
  const call = (items: number[]) =>
    new Promise<CallResult<number>>((resolve, reject) =>
      calls.push({ items, finish: (error) => (error ? reject(error) : resolve({ outputs: items.map((n) => n * 2), latencyMs: 7 })) }),
    );
  return { calls, call };
}
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('ModelBatcher', () => {
  it('calls at once when idle, and puts what came during a call into the next one, up to maxSize', async () => {
    const { calls, call } = manualModel();
    const batcher = new ModelBatcher(4, call);
    const first = batcher.submit([1]);
    expect(calls.map((c) => c.items)).toEqual([[1]]);
    // Three partitions' batches arrive while the model is busy.
    const second = batcher.submit([2, 3]);
    const third = batcher.submit([4, 5]);
    const fourth = batcher.submit([6]);
    calls[0].finish();
    expect(await first).toEqual([{ output: 2, latencyMs: 7 }]);
    await settle();
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3, 4, 5]]);
    calls[1].finish();
    await settle();
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3, 4, 5], [6]]);
    calls[2].finish();
    expect((await second).map((r) => 'output' in r && r.output)).toEqual([4, 6]);
    expect((await third).map((r) => 'output' in r && r.output)).toEqual([8, 10]);
    expect((await fourth).map((r) => 'output' in r && r.output)).toEqual([12]);
  });

  it('splits one large submission into calls of maxSize', async () => {
    const { calls, call } = manualModel();
    const batcher = new ModelBatcher(2, call);
    const all = batcher.submit([1, 2, 3, 4, 5]);
    for (let i = 0; i < 3; i++) {
      await settle();
      calls[i].finish();
    }
    expect(calls.map((c) => c.items)).toEqual([[1, 2], [3, 4], [5]]);
    expect((await all).map((r) => 'output' in r && r.output)).toEqual([2, 4, 6, 8, 10]);
  });

  it("gives a failed call's error to each of its items only, and goes on", async () => {
    const { calls, call } = manualModel();
    const batcher = new ModelBatcher(8, call);
    const failed = batcher.submit([1]);
    const next = batcher.submit([2]);
    calls[0].finish(new Error('ORT out of memory'));
    expect(await failed).toEqual([{ error: new Error('ORT out of memory') }]);
    await settle();
    calls[1].finish();
    expect(await next).toEqual([{ output: 4, latencyMs: 7 }]);
  });

  it('answers an empty submission without calling the model', async () => {
    const { calls, call } = manualModel();
    expect(await new ModelBatcher(8, call).submit([])).toEqual([]);
    expect(calls).toHaveLength(0);
  });
});
