import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { APP_CONFIG } from '@app/config';
import { create } from '@bufbuild/protobuf';
import {
  CandidateViewSchema,
  ConversationStateSchema,
  NluSummarySchema,
  OutcomeSchema,
  ReplySchema,
  ResultStatus,
  Topic,
  deriveMeta,
  type Candidate,
  type ChatMessage,
  type NluResult,
  type NluSummary,
  type Turn,
} from '@app/contracts';
import { ConversationStore, answeredTurn } from '@app/dialogue-state';
import { CoPartitionedAssigner, EventProducer, KafkaRuntime, type AnyConsumedEvent, type EventConsumer } from '@app/kafka';
import { METRICS_REGISTRY } from '@app/metrics';
import { CircuitBreakers } from './merge/circuit-breakers';
import { DeadlineMerger, type ClosedMerge } from './merge/deadline-merger';
import { ReplyComposer } from './policy/reply-composer';
import type { ReplyTemplates } from './policy/reply-templates';
import type { ResponsePolicy } from './policy/response-policy';
import type { SelectorConfig } from './selector.config';

type Contribution = { kind: 'nlu'; result: NluResult } | { kind: 'candidate'; result: Candidate };

interface MessageContext {
  message: ChatMessage;
  partition: number;
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
  private readonly breakers: CircuitBreakers;
  private readonly marginMs: number;
  private readonly replies: Counter;
  private readonly redelivered: Counter;
  private readonly late: Counter;
  private readonly arrival: Histogram;
  private readonly rejected: Counter;
  private readonly latency: Histogram;

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
    this.breakers = new CircuitBreakers({
      budget: config.SELECTOR_BREAKER_BUDGET,
      windowMs: 10_000,
      maxSamples: 2_000,
      minSamples: 5,
      cooldownMs: config.SELECTOR_BREAKER_COOLDOWN_MS,
    });
    this.merger = new DeadlineMerger<Contribution>({ marginMs: config.SELECTOR_MARGIN_MS, onClose: (merge) => this.answer(merge) });
    this.replies = new Counter({
      name: 'selector_replies_total',
      help: 'Replies by source and rule',
      labelNames: ['source', 'rule'],
      registers: [registry],
    });
    this.redelivered = new Counter({
      name: 'selector_redelivered_answered_total',
      help: 'Messages redelivered (after a restart or rebalance) that their conversation state shows as answered',
      registers: [registry],
    });
    this.late = new Counter({
      name: 'selector_late_contributions_total',
      help: 'Results that arrived after their merge closed (deadline misses)',
      labelNames: ['contributor'],
      registers: [registry],
    });
    this.arrival = new Histogram({
      name: 'selector_contribution_arrival_seconds',
      help: 'Acceptance at the gateway to an answer (status OK) reaching the selector, on time or late, per contributor',
      labelNames: ['contributor'],
      buckets: [0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.5, 2, 5],
      registers: [registry],
    });
    this.rejected = new Counter({
      name: 'selector_rejected_candidates_total',
      help: 'Candidates the safety screen rejected',
      labelNames: ['generator', 'reason'],
      registers: [registry],
    });
    this.latency = new Histogram({
      name: 'selector_reply_latency_seconds',
      help: 'Acceptance at the gateway to reply produced',
      labelNames: ['source'],
      buckets: [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2],
      registers: [registry],
    });
    const { merger, conversations, breakers, expected } = this;
    new Gauge({
      name: 'selector_conversations',
      help: 'Conversations whose state this selector holds',
      registers: [registry],
      collect() {
        this.set(conversations.size);
      },
    });
    new Gauge({
      name: 'selector_open_merges',
      help: 'Messages waiting for contributions',
      registers: [registry],
      collect() {
        this.set(merger.openCount);
      },
    });
    new Gauge({
      name: 'selector_breaker_open',
      help: 'Whether merges stop waiting for a contributor (1 open, 0.5 probing, 0 closed)',
      labelNames: ['contributor'],
      registers: [registry],
      collect() {
        for (const c of expected) this.set({ contributor: c }, { closed: 0, half_open: 0.5, open: 1 }[breakers.state(c)]);
      },
    });
    new Gauge({
      name: 'selector_contributor_p95_budget_share',
      help: "p95 of recent answer times as a share of each message's time budget (above 1: misses; capped at 10)",
      labelNames: ['contributor'],
      registers: [registry],
      collect() {
        for (const c of expected) this.set({ contributor: c }, Math.min(10, breakers.p95(c)));
      },
    });
    this.consumer = kafka.consumer({
      groupId: 'selector',
      topics: [Topic.messages, Topic.nluResults, Topic.candidates, Topic.conversations],
      fromBeginning: true,
      partitionAssigners: [CoPartitionedAssigner],
      changelog: { topic: Topic.conversations, mode: 'owner', onRevoked: (partitions) => this.conversations.drop(partitions) },
      maxWaitTimeInMs: 100,
      partitionsConsumedConcurrently: 12,
      handle: async (events) => events.forEach((event) => this.route(event)),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  /** Stops taking input, answers every open merge now, and waits until those replies are out. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
    this.merger.closeAll();
    await Promise.allSettled([...this.publishing]);
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
          this.redelivered.inc();
          this.replyAgain(message, answered, consumed);
          return;
        }
        if (this.merger.isKnown(messageId)) {
          if (message.replyTo) this.contexts.get(messageId)?.alsoReplyTo.add(message.replyTo);
          return;
        }
        const waitedFor = this.expected.filter((c) => this.breakers.shouldWait(c, messageId));
        this.contexts.set(messageId, {
          message,
          partition: consumed.partition,
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
        this.conversations.apply(consumed.partition, consumed.event);
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
    if (status === ResultStatus.OK) this.arrival.observe({ contributor }, (Date.now() - meta!.acceptedAtMs) / 1000);
    if (this.merger.add(messageId, contributor, contribution, deadlineAtMs) === 'late') this.late.inc({ contributor });
  }

  /** Sends an answered message's reply again, to the gateway that now waits for it; nothing else changes. */
  private replyAgain(message: ChatMessage, turn: Turn, consumed: AnyConsumedEvent): void {
    if (!message.replyTo) return;
    const meta = deriveMeta(message.meta!);
    const published = this.producer
      .send([
        {
          key: meta.conversationId,
          deadlineAtMs: consumed.deadlineAtMs,
          traceId: consumed.traceId,
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
        },
      ])
      .catch((error: Error) => this.logger.error(`could not send the reply for ${meta.messageId} again: ${error.message}`))
      .finally(() => this.publishing.delete(published));
    this.publishing.add(published);
  }

  private answer(merge: ClosedMerge<Contribution>): void {
    const context = this.contexts.get(merge.messageId);
    this.contexts.delete(merge.messageId);
    if (!context) return;
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
    const turn = this.composer.compose({ meta, text: message.text, state, nlu, candidates });
    const { decision } = turn;
    const missingGenerators = [...merge.missed, ...context.skipped]
      .filter((c) => c.startsWith('gen:') && !merge.contributions.has(c))
      .map((c) => create(CandidateViewSchema, { generator: c.slice('gen:'.length), status: 'missing' }));
    // Memory first: the conversation's next message may be merged before the changelog write is acknowledged.
    this.conversations.apply(context.partition, turn.state);
    const latencyMs = Math.max(0, Date.now() - meta.acceptedAtMs);
    const common = { key: meta.conversationId, deadlineAtMs: context.deadlineAtMs, traceId: context.traceId };
    this.replies.inc({ source: decision.source, rule: decision.rule });
    for (const [generator, reason] of Object.entries(decision.rejected)) this.rejected.inc({ generator, reason });
    this.latency.observe({ source: decision.source }, latencyMs / 1000);
    const replyTo = new Set([message.replyTo, ...context.alsoReplyTo]);
    const published = this.producer
      .send([
        ...[...replyTo].map((gateway) => ({
          ...common,
          topic: Topic.replies,
          schema: ReplySchema,
          value: {
            meta,
            text: decision.text,
            source: decision.source,
            reason: decision.rule,
            fallback: decision.fallback,
            latencyMs,
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
            expected: this.expected,
            arrived: [...merge.contributions.keys()],
            missed: merge.missed,
            deadlineReached: merge.deadlineReached,
            latencyMs,
            nlu,
            candidates: [...turn.candidateViews, ...missingGenerators],
            resolvedText: turn.resolvedText,
            resolvedEntities: turn.resolvedEntities,
            skipped: context.skipped,
          },
        },
        { ...common, topic: Topic.conversations, schema: ConversationStateSchema, value: turn.state },
      ])
      .catch((error: Error) => this.logger.error(`could not publish the reply for ${merge.messageId}: ${error.message}`))
      .finally(() => this.publishing.delete(published));
    this.publishing.add(published);
  }
}

/** Fails start-up when the policy names a template key (one without {placeholders}) that replies.json lacks. */
function checkTemplates(policy: ResponsePolicy, templates: ReplyTemplates): void {
  const missing = policy.file.rules
    .flatMap((rule) => ('canned' in rule.then ? rule.then.canned : 'fallback' in rule.then ? rule.then.fallback : []))
    .filter((key) => !key.includes('{') && !templates.has(key));
  if (missing.length > 0) throw new Error(`policy names templates that replies.json lacks: ${missing.join(', ')}`);
}

/** What a reply and an outcome carry of one NLU result: the best label, the labels, the groups. */
export function summarize(result: NluResult): NluSummary {
  const best = result.labels[0];
  return create(NluSummarySchema, {
    task: result.task,
    label: best.name,
    score: best.score,
    model: result.modelName,
    latencyMs: result.latencyMs,
    labels: result.labels,
    groups: result.groups,
  });
}
