/** Where a contributor's breaker is. */
export type BreakerState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /**
   * A contributor whose p95 answer time is above this share of each message's time budget
   * (deadline − margin − acceptance) is not waited for; 1 = "misses its deadline".
   */
  budget: number;
  /** How far back answer times count: a rate-independent window (20 answers are 0.2 s at 100 messages/s). */
  windowMs: number;
  /** At most this many answer times kept per contributor (the newest). */
  maxSamples: number;
  /** Answers needed before the breaker may open. */
  minSamples: number;
  /** How long an open breaker stays open before one message probes the contributor again. */
  cooldownMs: number;
  now?: () => number;
}

interface Breaker {
  samples: { atMs: number; share: number }[];
  state: BreakerState;
  reopenAtMs: number;
  /** The message that is probing a half-open breaker. */
  probe?: string;
}

/**
 * Adaptive switching between models by their answer time. Each contributor's answer times of the last `windowMs`
 * are kept as shares of their message's time budget (acceptance → arrival over acceptance →
 * close; a miss counts as infinitely slow), so messages with different deadlines compare; when
 * their p95 exceeds the budget the breaker opens and merges stop waiting for it (its answers are still used when they
 * come in time). After a cooldown one message waits for it again: on time closes the breaker, late
 * opens it for another cooldown.
 */
export class CircuitBreakers {
  private readonly breakers = new Map<string, Breaker>();
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Whether a new merge (for messageId) should wait for this contributor. */
  shouldWait(contributor: string, messageId: string): boolean {
    const breaker = this.get(contributor);
    if (breaker.state === 'closed') return true;
    if (breaker.state === 'open' && this.now() >= breaker.reopenAtMs) {
      breaker.state = 'half_open';
      breaker.probe = messageId;
      return true;
    }
    return breaker.state === 'half_open' && breaker.probe === messageId;
  }

  /** An answer time as a share of its message's time budget (Infinity for a miss), of a contributor the merge waited for. */
  record(contributor: string, messageId: string, share: number): void {
    const breaker = this.get(contributor);
    if (breaker.state === 'half_open') {
      if (breaker.probe !== messageId) return;
      breaker.probe = undefined;
      if (share <= this.options.budget) {
        breaker.state = 'closed';
        breaker.samples = [{ atMs: this.now(), share }];
      } else {
        this.open(breaker);
      }
      return;
    }
    if (breaker.state === 'open') return;
    const now = this.now();
    breaker.samples.push({ atMs: now, share });
    // Older answers leave the window, except the last minSamples: at a message a minute, a dead
    // contributor must still open its breaker.
    const { samples } = breaker;
    while (
      samples.length > this.options.maxSamples ||
      (samples.length > this.options.minSamples && samples[0].atMs < now - this.options.windowMs)
    )
      samples.shift();
    // The window's p95 is above the budget when more than 5% of it is; at least two slow answers,
    // so one early miss in a short window does not open the breaker.
    const slow = breaker.samples.filter((sample) => sample.share > this.options.budget).length;
    if (breaker.samples.length >= this.options.minSamples && slow > Math.max(1, Math.floor(breaker.samples.length * 0.05)))
      this.open(breaker);
  }

  p95(contributor: string): number {
    const sorted = this.get(contributor)
      .samples.map((sample) => sample.share)
      .sort((a, b) => a - b);
    if (sorted.length === 0) return 0;
    return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)];
  }

  state(contributor: string): BreakerState {
    return this.get(contributor).state;
  }

  private open(breaker: Breaker): void {
    breaker.state = 'open';
    breaker.reopenAtMs = this.now() + this.options.cooldownMs;
    breaker.samples = [];
  }

  private get(contributor: string): Breaker {
    let breaker = this.breakers.get(contributor);
    if (!breaker) this.breakers.set(contributor, (breaker = { samples: [], state: 'closed', reopenAtMs: 0 }));
    return breaker;
  }
}
