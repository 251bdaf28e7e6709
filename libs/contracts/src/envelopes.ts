import { create, fromBinary, toBinary, type DescMessage, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import {
  CandidateSchema,
  ChatMessageSchema,
  ConversationStateSchema,
  DeadLetterSchema,
  EventMetaSchema,
  NluResultSchema,
  OutcomeSchema,
  ReplySchema,
  type EventMeta,
} from './gen/chat/v1/events_pb';
import { Topic, type LogicalTopic } from './topics';

/** The envelope schema version this code writes and understands. */
export const SCHEMA_VERSION = 1;

/** Which protobuf message each topic carries. */
export const TOPIC_SCHEMAS = {
  [Topic.messages]: ChatMessageSchema,
  [Topic.nluResults]: NluResultSchema,
  [Topic.candidates]: CandidateSchema,
  [Topic.replies]: ReplySchema,
  [Topic.outcomes]: OutcomeSchema,
  [Topic.conversations]: ConversationStateSchema,
  [Topic.dlq]: DeadLetterSchema,
} as const;

export type TopicSchemas = typeof TOPIC_SCHEMAS;
export type EventOf<T extends LogicalTopic> = MessageShape<TopicSchemas[T]>;

/** A record that cannot be decoded into a valid envelope; its reason goes to the dead-letter topic. */
export class EnvelopeError extends Error {
  constructor(
    readonly code: 'malformed' | 'unsupported_schema_version' | 'missing_field' | 'empty_value',
    message: string,
  ) {
    super(message);
    this.name = 'EnvelopeError';
  }
}

export function encodeEvent<D extends DescMessage>(schema: D, init: MessageInitShape<D>): Buffer {
  return Buffer.from(toBinary(schema, create(schema, init)));
}

interface WithMeta {
  meta?: EventMeta;
}

/** Decodes and validates an envelope: parseable, a known schema version, ids present. */
export function decodeEvent<T extends LogicalTopic>(topic: T, value: Buffer | null): EventOf<T> {
  if (!value || value.length === 0) throw new EnvelopeError('empty_value', `empty record on ${topic}`);
  const schema = TOPIC_SCHEMAS[topic] as DescMessage;
  let decoded: MessageShape<DescMessage>;
  try {
    decoded = fromBinary(schema, value);
  } catch (error) {
    throw new EnvelopeError('malformed', `not a ${schema.typeName}: ${(error as Error).message}`);
  }
  if (topic !== Topic.dlq) validateMeta((decoded as WithMeta).meta, schema.typeName);
  return decoded as EventOf<T>;
}

function validateMeta(meta: EventMeta | undefined, typeName: string): void {
  if (!meta) throw new EnvelopeError('missing_field', `${typeName} has no meta`);
  if (meta.schemaVersion !== SCHEMA_VERSION) {
    throw new EnvelopeError(
      'unsupported_schema_version',
      `${typeName} schema version ${meta.schemaVersion}, this consumer reads ${SCHEMA_VERSION}`,
    );
  }
  for (const field of ['messageId', 'conversationId', 'userId'] as const) {
    if (!meta[field]) throw new EnvelopeError('missing_field', `${typeName}.meta.${field} is empty`);
  }
}

/** Copies a message's meta for a derived event (result, reply, outcome), stamping the emit time. */
export function deriveMeta(meta: EventMeta, now = Date.now()): EventMeta {
  return create(EventMetaSchema, { ...meta, schemaVersion: SCHEMA_VERSION, emittedAtMs: now });
}
