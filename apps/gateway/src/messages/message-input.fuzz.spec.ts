import fc from 'fast-check';
import { InputError, parseMessageInput } from './message-input';

const limits = { maxTextChars: 200, maxDeadlineMs: 10_000 };
const CODES = new Set([
  'invalid_body',
  'invalid_conversation_id',
  'invalid_user_id',
  'invalid_client_message_id',
  'invalid_text',
  'empty_text',
  'text_too_long',
  'invalid_deadline',
]);

/** Property-based: whatever JSON a client sends, the gateway accepts a valid message or refuses it with a known code. */
describe('parseMessageInput (fuzzed)', () => {
  const anyField = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.object(),
    fc.array(fc.anything()),
  );
  const body = fc.oneof(
    fc.anything(),
    fc.record(
      {
        conversationId: fc.oneof(fc.stringMatching(/^[A-Za-z0-9._:@-]{1,20}$/), anyField),
        userId: fc.oneof(fc.stringMatching(/^[A-Za-z0-9._:@-]{1,20}$/), anyField),
        text: fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.string({ unit: 'binary', maxLength: 300 }),
          // Any UTF-16, unpaired surrogates included.
          fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 50 }).map((codes) => String.fromCharCode(...codes)),
          anyField,
        ),
        clientMessageId: fc.oneof(fc.stringMatching(/^[A-Za-z0-9-]{1,40}$/), anyField),
        deadlineMs: fc.oneof(fc.integer({ min: -100, max: 20_000 }), anyField),
        extra: anyField,
      },
      { requiredKeys: [] },
    ),
  );

  it('accepts only well-formed messages, and refuses the rest with a machine-readable code', () => {
    fc.assert(
      fc.property(body, (value) => {
        let input;
        try {
          input = parseMessageInput(value, limits);
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          expect(CODES.has(error.code)).toBe(true);
          expect([400, 413]).toContain(error.status);
          return;
        }
        expect(input.text.trim().length).toBeGreaterThan(0);
        expect([...input.text].length).toBeLessThanOrEqual(limits.maxTextChars);
        expect(input.text.isWellFormed()).toBe(true);
        expect(input.conversationId).toMatch(/^[A-Za-z0-9._:@-]{1,128}$/);
        if (input.deadlineMs !== undefined) expect(input.deadlineMs).toBeGreaterThanOrEqual(50);
      }),
      { numRuns: 2000, seed: 42 },
    );
  });

  it('accepts a message with unknown fields (they are ignored)', () => {
    expect(parseMessageInput({ conversationId: 'c1', userId: 'u1', text: 'hi', mood: 'sassy', v: 2 }, limits)).toEqual({
      conversationId: 'c1',
      userId: 'u1',
      text: 'hi',
    });
  });
});
