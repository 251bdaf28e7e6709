import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { APP_CONFIG } from '@app/config';
import { create } from '@bufbuild/protobuf';
import {
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
} from '@app/contracts';
import { ConversationStore, appendTurn, hasAnswered } from '@app/dialogue-state';
import { CoPartitionedAssigner, EventProducer, KafkaRuntime, type AnyConsumedEvent, type EventConsumer } from '@app/kafka';
import { METRICS_REGISTRY } from '@app/metrics';
import { DeadlineMerger, type ClosedMerge } from './merge/deadline-merger';
import { ReplyTemplates } from './policy/reply-templates';
import { decide, type PolicyInput } from './policy/response-policy';
import type { SelectorConfig } from './selector.config';

type Contribution = { kind: 'nlu'; result: NluResult } | { kind: 'candidate'; result: Candidate };

interface MessageContext {
  message: ChatMessage;
  partition: number;
  deadlineAtMs: number;
  traceId: string;
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
  private readonly templates = ReplyTemplates.load();
  private readonly expected: string[];
  private readonly conversations = new ConversationStore();
  private readonly historyTurns: number;
  private readonly replies: Counter;
  private readonly redelivered: Counter;
  private readonly late: Counter;
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
    this.historyTurns = config.SELECTOR_HISTORY_TURNS;
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
    this.latency = new Histogram({
      name: 'selector_reply_latency_seconds',
      help: 'Acceptance at the gateway to reply produced',
      labelNames: ['source'],
      buckets: [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2],
      registers: [registry],
    });
    const merger = this.merger;
    const conversations = this.conversations;
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
    this.consumer = kafka.consumer({
      groupId: 'selector',
      topics: [Topic.messages, Topic.nluResults, Topic.candidates, Topic.conversations],
      fromBeginning: true,
      partitionAssigners: [CoPartitionedAssigner],
      changelog: { topic: Topic.conversations, mode: 'owner', onRevoked: (partitions) => this.conversations.drop(partitions) },
      maxWaitTimeInMs: 10,
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
        if (this.merger.isKnown(messageId)) return;
        if (hasAnswered(this.conversations.get(consumed.key), messageId)) {
          this.redelivered.inc();
          return;
        }
        this.contexts.set(messageId, {
          message,
          partition: consumed.partition,
          deadlineAtMs: consumed.deadlineAtMs,
          traceId: consumed.traceId,
        });
        this.merger.start({ messageId, deadlineAtMs: consumed.deadlineAtMs, expected: this.expected });
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
    if (this.merger.add(messageId, contributor, contribution, deadlineAtMs) === 'late') this.late.inc({ contributor });
  }

  private answer(merge: ClosedMerge<Contribution>): void {
    const context = this.contexts.get(merge.messageId);
    this.contexts.delete(merge.messageId);
    if (!context) return;
    const { message } = context;
    const nlu: NluSummary[] = [];
    for (const { result } of merge.contributions.values()) {
      if (result.kind !== 'nlu' || result.result.status !== ResultStatus.OK || result.result.labels.length === 0) continue;
      nlu.push(summarize(result.result));
    }
    const candidates: PolicyInput['candidates'] = {};
    for (const { result } of merge.contributions.values()) {
      if (result.kind === 'candidate' && result.result.status === ResultStatus.OK) {
        candidates[result.result.generator] = { text: result.result.text, score: result.result.score };
      }
    }
    const decision = decide({
      messageId: merge.messageId,
      text: message.text,
      nlu: Object.fromEntries(nlu.map((n) => [n.task, { label: n.label, score: n.score }])),
      candidates,
      missed: merge.missed,
    });
    const text =
      decision.text ??
      this.templates.pick(this.templates.has(decision.templateKey ?? '') ? decision.templateKey! : 'fallback.no_signal', merge.messageId);
    const meta = deriveMeta(message.meta!);
    const latencyMs = Math.max(0, Date.now() - meta.acceptedAtMs);
    const common = { key: meta.conversationId, deadlineAtMs: context.deadlineAtMs, traceId: context.traceId };
    const best = (task: string) => nlu.find((n) => n.task === task)?.label ?? '';
    const state = appendTurn(
      this.conversations.get(meta.conversationId),
      message.meta!,
      {
        messageId: merge.messageId,
        userText: message.text,
        replyText: text,
        replySource: decision.source,
        atMs: meta.emittedAtMs,
        intent: best('intent'),
        emotion: best('emotion'),
      },
      this.historyTurns,
    );
    // Memory first: the conversation's next message may be merged before the changelog write is acknowledged.
    this.conversations.apply(context.partition, state);
    this.replies.inc({ source: decision.source, rule: decision.rule });
    this.latency.observe({ source: decision.source }, latencyMs / 1000);
    const published = this.producer
      .send([
        {
          ...common,
          topic: Topic.replies,
          schema: ReplySchema,
          value: {
            meta,
            text,
            source: decision.source,
            fallback: decision.fallback,
            latencyMs,
            nlu,
            replyTo: message.replyTo,
            clientMessageId: message.clientMessageId,
          },
        },
        {
          ...common,
          topic: Topic.outcomes,
          schema: OutcomeSchema,
          value: {
            meta,
            replyText: text,
            source: decision.source,
            fallback: decision.fallback,
            policyRule: decision.rule,
            expected: this.expected,
            arrived: [...merge.contributions.keys()],
            missed: merge.missed,
            deadlineReached: merge.deadlineReached,
            latencyMs,
            nlu,
          },
        },
        { ...common, topic: Topic.conversations, schema: ConversationStateSchema, value: state },
      ])
      .catch((error: Error) => this.logger.error(`could not publish the reply for ${merge.messageId}: ${error.message}`))
      .finally(() => this.publishing.delete(published));
    this.publishing.add(published);
  }
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
