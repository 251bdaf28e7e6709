import type { ConversationStore, ExpiredConversation } from '@app/dialogue-state';

export interface StateExpiryOptions {
  store: ConversationStore;
  /** A conversation not written for this long is forgotten; 0 = never. */
  idleMs: number;
  /** Conversations with a message being answered now: never expired under an open merge. */
  busy: () => ReadonlySet<string>;
  /**
   * Partitions whose changelog is still being read: not swept, since a record not read yet may be
   * newer than the state that looks idle, and a tombstone would land after it and delete it.
   */
  restoring: (partition: number) => boolean;
  /** Tombstones the expired conversations on the changelog, so followers and a restarting owner forget them too. */
  expired: (conversations: ExpiredConversation[]) => void;
  /** How often to sweep; by default a tenth of the idle limit, within 1 s to 60 s. */
  everyMs?: number;
  now?: () => number;
}

/** A tenth of the idle limit, within 1 s to 60 s: a conversation outlives its limit by at most that. */
export const sweepEveryMs = (idleMs: number) => Math.min(60_000, Math.max(1_000, Math.round(idleMs / 10)));

/**
 * Idle expiry of the selector's conversation state: a sweep on a timer, not a check per message
 * (the store reads only the expired conversations). Without it the state only grows, ~8.5 KB of
 * heap per conversation ever seen.
 */
export class StateExpiry {
  private timer?: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(private readonly options: StateExpiryOptions) {
    this.now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.options.idleMs > 0;
  }

  /** Sweeps every `everyMs` until stopped; the timer does not keep the process alive. */
  start(): void {
    if (!this.enabled || this.timer) return;
    this.timer = setInterval(() => this.sweep(), this.options.everyMs ?? sweepEveryMs(this.options.idleMs));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Forgets the conversations idle past the limit and hands them to `expired`; returns them. */
  sweep(): ExpiredConversation[] {
    if (!this.enabled) return [];
    const busy = this.options.busy();
    const expired = this.options.store.expireIdle(this.now(), this.options.idleMs, {
      partition: this.options.restoring,
      conversation: (id) => busy.has(id),
    });
    if (expired.length > 0) this.options.expired(expired);
    return expired;
  }
}
