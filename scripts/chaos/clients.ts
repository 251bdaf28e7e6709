import { randomUUID } from 'node:crypto';
import type { Line } from './conversations';

/** One message as its client saw it. */
export interface Sent extends Line {
  clientMessageId: string;
  attempts: number;
  /** Distinct message ids and reply texts the client got back (a client stops at its first reply). */
  messageIds: Set<string>;
  replies: Set<string>;
  reasons: string[];
  /**
   * `replied`: a 200 with a reply. `refused`: a 4xx other than 429, an explicit failure. `lost`: the
   * retry budget ran out (the last answer a 5xx, a 429, a timeout or no connection).
   */
  result?: 'replied' | 'refused' | 'lost';
  /** The last failed attempt's status or error. */
  failure?: string;
  /** The final question after the faults ("what's my name?"). */
  final?: boolean;
  /** A request is out, waiting for its answer (not in a pause between attempts). */
  waiting?: boolean;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A client as a real one behaves: every message carries a clientMessageId, and a connection error,
 * a timeout, a 5xx or a 429 is retried with the same clientMessageId after a growing pause, until
 * `budgetMs` has passed. Only a 4xx other than 429 ends it early.
 */
export async function send(gatewayUrl: string, record: Sent, budgetMs: number): Promise<void> {
  const body = JSON.stringify({
    conversationId: record.conversationId,
    userId: record.userId,
    text: record.text,
    clientMessageId: record.clientMessageId,
  });
  const giveUpAt = Date.now() + budgetMs;
  while (Date.now() < giveUpAt) {
    record.attempts++;
    record.waiting = true;
    try {
      const res = await fetch(`${gatewayUrl}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(15_000),
      });
      const json = (await res.json()) as { messageId?: string; reply?: { text: string; reason: string }; error?: { code: string } };
      if (res.status === 200 && json.reply) {
        record.messageIds.add(json.messageId!);
        record.replies.add(json.reply.text);
        record.reasons.push(json.reply.reason);
        record.result = 'replied';
        return;
      }
      record.failure = `${res.status} ${json.error?.code ?? ''}`.trim();
      if (res.status >= 400 && res.status < 500 && res.status !== 429) {
        record.result = 'refused';
        return;
      }
    } catch (error) {
      record.failure = (error as Error).name === 'TimeoutError' ? 'timeout' : 'connection';
    } finally {
      record.waiting = false;
    }
    await pause(Math.min(5_000, 250 * 2 ** Math.min(record.attempts, 5)));
  }
  // Out of budget: whatever the last answer was (a 5xx included), the message got no reply.
  record.result = 'lost';
}

export function newSent(line: Line, final = false): Sent {
  return {
    ...line,
    clientMessageId: `chaos-${randomUUID()}`,
    attempts: 0,
    messageIds: new Set(),
    replies: new Set(),
    reasons: [],
    ...(final && { final }),
  };
}

/** A steady load: `rate` new messages a second, each its own client, until stopped. */
export class Load {
  readonly sent: Sent[] = [];
  private readonly clients = new Set<Promise<void>>();
  private running = false;
  private loop?: Promise<void>;

  constructor(private readonly options: { gatewayUrl: string; rate: number; budgetMs: number; line: (i: number) => Line }) {}

  start(): void {
    this.running = true;
    this.loop = (async () => {
      for (let i = 0; this.running; i++) {
        const started = Date.now();
        this.add(newSent(this.options.line(i)));
        await pause(Math.max(0, 1000 / this.options.rate - (Date.now() - started)));
      }
    })();
  }

  /** Requests out now, waiting for their answers. */
  waiting(): number {
    return this.sent.filter((s) => s.waiting).length;
  }

  /** Sends one message now, outside the steady rate; resolves when its client is done. */
  add(record: Sent): Promise<void> {
    this.sent.push(record);
    const client: Promise<void> = send(this.options.gatewayUrl, record, this.options.budgetMs).finally(() => this.clients.delete(client));
    this.clients.add(client);
    return client;
  }

  /** Stops sending new messages; resolves once every client still retrying is done. */
  async stop(onWaiting?: (clients: number) => void): Promise<void> {
    this.running = false;
    await this.loop;
    onWaiting?.(this.clients.size);
    await Promise.allSettled([...this.clients]);
  }
}
