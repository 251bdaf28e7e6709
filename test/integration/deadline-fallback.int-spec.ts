import { randomUUID } from 'node:crypto';
import type { LocalStack } from '../../scripts/local-stack';
import { postJson } from '../support/http';
import { startSideStack } from '../support/side-stack';

/**
 * A second pipeline on the same broker (its own topic prefix) whose selector expects a sentiment
 * task that has no worker: every message must still be answered, by its deadline, with a fallback.
 */
describe('a deadline with an expected task missing', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startSideStack('missing-task', { nluWorkers: [['sentiment']], generators: [], apps: ['selector', 'gateway'] });
  });
  afterAll(() => stack?.stop());

  it('still answers on time with a reply marked as a fallback', async () => {
    const deadlineMs = 800;
    const started = Date.now();
    const res = await postJson(`${stack.gatewayUrl}/v1/messages`, {
      conversationId: `c-${randomUUID()}`,
      userId: 'u1',
      text: 'is anyone there?',
      deadlineMs,
    });
    const elapsed = Date.now() - started;
    expect(res.status).toBe(200);
    expect(res.body.reply).toMatchObject({ source: 'fallback', fallback: true });
    expect(res.body.nlu).toEqual({});
    // Answered by the selector at its deadline, not by the gateway's own later safety net.
    expect(elapsed).toBeGreaterThanOrEqual(deadlineMs - 150);
    expect(elapsed).toBeLessThan(deadlineMs + 300);
  });
});
