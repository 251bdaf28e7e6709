/** Too many messages from one user or one key: retry after the given seconds. */
export class RateLimitedError extends Error {
  constructor(
    readonly scope: 'user' | 'key',
    readonly retryAfterSeconds: number,
  ) {
    super(`too many messages for this ${scope}; retry in ${retryAfterSeconds} s`);
    this.name = 'RateLimitedError';
  }
}

/** Senders tracked before full buckets are forgotten. */
const TRACKED_BEFORE_FORGETTING = 10_000;

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/**
 * Token buckets by id: `perSecond` refill, `burst` capacity. Buckets that are full again are
 * forgotten, so memory follows the active senders, not every sender ever seen. Buckets are kept in
 * the order they were last used, so forgetting starts at the least recently used and stops at the
 * first that is not full yet: a message costs a few bucket checks, never a scan of every sender.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until `id` has a token (0 = it has one now); takes nothing. */
  wait(id: string): number {
    const tokens = this.refill(id).tokens;
    return tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - tokens) / this.perSecond));
  }

  /** Takes a token; the seconds to wait when there is none (0 = taken). */
  take(id: string): number {
    const wait = this.wait(id);
    if (wait > 0) return wait;
    this.buckets.get(id)!.tokens -= 1;
    if (this.buckets.size > TRACKED_BEFORE_FORGETTING) this.forgetFull(this.now());
    return 0;
  }

  private refill(id: string): Bucket {
    const now = this.now();
    const bucket = this.buckets.get(id) ?? { tokens: this.burst, updatedMs: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.updatedMs) / 1000) * this.perSecond);
    bucket.updatedMs = now;
    // Re-inserted, so the map's order is the order of last use.
    this.buckets.delete(id);
    this.buckets.set(id, bucket);
    return bucket;
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Forgets full buckets from the least recently used on; returns how many buckets it looked at. */
  forgetFull(now: number): number {
    let looked = 0;
    for (const [id, bucket] of this.buckets) {
      looked++;
      if (bucket.tokens + ((now - bucket.updatedMs) / 1000) * this.perSecond < this.burst) break;
      this.buckets.delete(id);
    }
    return looked;
  }
}

/** Per-user and per-key limits on accepted messages. */
export class RateLimiter {
  private readonly users: TokenBuckets;
  private readonly keys: TokenBuckets;

  constructor(options: { userPerSecond: number; userBurst: number; keyPerSecond: number; keyBurst: number; now?: () => number }) {
    this.users = new TokenBuckets(options.userPerSecond, options.userBurst, options.now);
    this.keys = new TokenBuckets(options.keyPerSecond, options.keyBurst, options.now);
  }

  /** Throws RateLimitedError when the key (if any) or the user is over its limit; a refused message uses up neither. */
  check(userId: string, keyName?: string): void {
    const user = `${keyName ?? ''}/${userId}`;
    const keyWait = keyName ? this.keys.wait(keyName) : 0;
    if (keyWait > 0) throw new RateLimitedError('key', keyWait);
    const userWait = this.users.wait(user);
    if (userWait > 0) throw new RateLimitedError('user', userWait);
    if (keyName) this.keys.take(keyName);
    this.users.take(user);
  }
}
