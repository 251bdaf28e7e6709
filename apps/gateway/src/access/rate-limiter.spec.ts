import { RateLimitedError, RateLimiter, TokenBuckets } from './rate-limiter';

describe('rate limits', () => {
  it('allows a burst, then refills at the rate', () => {
    let now = 0;
    const buckets = new TokenBuckets(2, 3, () => now);
    expect([buckets.take('u'), buckets.take('u'), buckets.take('u')]).toEqual([0, 0, 0]);
    expect(buckets.take('u')).toBe(1);
    now += 500; // one token back
    expect(buckets.take('u')).toBe(0);
    expect(buckets.take('u')).toBeGreaterThan(0);
  });

  it('forgets senders whose bucket is full again', () => {
    let now = 0;
    const buckets = new TokenBuckets(1, 1, () => now);
    for (let i = 0; i < 10_001; i++) buckets.take(`u${i}`);
    now += 5_000;
    buckets.take('fresh');
    buckets.take('another');
    expect(buckets.size).toBeLessThan(10);
  });

  it('looks at a few buckets per message, not at every sender, however many are active', () => {
    let now = 0;
    const buckets = new TokenBuckets(1, 1, () => now);
    // 20,000 senders inside one refill window: none is full again, so none can be forgotten.
    for (let i = 0; i < 20_000; i++) buckets.take(`u${i}`);
    expect(buckets.size).toBe(20_000);
    expect(buckets.forgetFull(now)).toBe(1); // the least recently used is not full: stop there
    // Later, the oldest half is full again; the newest half sent again and is not.
    now += 2_000;
    for (let i = 10_000; i < 20_000; i++) buckets.take(`u${i}`);
    expect(buckets.size).toBeLessThanOrEqual(10_001);
    expect(buckets.forgetFull(now)).toBe(1);
  });

  it('limits each user and each key on its own', () => {
    const limiter = new RateLimiter({ userPerSecond: 1, userBurst: 2, keyPerSecond: 1, keyBurst: 3, now: () => 0 });
    limiter.check('alice', 'web');
    limiter.check('alice', 'web');
    expect(() => limiter.check('alice', 'web')).toThrow(expect.objectContaining({ scope: 'user' }));
    limiter.check('bob', 'web'); // the key's third message
    let error: unknown;
    try {
      limiter.check('carol', 'web');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ scope: 'key', retryAfterSeconds: 1 });
  });
});
