import fc from 'fast-check';
import { stackInfo } from '../support/stack-info';

const CODES = /^(invalid_[a-z_0-9]+|empty_text|text_too_long|body_too_large|unsupported_encoding|overloaded)$/;

/**
 * The HTTP API fuzzed through the real gateway: random bytes (invalid UTF-8 included), random JSON
 * and near-valid bodies never get a 5xx, and every refusal is JSON with a machine-readable code.
 */
describe('POST /v1/messages (fuzzed)', () => {
  const stack = stackInfo();
  const post = async (raw: Uint8Array | string) => {
    const body = typeof raw === 'string' ? raw : Buffer.from(raw);
    const res = await fetch(`${stack.gatewayUrl}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const text = await res.text();
    return { status: res.status, text };
  };
  const refusedWell = ({ status, text }: { status: number; text: string }) => {
    expect(status).toBeLessThan(500);
    if (status >= 400) expect(JSON.parse(text).error.code).toMatch(CODES);
  };

  it('answers random bytes with a 4xx and a code, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => refusedWell(await post(bytes))),
      { numRuns: 150, seed: 3 },
    );
  });

  it('answers random JSON and broken fields with a 4xx and a code, never a 5xx', async () => {
    const broken = fc.record(
      {
        conversationId: fc.oneof(fc.string({ maxLength: 200 }), fc.integer(), fc.constant(null)),
        userId: fc.oneof(fc.string({ maxLength: 200 }), fc.object()),
        text: fc.oneof(
          fc.string({ maxLength: 50 }),
          fc.constant('\u0000hi'),
          fc.constant('   '),
          fc.constant('x'.repeat(5000)),
          fc.integer(),
        ),
        deadlineMs: fc.oneof(fc.integer({ min: -10, max: 49 }), fc.string(), fc.double()),
      },
      { requiredKeys: ['deadlineMs'] },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), broken), async (value) => refusedWell(await post(JSON.stringify(value)))),
      { numRuns: 150, seed: 5 },
    );
  });

  it('refuses invalid UTF-8 with its own code instead of guessing the characters', async () => {
    const body = Buffer.concat([
      Buffer.from('{"conversationId":"c1","userId":"u1","text":"hi '),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).error.code).toBe('invalid_utf8');
  });
});
