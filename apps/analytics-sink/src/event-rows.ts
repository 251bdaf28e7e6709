import { ResultStatus, Topic, type EventMeta } from '@app/contracts';
import type { AnyConsumedEvent } from '@app/kafka';

/** The table each topic's events land in. */
export const TABLE_OF = {
  [Topic.messages]: 'messages',
  [Topic.nluResults]: 'nlu_results',
  [Topic.candidates]: 'candidates',
  [Topic.outcomes]: 'outcomes',
} as const;

export type SunkTopic = keyof typeof TABLE_OF;
export const SUNK_TOPICS = Object.keys(TABLE_OF) as SunkTopic[];

const statusName = (status: ResultStatus) => (ResultStatus[status] ?? 'UNSPECIFIED').toLowerCase();

function ids(meta: EventMeta | undefined) {
  return {
    message_id: meta?.messageId ?? '',
    conversation_id: meta?.conversationId ?? '',
    user_id: meta?.userId ?? '',
    accepted_at: meta?.acceptedAtMs ?? 0,
  };
}

/** One event as a row of its table; undefined for topics the sink does not keep. */
export function toRow(consumed: AnyConsumedEvent): { table: string; row: Record<string, unknown> } | undefined {
  switch (consumed.topic) {
    case Topic.messages: {
      const e = consumed.event;
      return {
        table: TABLE_OF[Topic.messages],
        row: {
          ...ids(e.meta),
          text: e.text,
          channel: e.channel,
          client_message_id: e.clientMessageId,
          // protobuf leaves unset fields '' and 0, so fall back to the record's headers on falsy.
          trace_id: e.meta?.traceId || consumed.traceId,
          deadline_at: e.meta?.deadlineAtMs || consumed.deadlineAtMs,
        },
      };
    }
    case Topic.nluResults: {
      const e = consumed.event;
      const best = e.labels[0];
      return {
        table: TABLE_OF[Topic.nluResults],
        row: {
          ...ids(e.meta),
          task: e.task,
          label: best?.name ?? '',
          score: best?.score ?? 0,
          labels: e.labels.map((l) => ({ name: l.name, score: l.score })),
          groups: e.groups.flatMap((g) => g.labels.map((l) => ({ group_name: g.name, name: l.name, score: l.score }))),
          spans: e.labels.filter((l) => l.text).map((l) => ({ name: l.name, text: l.text })),
          model_name: e.modelName,
          model_version: e.modelVersion,
          status: statusName(e.status),
          error: e.error,
          latency_ms: e.latencyMs,
          emitted_at: e.meta?.emittedAtMs ?? 0,
        },
      };
    }
    case Topic.candidates: {
      const e = consumed.event;
      return {
        table: TABLE_OF[Topic.candidates],
        row: {
          ...ids(e.meta),
          generator: e.generator,
          text: e.text,
          score: e.score,
          model_version: e.modelVersion,
          status: statusName(e.status),
          error: e.error,
          latency_ms: e.latencyMs,
          emitted_at: e.meta?.emittedAtMs ?? 0,
        },
      };
    }
    case Topic.outcomes: {
      const e = consumed.event;
      return {
        table: TABLE_OF[Topic.outcomes],
        row: {
          ...ids(e.meta),
          reply_text: e.replyText,
          source: e.source,
          fallback: e.fallback,
          policy_rule: e.policyRule,
          expected: e.expected,
          arrived: e.arrived,
          missed: e.missed,
          deadline_reached: e.deadlineReached,
          latency_ms: e.latencyMs,
          nlu: Object.fromEntries(e.nlu.map((n) => [n.task, n.label])),
          candidates: e.candidates.map((c) => ({
            generator: c.generator,
            text: c.text,
            score: c.score,
            latency_ms: c.latencyMs,
            status: c.status,
            chosen: c.chosen,
            rejected: c.rejected,
          })),
          candidate_models: e.candidates.map((c) => c.modelVersion),
          resolved_text: e.resolvedText,
          resolved_entities: e.resolvedEntities.map((l) => ({ pronoun: l.name, entity: l.text })),
          skipped: e.skipped,
          emitted_at: e.meta?.emittedAtMs ?? 0,
        },
      };
    }
    default:
      return undefined;
  }
}
