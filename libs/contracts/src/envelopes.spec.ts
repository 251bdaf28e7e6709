import { create, toBinary } from '@bufbuild/protobuf';
import {
  CandidateSchema,
  ChatMessageSchema,
  DeadLetterSchema,
  EventMetaSchema,
  NluResultSchema,
  OutcomeSchema,
  ReplySchema,
  ResultStatus,
} from './gen/chat/v1/events_pb';
import { EnvelopeError, SCHEMA_VERSION, TOPIC_SCHEMAS, decodeEvent, deriveMeta, encodeEvent } from './envelopes';
import { Topic } from './topics';

const meta = {
  schemaVersion: SCHEMA_VERSION,
  messageId: 'msg-1',
  conversationId: 'conv-1',
  userId: 'user-1',
  acceptedAtMs: 1_700_000_000_123,
  emittedAtMs: 1_700_000_000_124,
  deadlineAtMs: 1_700_000_001_123,
  traceId: 'abc123',
};

function decodeError(run: () => unknown): EnvelopeError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(EnvelopeError);
    return error as EnvelopeError;
  }
  throw new Error('expected an EnvelopeError');
}

describe('envelopes', () => {
  it('maps every topic to a schema', () => {
    expect(Object.keys(TOPIC_SCHEMAS).sort()).toEqual(Object.values(Topic).sort());
    expect(TOPIC_SCHEMAS[Topic.messages]).toBe(ChatMessageSchema);
    expect(TOPIC_SCHEMAS[Topic.dlq]).toBe(DeadLetterSchema);
  });

  describe('encodeEvent / decodeEvent', () => {
    it('round-trips a chat message', () => {
      const value = encodeEvent(ChatMessageSchema, { meta, text: 'héllo 😀', clientMessageId: 'c-1', replyTo: 'gw-1', channel: 'http' });
      expect(Buffer.isBuffer(value)).toBe(true);
      const decoded = decodeEvent(Topic.messages, value);
      expect(decoded.$typeName).toBe('chat.v1.ChatMessage');
      expect(decoded.text).toBe('héllo 😀');
      expect(decoded.clientMessageId).toBe('c-1');
      expect(decoded.replyTo).toBe('gw-1');
      expect(decoded.channel).toBe('http');
      expect(decoded.meta).toMatchObject(meta);
    });

    it('round-trips an NLU result with labels and status', () => {
      const labels = [
        { name: 'positive', score: 0.75 },
        { name: 'neutral', score: 0.25 },
      ];
      const value = encodeEvent(NluResultSchema, {
        meta,
        task: 'sentiment',
        labels,
        modelName: 'm',
        modelVersion: '1',
        latencyMs: 5,
        status: ResultStatus.OK,
      });
      const decoded = decodeEvent(Topic.nluResults, value);
      expect(decoded.labels.map(({ name, score }) => ({ name, score }))).toEqual(labels);
      expect(decoded.status).toBe(ResultStatus.OK);
      expect(decoded.latencyMs).toBe(5);
    });

    it.each([
      [Topic.candidates, CandidateSchema, { generator: 'g', text: 't', score: 0.5 }],
      [Topic.replies, ReplySchema, { text: 'hi', source: 'canned', fallback: true }],
      [Topic.outcomes, OutcomeSchema, { replyText: 'hi', expected: ['a', 'b'], missed: ['b'], deadlineReached: true }],
    ] as const)('round-trips %s', (topic, schema, fields) => {
      const decoded = decodeEvent(topic, encodeEvent(schema as never, { meta, ...fields } as never));
      expect(decoded).toMatchObject({ meta, ...fields });
    });

    it('decodes a dead letter without requiring meta', () => {
      const value = encodeEvent(DeadLetterSchema, {
        sourceTopic: 'chat.messages',
        partition: 2,
        offset: '17',
        reason: 'malformed',
        value: new Uint8Array([1, 2, 3]),
      });
      const decoded = decodeEvent(Topic.dlq, value);
      expect(decoded.sourceTopic).toBe('chat.messages');
      expect(decoded.partition).toBe(2);
      expect([...decoded.value]).toEqual([1, 2, 3]);
    });

    it.each([
      ['null', null],
      ['an empty buffer', Buffer.alloc(0)],
    ])("refuses %s as 'empty_value'", (_name, value) => {
      const error = decodeError(() => decodeEvent(Topic.messages, value));
      expect(error.code).toBe('empty_value');
      expect(error.name).toBe('EnvelopeError');
      expect(error.message).toContain('chat.messages');
    });

    it("refuses garbage bytes as 'malformed'", () => {
      const error = decodeError(() => decodeEvent(Topic.messages, Buffer.from([0xff, 0xff, 0xff])));
      expect(error.code).toBe('malformed');
      expect(error.message).toContain('chat.v1.ChatMessage');
    });

    it("refuses a truncated record as 'malformed'", () => {
      const value = encodeEvent(ChatMessageSchema, { meta, text: 'a long enough text to cut' });
      expect(decodeError(() => decodeEvent(Topic.messages, value.subarray(0, value.length - 5))).code).toBe('malformed');
    });

    it.each([0, 2, 99])("refuses schema version %i as 'unsupported_schema_version'", (schemaVersion) => {
      const value = encodeEvent(ChatMessageSchema, { meta: { ...meta, schemaVersion }, text: 'x' });
      const error = decodeError(() => decodeEvent(Topic.messages, value));
      expect(error.code).toBe('unsupported_schema_version');
      expect(error.message).toContain(String(schemaVersion));
    });

    it("refuses an event without meta as 'missing_field'", () => {
      const value = encodeEvent(ChatMessageSchema, { text: 'no meta here' });
      const error = decodeError(() => decodeEvent(Topic.messages, value));
      expect(error.code).toBe('missing_field');
      expect(error.message).toContain('has no meta');
    });

    it.each(['messageId', 'conversationId', 'userId'] as const)("refuses an empty meta.%s as 'missing_field'", (field) => {
      const value = encodeEvent(NluResultSchema, { meta: { ...meta, [field]: '' }, task: 'sentiment' });
      const error = decodeError(() => decodeEvent(Topic.nluResults, value));
      expect(error.code).toBe('missing_field');
      expect(error.message).toBe(`chat.v1.NluResult.meta.${field} is empty`);
    });

    it('accepts an empty traceId and zero timestamps in meta', () => {
      const value = encodeEvent(ChatMessageSchema, {
        meta: { schemaVersion: 1, messageId: 'm', conversationId: 'c', userId: 'u' },
        text: 'x',
      });
      expect(decodeEvent(Topic.messages, value).meta?.traceId).toBe('');
    });
  });

  describe('deriveMeta', () => {
    it('copies the ids and times, stamps the emit time and the current schema version', () => {
      const original = create(EventMetaSchema, { ...meta, schemaVersion: 7 });
      const derived = deriveMeta(original, 1_800_000_000_000);
      expect(derived).toMatchObject({ ...meta, schemaVersion: SCHEMA_VERSION, emittedAtMs: 1_800_000_000_000 });
      expect(derived).not.toBe(original);
      expect(original.emittedAtMs).toBe(meta.emittedAtMs);
      expect(original.schemaVersion).toBe(7);
      // It is a real EventMeta that encodes.
      expect(toBinary(EventMetaSchema, derived).length).toBeGreaterThan(0);
    });

    it('uses the clock by default', () => {
      jest.useFakeTimers({ now: 1_750_000_000_000 });
      try {
        expect(deriveMeta(create(EventMetaSchema, meta)).emittedAtMs).toBe(1_750_000_000_000);
      } finally {
        jest.useRealTimers();
      }
    });
  });
});
