import type { KafkaMessage } from 'kafkajs';
import { ConversationStateSchema, EnvelopeError, SCHEMA_VERSION, Topic, encodeEvent } from '@app/contracts';
import { decodeRecord } from './consumed-record';

const record = (key: string | null, value: Buffer | null, headers: KafkaMessage['headers'] = {}) =>
  ({ key: key === null ? null : Buffer.from(key), value, headers, offset: '42', timestamp: '0', attributes: 0 }) as KafkaMessage;

const state = encodeEvent(ConversationStateSchema, {
  meta: { schemaVersion: SCHEMA_VERSION, messageId: 'm1', conversationId: 'c1', userId: 'u1', traceId: 't1' },
  turnCount: 1,
});

describe('decodeRecord', () => {
  it('decodes an envelope with its key, offset, partition and meta', () => {
    const consumed = decodeRecord(Topic.conversations, 3, record('c1', state), true);
    expect(consumed).toMatchObject({ topic: Topic.conversations, partition: 3, offset: '42', key: 'c1', traceId: 't1' });
    expect(consumed.event).toMatchObject({ meta: { conversationId: 'c1' }, turnCount: 1 });
  });

  it('gives a null value on a changelog as a tombstone for its key, not an error', () => {
    const consumed = decodeRecord(Topic.conversations, 3, record('c1', null, { 'x-trace-id': 't9' }), true);
    expect(consumed).toEqual({
      topic: Topic.conversations,
      partition: 3,
      offset: '42',
      key: 'c1',
      traceId: 't9',
      deadlineAtMs: 0,
      event: null,
    });
  });

  it('refuses a tombstone without a key (it would delete nothing), and a null value where the topic is no changelog', () => {
    expect(() => decodeRecord(Topic.conversations, 0, record(null, null), true)).toThrow(EnvelopeError);
    expect(() => decodeRecord(Topic.conversations, 0, record('', null), true)).toThrow(EnvelopeError);
    expect(() => decodeRecord(Topic.messages, 0, record('c1', null))).toThrow(expect.objectContaining({ code: 'empty_value' }));
    expect(() => decodeRecord(Topic.conversations, 0, record('c1', null), false)).toThrow(EnvelopeError);
  });

  it('still refuses an empty (not null) value on a changelog', () => {
    expect(() => decodeRecord(Topic.conversations, 0, record('c1', Buffer.alloc(0)), true)).toThrow(EnvelopeError);
  });
});
