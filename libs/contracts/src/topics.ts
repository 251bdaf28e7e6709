/** Logical topic names; the deployed name is TOPIC_PREFIX + the logical name. */
export const Topic = {
  messages: 'chat.messages',
  nluResults: 'nlu.results',
  candidates: 'chat.candidates',
  replies: 'chat.replies',
  outcomes: 'chat.outcomes',
  conversations: 'chat.conversations',
  dlq: 'chat.dlq',
} as const;

export type LogicalTopic = (typeof Topic)[keyof typeof Topic];

/** The compacted topics (changelogs), where a null-value record, a tombstone, deletes its key's state. */
export type ChangelogTopic = typeof Topic.conversations;

export interface TopicSpec {
  name: LogicalTopic;
  partitions: number;
  retentionMs: number;
  /** compact: one live record per key (a changelog); delete: records age out after retentionMs. */
  cleanupPolicy: 'delete' | 'compact';
  /** Why this topic exists, for docs and `kafka-topics --describe` readers. */
  purpose: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * chat.messages, nlu.results, chat.candidates and chat.conversations are co-partitioned (same
 * count, keyed by conversation id) so the selector sees all of one conversation's events, and its
 * state, on one partition.
 * The partition count caps how far each consumer group can scale out.
 */
export const DEFAULT_PARTITIONS = 12;

export function topicSpecs(partitions = DEFAULT_PARTITIONS): TopicSpec[] {
  return [
    { name: Topic.messages, partitions, retentionMs: 7 * DAY, cleanupPolicy: 'delete', purpose: 'user messages accepted by a gateway' },
    { name: Topic.nluResults, partitions, retentionMs: 1 * DAY, cleanupPolicy: 'delete', purpose: 'one NLU task result per message' },
    { name: Topic.candidates, partitions, retentionMs: 1 * DAY, cleanupPolicy: 'delete', purpose: 'generator reply candidates' },
    { name: Topic.replies, partitions, retentionMs: 1 * HOUR, cleanupPolicy: 'delete', purpose: 'the chosen reply, read by gateways' },
    { name: Topic.outcomes, partitions, retentionMs: 7 * DAY, cleanupPolicy: 'delete', purpose: 'selector decisions, for analytics' },
    {
      name: Topic.conversations,
      partitions,
      // Compaction keeps each conversation's latest state however old; retention does not apply.
      retentionMs: -1,
      cleanupPolicy: 'compact',
      purpose: "the selector's dialogue state per conversation (its changelog) and the generators' context",
    },
    { name: Topic.dlq, partitions: 3, retentionMs: 14 * DAY, cleanupPolicy: 'delete', purpose: 'records no consumer could process' },
  ];
}

/** Maps logical names to deployed names under a prefix. */
export class TopicNames {
  constructor(readonly prefix: string) {}

  of(topic: LogicalTopic): string {
    return `${this.prefix}${topic}`;
  }

  /** Consumer groups carry the prefix too, so two stacks can share one cluster. */
  group(id: string): string {
    return `${this.prefix}${id}`;
  }

  /** The logical name of a deployed topic, or undefined if it is not one of ours. */
  logical(deployed: string): LogicalTopic | undefined {
    if (!deployed.startsWith(this.prefix)) return undefined;
    const rest = deployed.slice(this.prefix.length);
    return (Object.values(Topic) as string[]).includes(rest) ? (rest as LogicalTopic) : undefined;
  }
}
