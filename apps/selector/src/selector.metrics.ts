import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { HeldOffsets } from '@app/kafka';
import type { ConversationStore } from '@app/dialogue-state';
import type { CircuitBreakers } from './merge/circuit-breakers';

/** What the gauges read when Prometheus scrapes. */
export interface SelectorGaugeSources {
  merger: { openCount: number };
  conversations: ConversationStore;
  breakers: CircuitBreakers;
  held: HeldOffsets;
  /** The contributors merges wait for (nlu:<task>, gen:<generator>). */
  expected: string[];
}

/** The selector's metrics: what it answered, with what, how late, and what it is holding. */
export class SelectorMetrics {
  readonly replies: Counter;
  readonly redelivered: Counter;
  readonly retried: Counter;
  readonly late: Counter;
  readonly failed: Counter;
  readonly arrival: Histogram;
  readonly rejected: Counter;
  readonly latency: Histogram;
  readonly expired: Counter;

  constructor(registry: Registry, sources: SelectorGaugeSources) {
    this.replies = new Counter({
      name: 'selector_replies_total',
      help: 'Replies by source and rule',
      labelNames: ['source', 'rule'],
      registers: [registry],
    });
    this.redelivered = new Counter({
      name: 'selector_redelivered_answered_total',
      help: 'Message records read again (after a restart or rebalance) that their conversation state shows as answered: not answered again',
      registers: [registry],
    });
    this.retried = new Counter({
      name: 'selector_retried_answered_total',
      help: "A client's retry of an answered message (a later record, same message id): the same reply sent again",
      registers: [registry],
    });
    this.failed = new Counter({
      name: 'selector_failed_answers_total',
      help: 'Messages whose answer could not be composed: sent to the dead-letter topic with the reason',
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
    this.expired = new Counter({
      name: 'selector_expired_conversations_total',
      help: 'Conversations forgotten after SELECTOR_STATE_IDLE_MS without a message, and tombstoned on chat.conversations',
      registers: [registry],
    });
    const { merger, conversations, breakers, held, expected } = sources;
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
      name: 'selector_unacknowledged_messages',
      help: 'Messages read whose reply, outcome and state the broker has not acknowledged yet (their offsets are not committed)',
      registers: [registry],
      collect() {
        this.set(held.size);
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
  }
}
