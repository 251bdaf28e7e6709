import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { APP_CONFIG } from '@app/config';
import { create } from '@bufbuild/protobuf';
import {
  CandidateViewSchema,
  ResultStatus,
  Topic,
  deriveMeta,
  type Candidate,
  type ChatMessage,
  type NluResult,
  type NluSummary,
  type Turn,
  type TopicNames,
} from '@app/contracts';
import { ConversationStore, answeredTurn, type ExpiredConversation } from '@app/dialogue-state';
import { EventProducer, HeldOffsets, KafkaRuntime, type AnyConsumedEvent, type EventConsumer } from '@app/kafka';
import { METRICS_REGISTRY } from '@app/metrics';
import { answerEvents, answeredAgain, failedAnswer, repeatedReply } from './answer/answer-events';
import { ReplyFault } from './answer/reply-fault';
import { CircuitBreakers } from './merge/circuit-breakers';
import { DeadlineMerger, type ClosedMerge } from './merge/deadline-merger';
import { checkTemplates, summarize } from './policy/policy-checks';
import { ReplyComposer } from './policy/reply-composer';
import type { SelectorConfig } from './selector.config';
import { SelectorMetrics } from './selector.metrics';
import { StateExpiry } from './state/state-expiry';

type Contribution = { kind: 'nlu'; result: NluResult } | { kind: 'candidate'; result: Candidate };

interface MessageContext {
  message: ChatMessage;
  partition: number;
  /** Its chat.messages offset: held (not committed past) until the answer is acknowledged. */
  offset: string;
  deadlineAtMs: number;
  traceId: string;
  /** Contributors this merge waits for. */
  waitedFor: string[];
  /** Expected contributors it does not wait for (their breaker is open). */
  skipped: string[];
  /** Gateways that got the same message again while it was open (a client's retry): each gets the reply. */
  alsoReplyTo: Set<string>;
}

/**
 * Topology: chat.messages + nlu.results + chat.candidates (co-partitioned by conversation) →
 * deadline merge → policy → chat.replies + chat.outcomes + chat.conversations. The last is this
 * selector's state changelog: restored before a newly assigned partition's messages are handled.
 *
 * A message's offset is committed only once its reply, outcome and state are acknowledged by the
 * broker (they are sent until they are): a crash in between redelivers it, and the state then
 * tells the redelivered record (already answered) from a client's retry (answered again).
 */
