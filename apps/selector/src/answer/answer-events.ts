import type { DescMessage } from '@bufbuild/protobuf';
import {
  ChatMessageSchema,
  ConversationStateSchema,
  DeadLetterSchema,
  encodeEvent,
  OutcomeSchema,
  replyHeaders,
  ReplySchema,
  Topic,
  type CandidateView,
  type ChatMessage,
  type EventMeta,
  type NluSummary,
  type Turn,
} from '@app/contracts';
import type { OutgoingEvent } from '@app/kafka';
import type { Composed } from '../policy/reply-composer';

/** Where a message's answer goes and what is known about how it was reached. */
export interface AnswerInput {
  /** The reply's meta, derived from the message's. */
  meta: EventMeta;
  message: ChatMessage;
  /** The chat.messages offset of the record answered (each reply says so in a header). */
  messageOffset: string;
  composed: Composed;
  nlu: NluSummary[];
  /** Generators expected and not in: shown in the outcome as missing. */
  missingGenerators: CandidateView[];
  /** Gateways waiting for the reply (the message's, and any whose client retried while it was open). */
  replyTo: string[];
  expected: string[];
  arrived: string[];
  missed: string[];
  skipped: string[];
  deadlineReached: boolean;
  deadlineAtMs: number;
  traceId: string;
  latencyMs: number;
}

/**
 * A message's answer as records: a reply per waiting gateway, the outcome, and the conversation's
 * new state, keyed by conversation so they stay in order with its other records. The replies are
 * marked `answer` (one decision: they share meta.emittedAtMs), so that a second decision or a
 * record published twice can be told from a resend (`repeatedReply`).
 */
export function answerEvents(input: AnswerInput): OutgoingEvent<DescMessage>[] {
  const { meta, message, composed, nlu } = input;
  const { decision } = composed;
  const common = { key: meta.conversationId, deadlineAtMs: input.deadlineAtMs, traceId: input.traceId };
  return [
    ...input.replyTo.map((gateway) => ({
      ...common,
      headers: replyHeaders('answer', input.messageOffset),
      topic: Topic.replies,
      schema: ReplySchema,
      value: {
        meta,
        text: decision.text,
        source: decision.source,
        reason: decision.rule,
        fallback: decision.fallback,
        latencyMs: input.latencyMs,
        nlu,
        replyTo: gateway,
        clientMessageId: message.clientMessageId,
      },
    })),
    {
      ...common,
      topic: Topic.outcomes,
      schema: OutcomeSchema,
      value: {
        meta,
        replyText: decision.text,
        source: decision.source,
        fallback: decision.fallback,
        policyRule: decision.rule,
        expected: input.expected,
        arrived: input.arrived,
        missed: input.missed,
        deadlineReached: input.deadlineReached,
        latencyMs: input.latencyMs,
        nlu,
        candidates: [...composed.candidateViews, ...input.missingGenerators],
        resolvedText: composed.resolvedText,
        resolvedEntities: composed.resolvedEntities,
        skipped: input.skipped,
      },
    },
    { ...common, topic: Topic.conversations, schema: ConversationStateSchema, value: composed.state },
  ];
}

/**
 * An answered message's reply once more, for the gateway a client's retry now waits on; marked
 * `resend`, with the offset of the retry's record (a legitimate second reply answers a later record).
 */
export function repeatedReply(
  meta: EventMeta,
  message: ChatMessage,
  turn: Turn,
  retry: { offset: string; deadlineAtMs: number; traceId: string },
): OutgoingEvent<typeof ReplySchema> {
  return {
    key: meta.conversationId,
    deadlineAtMs: retry.deadlineAtMs,
    traceId: retry.traceId,
    headers: replyHeaders('resend', retry.offset),
    topic: Topic.replies,
    schema: ReplySchema,
    value: {
      meta,
      text: turn.replyText,
      source: turn.replySource,
      reason: turn.replyReason,
      fallback: turn.replySource === 'fallback',
      latencyMs: Math.max(0, Date.now() - meta.acceptedAtMs),
      replyTo: message.replyTo,
      clientMessageId: message.clientMessageId,
    },
  };
}

/**
 * A message record whose message id its conversation already answered: the answered record read
 * again (a redelivery: nothing to do, its reply is out) or a later record (a client's retry: the
 * same reply again). A turn from before offsets were kept counts as a retry, as it always did.
 */
export function answeredAgain(turn: Turn, offset: string): 'redelivery' | 'retry' {
  return turn.messageOffset !== '' && BigInt(offset) <= BigInt(turn.messageOffset) ? 'redelivery' : 'retry';
}

/**
 * A message the selector could not answer (composing its reply threw): a dead letter with the
 * reason and the message itself, so it is explicitly failed rather than silently lost or retried
 * forever; its client gets the gateway's own reply at the deadline.
 */
export function failedAnswer(
  message: ChatMessage,
  where: { topic: string; partition: number; offset: string; group: string },
  error: Error,
): OutgoingEvent<typeof DeadLetterSchema> {
  const meta = message.meta!;
  return {
    key: meta.conversationId,
    deadlineAtMs: meta.deadlineAtMs,
    traceId: meta.traceId,
    topic: Topic.dlq,
    schema: DeadLetterSchema,
    value: {
      sourceTopic: where.topic,
      partition: where.partition,
      offset: where.offset,
      consumerGroup: where.group,
      reason: `answer_failed: ${error.message}`,
      key: Buffer.from(meta.conversationId),
      value: encodeEvent(ChatMessageSchema, message),
      failedAtMs: Date.now(),
    },
  };
}
