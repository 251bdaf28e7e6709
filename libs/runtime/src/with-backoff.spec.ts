import { withBackoff } from './with-backoff';

describe('withBackoff', () => {
  it('retries with growing waits until the dependency answers', async () => {
    const waits: number[] = [];
    let calls = 0;
    const value = await withBackoff(
      'db',
      async () => {
        if (++calls < 4) throw new Error('refused');
        return 'up';
      },
      { sleep: async (ms) => void waits.push(ms) },
    );
    expect(value).toBe('up');
    expect(waits).toEqual([500, 1000, 2000]);
  });

  it('gives up with the last error once the time is up', async () => {
    await expect(
      withBackoff(
        'db',
        async () => {
          throw new Error('still down');
        },
        { timeoutMs: 1, sleep: async () => undefined },
      ),
    ).rejects.toThrow('still down');
  });
});
