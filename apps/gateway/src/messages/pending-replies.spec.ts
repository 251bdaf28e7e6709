import { PendingReplies, type DeliveredReply } from './pending-replies';

const reply = (text: string): DeliveredReply => ({
  text,
  source: 'canned',
  reason: 'canned.social',
  fallback: false,
  latencyMs: 42,
  nlu: { sentiment: { label: 'positive', score: 0.9, labels: [], model: 'sentiment+minilm-l6-v2-int8', latencyMs: 3, groups: {} } },
});

describe('PendingReplies', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_700_000_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('resolves a waiter with the reply delivered before its timeout', async () => {
    const pending = new PendingReplies();
    const waiting = pending.wait('m1', 1000);
    expect(pending.size).toBe(1);

    jest.advanceTimersByTime(999);
    expect(pending.deliver('m1', reply('hi'))).toBe(true);
    await expect(waiting).resolves.toEqual(reply('hi'));
    expect(pending.size).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('resolves with undefined once the timeout passes, and then refuses the late reply', async () => {
    const pending = new PendingReplies();
    const settled = jest.fn();
    const waiting = pending.wait('m1', 1000).then(settled);

    jest.advanceTimersByTime(999);
    await Promise.resolve();
    expect(settled).not.toHaveBeenCalled();

    jest.advanceTimersByTime(1);
    await waiting;
    expect(settled).toHaveBeenCalledWith(undefined);
    expect(pending.size).toBe(0);
    expect(pending.deliver('m1', reply('too late'))).toBe(false);
  });

  it('treats a negative timeout as zero', async () => {
    const pending = new PendingReplies();
    const waiting = pending.wait('m1', -50);
    jest.advanceTimersByTime(0);
    await expect(waiting).resolves.toBeUndefined();
  });

  it('returns false for a reply nobody here waits for, without touching other waiters', async () => {
    const pending = new PendingReplies();
    const waiting = pending.wait('m1', 1000);
    expect(pending.deliver('other', reply('x'))).toBe(false);
    expect(pending.size).toBe(1);
    expect(pending.deliver('m1', reply('mine'))).toBe(true);
    await expect(waiting).resolves.toEqual(reply('mine'));
  });

  it('delivers a reply only once', async () => {
    const pending = new PendingReplies();
    const waiting = pending.wait('m1', 1000);
    expect(pending.deliver('m1', reply('one'))).toBe(true);
    expect(pending.deliver('m1', reply('two'))).toBe(false);
    await expect(waiting).resolves.toEqual(reply('one'));
  });

  it('throws when the same message id is awaited twice, keeping the first waiter', async () => {
    const pending = new PendingReplies();
    const first = pending.wait('m1', 1000);
    expect(() => pending.wait('m1', 1000)).toThrow('already waiting for m1');
    expect(pending.size).toBe(1);
    pending.deliver('m1', reply('first'));
    await expect(first).resolves.toEqual(reply('first'));
    // Free again once settled.
    const again = pending.wait('m1', 10);
    jest.advanceTimersByTime(10);
    await expect(again).resolves.toBeUndefined();
  });

  it('releaseAll() resolves every waiter with undefined and clears their timers', async () => {
    const pending = new PendingReplies();
    const waits = [pending.wait('a', 1000), pending.wait('b', 2000), pending.wait('c', 3000)];
    expect(pending.size).toBe(3);

    pending.releaseAll();
    expect(pending.size).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
    await expect(Promise.all(waits)).resolves.toEqual([undefined, undefined, undefined]);
    expect(pending.deliver('a', reply('x'))).toBe(false);
  });
});
