import type { NluTaskView } from './nlu-view';

/** A reply as the gateway hands it to a waiting client. */
export interface DeliveredReply {
  text: string;
  source: string;
  /** The policy rule that chose it (`gateway.no_reply` when the gateway answered by itself). */
  reason: string;
  fallback: boolean;
  latencyMs: number;
  nlu: Record<string, NluTaskView>;
}

interface Waiter {
  resolve: (reply: DeliveredReply | undefined) => void;
  timer: NodeJS.Timeout;
}

/**
 * Requests waiting for their reply, by message id. A waiter resolves with the reply, or with
 * undefined when its time is up, so the caller always has something to answer with.
 */
export class PendingReplies {
  private readonly waiters = new Map<string, Waiter>();

  get size(): number {
    return this.waiters.size;
  }

  wait(messageId: string, timeoutMs: number): Promise<DeliveredReply | undefined> {
    if (this.waiters.has(messageId)) throw new Error(`already waiting for ${messageId}`);
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          this.waiters.delete(messageId);
          resolve(undefined);
        },
        Math.max(0, timeoutMs),
      );
      this.waiters.set(messageId, { resolve, timer });
    });
  }

  /** Hands a reply to its waiter; false if nobody here waits for it (another gateway's, or too late). */
  deliver(messageId: string, reply: DeliveredReply): boolean {
    const waiter = this.waiters.get(messageId);
    if (!waiter) return false;
    clearTimeout(waiter.timer);
    this.waiters.delete(messageId);
    waiter.resolve(reply);
    return true;
  }

  /** Releases every waiter (shutdown): each resolves with undefined and gets the fallback. */
  releaseAll(): void {
    for (const [messageId, waiter] of this.waiters) {
      clearTimeout(waiter.timer);
      this.waiters.delete(messageId);
      waiter.resolve(undefined);
    }
  }
}
