import fc from 'fast-check';
import { EnvelopeError, TOPIC_SCHEMAS, decodeEvent, encodeEvent } from './envelopes';
import { SCHEMA_VERSION } from './envelopes';
import type { LogicalTopic } from './topics';

const TOPICS = Object.keys(TOPIC_SCHEMAS) as LogicalTopic[];
const meta = { schemaVersion: SCHEMA_VERSION, messageId: 'm1', conversationId: 'c1', userId: 'u1' };

/**
 * Every consumer's decoder, fuzzed: random bytes, and valid records with bytes flipped, cut or
 * appended, either decode into a valid envelope or throw an EnvelopeError (which the consumer
 * dead-letters with its reason); nothing else escapes to crash a consumer.
 */
describe('decodeEvent (fuzzed) on every topic', () => {
  const decodesOrRefuses = (topic: LogicalTopic, bytes: Uint8Array) => {
    try {
      const event = decodeEvent(topic, Buffer.from(bytes));
      if ('meta' in event) expect(event.meta?.messageId).toBeTruthy();
    } catch (error) {
      if (!(error instanceof EnvelopeError)) throw error;
      expect(['malformed', 'unsupported_schema_version', 'missing_field', 'empty_value']).toContain(error.code);
    }
  };

  it.each(TOPICS)('%s: random bytes', (topic) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => decodesOrRefuses(topic, bytes)),
      { numRuns: 1500, seed: 7 },
    );
  });

  it.each(TOPICS)('%s: a valid record, mutated', (topic) => {
    const schema = TOPIC_SCHEMAS[topic];
    const valid = encodeEvent(schema, (topic === 'chat.dlq' ? { sourceTopic: 'x', reason: 'r' } : { meta, text: 'hello' }) as never);
    const mutation = fc.oneof(
      fc.record({ at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }).map(({ at, bit }) => {
        const copy = Buffer.from(valid);
        copy[at % copy.length] ^= 1 << bit;
        return copy;
      }),
      fc.nat().map((n) => valid.subarray(0, n % (valid.length + 1))),
      fc.uint8Array({ maxLength: 64 }).map((tail) => Buffer.concat([valid, tail])),
    );
    fc.assert(
      fc.property(mutation, (bytes) => decodesOrRefuses(topic, bytes)),
      { numRuns: 1500, seed: 11 },
    );
  });
});
