import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { Counter, Histogram, type Registry } from 'prom-client';
import { APP_CONFIG } from '@app/config';
import { ChatMessageSchema, SCHEMA_VERSION, Topic } from '@app/contracts';
import { EventProducer } from '@app/kafka';
import { METRICS_REGISTRY } from '@app/metrics';
import type { GatewayConfig } from '../gateway.config';
import type { MessageInput } from './message-input';
import { PendingReplies, type DeliveredReply } from './pending-replies';

export type Channel = 'http' | 'grpc';

export interface MessageResult {
  messageId: string;
  conversationId: string;
  clientMessageId?: string;
  reply: DeliveredReply;
}

/** The gateway cannot take more work now; the client should retry after a pause. */
export class OverloadedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('too many messages are waiting for replies');
    this.name = 'OverloadedError';
  }
}

/** The reason a reply carries when the gateway answered by itself. */
export const GATEWAY_FALLBACK_REASON = 'gateway.no_reply';

/** Said when the pipeline did not answer in time: the user still gets a reply, marked as a fallback. */
const GATEWAY_FALLBACK_TEXT = 'Sorry, I zoned out for a second there. What were you saying?';

/** Accepts a message, puts it on chat.messages and waits for its reply (or answers by itself in time). */
@Injectable()
export class MessageIntakeService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(MessageIntakeService.name);
  readonly pending = new PendingReplies();
  /** Recent results by message id, for clients that retry with the same clientMessageId. */
  private readonly recent = new Map<string, { result: Promise<MessageResult>; expiresAtMs: number }>();
  private draining = false;
  /** Messages waiting for a reply, by the API key that sent them. */
  private readonly pendingByKey = new Map<string, number>();
  private readonly accepted: Counter;
  private readonly replyLatency: Histogram;

  constructor(
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
    private readonly producer: EventProducer,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.accepted = new Counter({
      name: 'gateway_messages_total',
      help: 'Messages accepted, by channel and how they were answered',
      labelNames: ['channel', 'answered_by'],
      registers: [registry],
    });
    this.replyLatency = new Histogram({
      name: 'gateway_reply_latency_seconds',
      help: 'Acceptance to reply, as the client sees it',
      labelNames: ['channel', 'source'],
      buckets: [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 5],
      registers: [registry],
    });
  }

  /**
   * A message with a clientMessageId gets an id derived from it, the API key that sent it, the
   * user and the conversation, so a retry — to this gateway or another, before or after a crash —
   * is the same message everywhere downstream: this gateway hands back the result it has (or is
   * waiting for); the selector answers an id it already answered with the same reply and never
   * twice. Another key holder, or another conversation, with the same ids is another message.
   */
  handle(input: MessageInput, channel: Channel, keyName = ''): Promise<MessageResult> {
    if (!input.clientMessageId) return this.accept(randomUUID(), input, channel, keyName);
    const messageId = idempotentMessageId({
      keyName,
      userId: input.userId,
      conversationId: input.conversationId,
      clientMessageId: input.clientMessageId,
    });
    const now = Date.now();
    const known = this.recent.get(messageId);
    if (known && known.expiresAtMs > now) return known.result;
    const result = this.accept(messageId, input, channel, keyName);
    this.remember(messageId, result, now);
    return result;
  }

  private remember(messageId: string, result: Promise<MessageResult>, now: number): void {
    // A failed attempt is not remembered: the retry tries again.
    result.catch(() => this.recent.delete(messageId));
    this.recent.set(messageId, { result, expiresAtMs: now + this.config.IDEMPOTENCY_TTL_MS });
    // Oldest first in a Map: trim from the front.
    for (const [id, entry] of this.recent) {
      if (this.recent.size <= this.config.IDEMPOTENCY_MAX_ENTRIES && entry.expiresAtMs > now) break;
      this.recent.delete(id);
    }
  }

  private async accept(messageId: string, input: MessageInput, channel: Channel, keyName: string): Promise<MessageResult> {
    if (this.draining || this.pending.size >= this.config.MAX_PENDING_REPLIES) throw new OverloadedError(1);
    const ofKey = this.pendingByKey.get(keyName) ?? 0;
    if (keyName && ofKey >= Math.ceil(this.config.MAX_PENDING_REPLIES * this.config.MAX_PENDING_KEY_SHARE)) throw new OverloadedError(1);
    this.pendingByKey.set(keyName, ofKey + 1);
    try {
      return await this.sendAndWait(messageId, input, channel);
    } finally {
      const left = (this.pendingByKey.get(keyName) ?? 1) - 1;
      if (left > 0) this.pendingByKey.set(keyName, left);
      else this.pendingByKey.delete(keyName);
    }
  }

  private async sendAndWait(messageId: string, input: MessageInput, channel: Channel): Promise<MessageResult> {
    const acceptedAtMs = Date.now();
    const deadlineAtMs = acceptedAtMs + (input.deadlineMs ?? this.config.DEFAULT_DEADLINE_MS);
    const traceId = randomUUID().replaceAll('-', '');
    const waiting = this.pending.wait(messageId, deadlineAtMs + this.config.REPLY_GRACE_MS - acceptedAtMs);
    try {
      await this.producer.send([
        {
          topic: Topic.messages,
          schema: ChatMessageSchema,
          key: input.conversationId,
          deadlineAtMs,
          traceId,
          value: {
            meta: {
              schemaVersion: SCHEMA_VERSION,
              messageId,
              conversationId: input.conversationId,
              userId: input.userId,
              acceptedAtMs,
              emittedAtMs: Date.now(),
              deadlineAtMs,
              traceId,
            },
            text: input.text,
            clientMessageId: input.clientMessageId ?? '',
            replyTo: this.config.GATEWAY_INSTANCE_ID,
            channel,
          },
        },
      ]);
    } catch (error) {
      this.pending.deliver(messageId, this.fallback(acceptedAtMs));
      await waiting;
      throw error;
    }
    const reply = (await waiting) ?? this.fallback(acceptedAtMs);
    const answeredBy = reply.reason === GATEWAY_FALLBACK_REASON ? 'gateway' : 'selector';
    if (answeredBy === 'gateway') this.logger.warn(`no reply for ${messageId} by its deadline + grace; answered with a fallback`);
    this.accepted.inc({ channel, answered_by: answeredBy });
    this.replyLatency.observe({ channel, source: reply.source }, (Date.now() - acceptedAtMs) / 1000);
    return { messageId, conversationId: input.conversationId, clientMessageId: input.clientMessageId, reply };
  }

  /** Refuses new messages and lets the waiting ones get their replies (each is bounded by its deadline). */
  async beforeApplicationShutdown(): Promise<void> {
    this.draining = true;
    const giveUpAt = Date.now() + this.config.MAX_DEADLINE_MS + this.config.REPLY_GRACE_MS;
    while (this.pending.size > 0 && Date.now() < giveUpAt) await new Promise((resolve) => setTimeout(resolve, 50));
    this.pending.releaseAll();
  }

  private fallback(acceptedAtMs: number): DeliveredReply {
    return {
      text: GATEWAY_FALLBACK_TEXT,
      source: 'fallback',
      reason: GATEWAY_FALLBACK_REASON,
      fallback: true,
      latencyMs: Date.now() - acceptedAtMs,
      nlu: {},
    };
  }
}

/** Who sent a message with a client id, and where: what makes a retry the same message. */
export interface RetryScope {
  /** The API key's name ("" with sign-in off). */
  keyName: string;
  userId: string;
  conversationId: string;
  clientMessageId: string;
}

/** A UUID (RFC 9562 version 8) from the sender's key, user, conversation and message id: the same four, the same id. */
export function idempotentMessageId(scope: RetryScope): string {
  const hash = createHash('sha256');
  // Each part's length first, so no two different scopes hash the same bytes.
  for (const part of [scope.keyName, scope.userId, scope.conversationId, scope.clientMessageId]) hash.update(`${part.length}:${part}`);
  const bytes = hash.digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