@Injectable()
export class SelectorService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SelectorService.name);
  private readonly consumer: EventConsumer;
  private readonly merger: DeadlineMerger<Contribution>;
  private readonly contexts = new Map<string, MessageContext>();
  private readonly publishing = new Set<Promise<void>>();
  private readonly composer: ReplyComposer;
  private readonly expected: string[];
  private readonly conversations = new ConversationStore();
  private readonly expiry: StateExpiry;
  private readonly breakers: CircuitBreakers;
  private readonly marginMs: number;
  private readonly held = new HeldOffsets();
  private readonly metrics: SelectorMetrics;
  private readonly names: TopicNames;
  /** The consumer group as deployed (with the topic prefix), for dead letters. */
  private readonly group: string;
  /** A drill (FAULT_REPLY), off by default. */
  private readonly fault: ReplyFault;

  constructor(
    @Inject(APP_CONFIG) config: SelectorConfig,
    private readonly producer: EventProducer,
    kafka: KafkaRuntime,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.expected = [
      ...config.SELECTOR_EXPECTED_TASKS.map((t) => `nlu:${t}`),
      ...config.SELECTOR_EXPECTED_GENERATORS.map((g) => `gen:${g}`),
    ];
    this.composer = ReplyComposer.load({
      timeZone: config.SELECTOR_TIME_ZONE,
      limits: { turns: config.SELECTOR_HISTORY_TURNS, mentions: 8, topics: 5 },
    });
    checkTemplates(this.composer.policy, this.composer.templates);
    this.marginMs = config.SELECTOR_MARGIN_MS;
    this.fault = new ReplyFault(config.FAULT_REPLY, config.FAULT_REPLY_EVERY);
    if (config.FAULT_REPLY !== 'off')
      this.logger.warn(`FAULT_REPLY=${config.FAULT_REPLY}: every ${config.FAULT_REPLY_EVERY}th answer (a drill)`);
    this.breakers = new CircuitBreakers({
      budget: config.SELECTOR_BREAKER_BUDGET,
      windowMs: 10_000,
      maxSamples: 2_000,
      minSamples: 5,
      cooldownMs: config.SELECTOR_BREAKER_COOLDOWN_MS,
    });
    this.merger = new DeadlineMerger<Contribution>({ marginMs: config.SELECTOR_MARGIN_MS, onClose: (merge) => this.answerOrFail(merge) });
    this.metrics = new SelectorMetrics(registry, {
      merger: this.merger,
      conversations: this.conversations,
      breakers: this.breakers,
      held: this.held,
      expected: this.expected,
    });
    this.expiry = new StateExpiry({
      store: this.conversations,
      idleMs: config.SELECTOR_STATE_IDLE_MS,
      busy: () => new Set([...this.contexts.values()].map((context) => context.message.meta!.conversationId)),
      restoring: (partition) => this.consumer.isRestoring(partition),
      expired: (conversations) => this.tombstone(conversations),
    });
    this.names = kafka.names;
    this.group = kafka.names.group('selector');
    this.consumer = kafka.consumer({
      groupId: 'selector',
      topics: [Topic.messages, Topic.nluResults, Topic.candidates, Topic.conversations],
      fromBeginning: true,
      coPartitioned: true,
      changelog: { topic: Topic.conversations, mode: 'owner', onRevoked: (partitions) => this.revoked(partitions) },
      holdCommits: { topic: Topic.messages, offsets: this.held },
      maxWaitTimeInMs: 100,
      partitionsConsumedConcurrently: 12,
      handle: async (events, heartbeat) => {
        // While answers cannot be published, take no more input (they are retried meanwhile).
        while (this.producer.failing) await Promise.race([this.producer.whenDelivering(), heartbeat().then(() => pause(1_000))]);
        events.forEach((event) => this.route(event));
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.expiry.start();
    await this.consumer.start();
  }

  /**
   * Answers every open merge now and waits until those answers are acknowledged, then leaves the
   * group (committing their offsets), so the partitions' next owner neither loses nor repeats them.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.expiry.stop();
    this.consumer.pauseAll();
    this.merger.closeAll();
    await Promise.allSettled([...this.publishing]);
    await this.consumer.stop();
  }

  /**
   * Partitions given to another member: their state goes, and so do their open merges, unanswered.
   * Their offsets were not committed, so the new owner reads those messages again and answers them
   * from the restored state; answering here too would answer twice, from a state it no longer owns.
   */
  private revoked(partitions: number[]): void {
    for (const [messageId, context] of this.contexts) {
      if (!partitions.includes(context.partition)) continue;
      this.merger.cancel(messageId);
      this.contexts.delete(messageId);
    }
    this.conversations.drop(partitions);
  }

  private route(consumed: AnyConsumedEvent): void {
    switch (consumed.topic) {
      case Topic.messages: {
        const message = consumed.event;
        const messageId = message.meta!.messageId;
        // The same message id again: Kafka redelivering it, or a client retrying it (the gateway
        // derives the id from the client's message id). Never answered twice; a retry gets the same reply.
        const answered = answeredTurn(this.conversations.get(consumed.key), messageId);
        if (answered) {
          if (answeredAgain(answered, consumed.offset) === 'redelivery') {
            this.metrics.redelivered.inc();
          } else {
            this.metrics.retried.inc();
            this.replyAgain(message, answered, consumed);
          }
          return;
        }
        if (this.merger.isKnown(messageId)) {
          if (message.replyTo) this.contexts.get(messageId)?.alsoReplyTo.add(message.replyTo);
          return;
        }
        const waitedFor = this.expected.filter((c) => this.breakers.shouldWait(c, messageId));
        this.held.hold(consumed.partition, consumed.offset);
        this.contexts.set(messageId, {
          message,
          partition: consumed.partition,
          offset: consumed.offset,
          deadlineAtMs: consumed.deadlineAtMs,
          traceId: consumed.traceId,
          waitedFor,
          skipped: this.expected.filter((c) => !waitedFor.includes(c)),
          alsoReplyTo: new Set(),
        });
        this.merger.start({ messageId, deadlineAtMs: consumed.deadlineAtMs, expected: waitedFor });
        return;
      }
      case Topic.conversations:
        // Read while restoring: a tombstone is a conversation this selector (or a previous owner) expired.
        this.conversations.applyRecord(consumed.partition, consumed.key, consumed.event);
        return;
      case Topic.nluResults:
        return this.contribute(`nlu:${consumed.event.task}`, consumed.event.meta!.messageId, consumed.deadlineAtMs, {
          kind: 'nlu',
          result: consumed.event,
        });
      case Topic.candidates:
        return this.contribute(`gen:${consumed.event.generator}`, consumed.event.meta!.messageId, consumed.deadlineAtMs, {
          kind: 'candidate',
          result: consumed.event,
        });
      default:
        return;
    }
  }

  private contribute(contributor: string, messageId: string, deadlineAtMs: number, contribution: Contribution): void {
    const { meta, status } = contribution.result;
    if (status === ResultStatus.OK) this.metrics.arrival.observe({ contributor }, (Date.now() - meta!.acceptedAtMs) / 1000);
    if (this.merger.add(messageId, contributor, contribution, deadlineAtMs) === 'late') this.metrics.late.inc({ contributor });
  }

  /** Sends an answered message's reply again, to the gateway that now waits for it; nothing else changes. */
  private replyAgain(message: ChatMessage, turn: Turn, consumed: AnyConsumedEvent): void {
    if (!message.replyTo) return;
    const meta = deriveMeta(message.meta!);
    this.publish(meta.messageId, [repeatedReply(meta, message, turn, consumed)]);
  }

  /** Sends until acknowledged (in order with everything else this selector sends), then runs `acked`. */
  private publish(messageId: string, events: Parameters<EventProducer['send']>[0], acked?: () => void): void {
    const published = this.producer
      .send(events, { untilAcked: true })
      .then(acked)
      .catch((error: Error) => this.logger.error(`could not publish the answer to ${messageId}: ${error.message}`))
      .finally(() => this.publishing.delete(published));
    this.publishing.add(published);
  }

  /**
   * Tombstones expired conversations on the changelog, sent until acknowledged and in order with
   * the answers: a message that arrives after the expiry writes its fresh state after the tombstone.
   */
  private tombstone(conversations: ExpiredConversation[]): void {
    this.metrics.expired.inc(conversations.length);
    this.logger.log(`expired ${conversations.length} idle conversations`);
    const ids = conversations.map((c) => c.conversationId);
    const sent = this.producer
      .sendTombstones(Topic.conversations, ids, { untilAcked: true })
      .catch((error: Error) => this.logger.error(`could not tombstone ${ids.length} expired conversations: ${error.message}`))
      .finally(() => this.publishing.delete(sent));
    this.publishing.add(sent);
  }

  /**
   * The one error path for merges closed by a timer: a message whose answer cannot be composed
   * goes to the dead-letter topic with the reason (then its offset may be committed); the process
   * lives on, and so do the other merges.
   */
  private answerOrFail(merge: ClosedMerge<Contribution>): void {
    const context = this.contexts.get(merge.messageId);
    this.contexts.delete(merge.messageId);
    if (!context) return;
    try {
      this.answer(merge, context);
    } catch (error) {
      this.logger.error(`could not answer ${merge.messageId}: ${(error as Error).stack ?? String(error)}`);
      this.metrics.failed.inc();
      const where = { topic: this.names.of(Topic.messages), partition: context.partition, offset: context.offset, group: this.group };
      this.publish(merge.messageId, [failedAnswer(context.message, where, error as Error)], () =>
        this.held.release(context.partition, context.offset),
      );
    }
  }

  private answer(merge: ClosedMerge<Contribution>, context: MessageContext): void {
    const { message } = context;
    const meta = deriveMeta(message.meta!);
    // Answer times feed the breakers, as shares of this message's time: a contributor waited for
    // and not in (or in with nothing, skipped at its deadline) counts as a miss.
    const allowedMs = Math.max(1, context.deadlineAtMs - this.marginMs - meta.acceptedAtMs);
    for (const contributor of context.waitedFor) {
      const arrived = merge.contributions.get(contributor);
      const ok = arrived && arrived.result.result.status !== ResultStatus.SKIPPED_DEADLINE;
      this.breakers.record(contributor, merge.messageId, ok ? (arrived.arrivedAtMs - meta.acceptedAtMs) / allowedMs : Infinity);
    }
    const nlu: NluSummary[] = [];
    const candidates: Candidate[] = [];
    for (const { result } of merge.contributions.values()) {
      if (result.kind === 'candidate') candidates.push(result.result);
      else if (result.result.status === ResultStatus.OK && result.result.labels.length > 0) nlu.push(summarize(result.result));
    }
    const state = this.conversations.get(meta.conversationId);
    const composed = this.composer.compose({ meta, text: message.text, state, nlu, candidates, messageOffset: context.offset });
    const { decision } = composed;
    const missingGenerators = [...merge.missed, ...context.skipped]
      .filter((c) => c.startsWith('gen:') && !merge.contributions.has(c))
      .map((c) => create(CandidateViewSchema, { generator: c.slice('gen:'.length), status: 'missing' }));
    // Memory first: the conversation's next message may be merged before the changelog write is acknowledged.
    this.conversations.apply(context.partition, composed.state);
    const latencyMs = Math.max(0, Date.now() - meta.acceptedAtMs);
    this.metrics.replies.inc({ source: decision.source, rule: decision.rule });
    for (const [generator, reason] of Object.entries(decision.rejected)) this.metrics.rejected.inc({ generator, reason });
    this.metrics.latency.observe({ source: decision.source }, latencyMs / 1000);
    const events = answerEvents({
      meta,
      message,
      messageOffset: context.offset,
      composed,
      nlu,
      missingGenerators,
      replyTo: [...new Set([message.replyTo, ...context.alsoReplyTo])],
      expected: this.expected,
      arrived: [...merge.contributions.keys()],
      missed: merge.missed,
      skipped: context.skipped,
      deadlineReached: merge.deadlineReached,
      deadlineAtMs: context.deadlineAtMs,
      traceId: context.traceId,
      latencyMs,
    });
    const release = () => this.held.release(context.partition, context.offset);
    const copies = this.fault.copies();
    if (copies === 0) {
      this.logger.warn(`FAULT_REPLY=drop: the answer to ${merge.messageId} is not published`);
      return release();
    }
    for (let copy = 1; copy <= copies; copy++) this.publish(merge.messageId, events, copy === copies ? release : undefined);
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
