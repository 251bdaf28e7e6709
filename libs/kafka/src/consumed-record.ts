import type { KafkaMessage } from 'kafkajs';
import {
  EnvelopeError,
  Header,
  decodeEvent,
  headerString,
  readDeadline,
  type ChangelogTopic,
  type EventOf,
  type LogicalTopic,
} from '@app/contracts';

export interface ConsumedEvent<T extends LogicalTopic = LogicalTopic> {
  topic: T;
  partition: number;
  offset: string;
  key: string;
  traceId: string;
  /** From the x-deadline-ms header, falling back to the envelope's meta. */
  deadlineAtMs: number;
  event: EventOf<T>;
}

/**
 * A null-value record on a changelog: the state under `key` is deleted (compaction then drops the
 * key from the log). It reaches the handler in offset order with the changelog's other records, so
 * a state written after it applies to a conversation that starts again.
 */
export type ConsumedTombstone<T extends ChangelogTopic = ChangelogTopic> = Omit<ConsumedEvent<T>, 'event'> & { event: null };

/** A consumed event of any of the subscribed topics, or a changelog's tombstone; switch on `topic`, then test `event`. */
export type AnyConsumedEvent = { [T in LogicalTopic]: ConsumedEvent<T> }[LogicalTopic] | ConsumedTombstone;

/**
 * Decodes one record into a consumed event. `tombstones`: the record is on a changelog, where a
 * null value is a deletion, not an error. Throws EnvelopeError for what belongs in the dead-letter topic.
 */
export function decodeRecord(topic: LogicalTopic, partition: number, message: KafkaMessage, tombstones = false): AnyConsumedEvent {
  const traceHeader = headerString(message.headers, Header.traceId);
  const deadlineHeader = readDeadline(message.headers);
  if (tombstones && message.value === null) {
    // Without a key it deletes nothing (and a compacted topic's broker refuses it anyway).
    if (!message.key || message.key.length === 0) throw new EnvelopeError('empty_value', `tombstone without a key on ${topic}`);
    return {
      topic: topic as ChangelogTopic,
      partition,
      offset: message.offset,
      key: message.key.toString(),
      traceId: traceHeader ?? '',
      deadlineAtMs: deadlineHeader ?? 0,
      event: null,
    };
  }
  const event = decodeEvent(topic, message.value);
  const meta = 'meta' in event ? event.meta : undefined;
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? meta?.conversationId ?? '',
    traceId: traceHeader ?? meta?.traceId ?? '',
    deadlineAtMs: deadlineHeader ?? meta?.deadlineAtMs ?? 0,
    event,
  } as AnyConsumedEvent;
}
