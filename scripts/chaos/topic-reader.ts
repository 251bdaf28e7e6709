import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Header, Topic, TopicNames, decodeEvent, headerString, type ConversationState } from '@app/contracts';

/** A chat.messages record: a message as a gateway accepted it (a client's retry is another record). */
export interface MessageRecord {
  messageId: string;
  conversationId: string;
  clientMessageId: string;
  replyTo: string;
  offset: string;
}

/** A chat.replies record, with what its headers say it answers. */
export interface ReplyRecord {
  messageId: string;
  conversationId: string;
  replyTo: string;
  text: string;
  reason: string;
  /** `answer`, `resend`, or '' for a record without the header. */
  kind: string;
  /** The chat.messages offset it answers ('' without the header). */
  answersOffset: string;
  /** One decision's replies share it (the meta is derived once per answer). */
  emittedAtMs: number;
}

export interface TopicRecords {
  messages: MessageRecord[];
  replies: ReplyRecord[];
  /** The last chat.conversations record per conversation (null: a tombstone). */
  conversations: Map<string, ConversationState | null>;
}

/**
 * Reads chat.messages, chat.replies and chat.conversations as deployed under `prefix`, every record
 * from the start to the end they have now, with a raw kafkajs consumer in a group of its own: the
 * auditor sees every record, not only what reached a client.
 */
export async function readTopics(brokers: string, prefix: string, timeoutMs = 120_000): Promise<TopicRecords> {
  const names = new TopicNames(prefix);
  const kafka = new Kafka({ clientId: 'chaos-audit', brokers: [brokers], logLevel: logLevel.NOTHING });
  const topics = [Topic.messages, Topic.replies, Topic.conversations].map((topic) => names.of(topic));
  const admin = kafka.admin();
  await admin.connect();
  /** Per topic and partition: the offset after the last record there now. */
  const ends = new Map<string, number>();
  try {
    for (const topic of topics)
      for (const { partition, high, low } of await admin.fetchTopicOffsets(topic))
        if (Number(high) > Number(low)) ends.set(`${topic}/${partition}`, Number(high));
  } finally {
    await admin.disconnect();
  }
  const records: TopicRecords = { messages: [], replies: [], conversations: new Map() };
  const consumer = kafka.consumer({ groupId: `${prefix}chaos-audit-${randomUUID()}` });
  await consumer.connect();
  try {
    for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
    let allRead!: () => void;
    const done = new Promise<void>((resolve) => (allRead = resolve));
    if (ends.size === 0) allRead();
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const logical = names.logical(topic);
        if (logical === Topic.messages) {
          const event = decodeEvent(Topic.messages, message.value);
          records.messages.push({
            messageId: event.meta!.messageId,
            conversationId: event.meta!.conversationId,
            clientMessageId: event.clientMessageId,
            replyTo: event.replyTo,
            offset: message.offset,
          });
        } else if (logical === Topic.replies) {
          const event = decodeEvent(Topic.replies, message.value);
          records.replies.push({
            messageId: event.meta!.messageId,
            conversationId: event.meta!.conversationId,
            replyTo: event.replyTo,
            text: event.text,
            reason: event.reason,
            kind: headerString(message.headers, Header.replyKind) ?? '',
            answersOffset: headerString(message.headers, Header.answersOffset) ?? '',
            emittedAtMs: event.meta!.emittedAtMs,
          });
        } else if (logical === Topic.conversations) {
          const key = message.key?.toString() ?? '';
          records.conversations.set(key, message.value ? decodeEvent(Topic.conversations, message.value) : null);
        }
        const at = `${topic}/${partition}`;
        if (ends.has(at) && Number(message.offset) + 1 >= ends.get(at)!) {
          ends.delete(at);
          if (ends.size === 0) allRead();
        }
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`reading the topics took over ${timeoutMs} ms; ${ends.size} partitions unread`)),
        timeoutMs,
      );
    });
    await Promise.race([done, timeout]).finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect();
  }
  return records;
}
