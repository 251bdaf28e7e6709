import { idempotentMessageId, type RetryScope } from './message-intake.service';

describe('idempotentMessageId', () => {
  const scope: RetryScope = { keyName: 'app-a', userId: 'u1', conversationId: 'c1', clientMessageId: 'm1' };

  it('gives a retry the same id, as a version 8 UUID', () => {
    expect(idempotentMessageId({ ...scope })).toBe(idempotentMessageId(scope));
    expect(idempotentMessageId(scope)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("never gives another key holder's or another conversation's message the same id", () => {
    const id = idempotentMessageId(scope);
    expect(idempotentMessageId({ ...scope, keyName: 'app-b' })).not.toBe(id);
    expect(idempotentMessageId({ ...scope, conversationId: 'c2' })).not.toBe(id);
    expect(idempotentMessageId({ ...scope, userId: 'u2' })).not.toBe(id);
    // Parts are length-prefixed: moving a character from one part to the next is another scope.
    expect(idempotentMessageId({ ...scope, userId: 'u1c', conversationId: '1' })).not.toBe(
      idempotentMessageId({ ...scope, userId: 'u1', conversationId: 'c1' }),
    );
  });
});
