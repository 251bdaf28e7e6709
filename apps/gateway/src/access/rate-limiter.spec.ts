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
