import { randomUUID } from 'node:crypto';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { LocalStack } from '../../scripts/local-stack';
import { chatClient, type SendMessageResponse } from '../../scripts/chat/chat-client';
import { getJson, postJson } from '../support/http';
import { startSideStack } from '../support/side-stack';

const KEY = 'test-secret-0123456789';
const DASHBOARD = { username: 'ops', password: 'dashboard-secret-42' };

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

/**
 * A pipeline of its own with sign-in on, as it is by default outside `npm start`: API keys on the
 * gateway (HTTP and gRPC), per-user rate limits, the dashboard behind a sign-in, and retries with
 * the same clientMessageId answered once, with the same reply, even after the gateway restarts.
 */
describe('access: keys, rate limits, a signed-in dashboard, idempotent retries', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startSideStack('access', {
      nluWorkers: [],
      generators: [],
      apps: ['analytics-sink', 'selector', 'gateway'],
      env: {
        GATEWAY_AUTH: 'api-key',
        GATEWAY_API_KEYS: `tests:${KEY}`,
        RATE_LIMIT_USER_PER_SECOND: '0.1',
        RATE_LIMIT_USER_BURST: '3',
        ANALYTICS_AUTH: 'basic',
        ANALYTICS_USERS: `${DASHBOARD.username}:${DASHBOARD.password}`,
        DEFAULT_DEADLINE_MS: '300',
      },
    });
  });
  afterAll(() => stack?.stop());

  const message = (userId = `u-${randomUUID()}`, extra: Record<string, unknown> = {}) => ({
    conversationId: `c-${randomUUID()}`,
    userId,
    text: 'hello there',
    ...extra,
  });

  it('refuses HTTP without a key, or with a wrong one, and answers with the right one', async () => {
    const none = await postJson(`${stack.gatewayUrl}/v1/messages`, message());
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await post(`${stack.gatewayUrl}/v1/messages`, message(), { authorization: 'Bearer not-the-key-at-all' });
    expect(wrong.status).toBe(401);
    const right = await post(`${stack.gatewayUrl}/v1/messages`, message(), { authorization: `Bearer ${KEY}` });
    expect(right.status).toBe(200);
    const header = await post(`${stack.gatewayUrl}/v1/messages`, message(), { 'x-api-key': KEY });
    expect(header.status).toBe(200);
  });

  it('refuses gRPC without a key, and answers with one', async () => {
    const client = chatClient(stack.grpcAddress);
    const call = (metadata: Metadata) =>
      new Promise<SendMessageResponse>((resolve, reject) =>
        (
          client as unknown as {
            SendMessage: (r: unknown, m: Metadata, cb: (e: ServiceError | null, r: SendMessageResponse) => void) => void;
          }
        ).SendMessage(message(), metadata, (error, response) => (error ? reject(error) : resolve(response))),
      );
    await expect(call(new Metadata())).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
    const withKey = new Metadata();
    withKey.set('authorization', `Bearer ${KEY}`);
    expect((await call(withKey)).reply?.text.length).toBeGreaterThan(0);
    client.close();
  });

  it('limits each user (429 with Retry-After), not the others', async () => {
    const user = `u-${randomUUID()}`;
    const auth = { authorization: `Bearer ${KEY}` };
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(`${stack.gatewayUrl}/v1/messages`, message(user), auth)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await post(`${stack.gatewayUrl}/v1/messages`, message(user), auth);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await post(`${stack.gatewayUrl}/v1/messages`, message(), auth)).status).toBe(200);
  });

  it('keeps the dashboard and the analytics API behind a sign-in', async () => {
    const page = await fetch(`${stack.sinkUrl}/dashboard`);
    expect(page.status).toBe(401);
    expect(page.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect((await getJson(`${stack.sinkUrl}/v1/analytics/summary`)).status).toBe(401);
    expect((await getJson(`${stack.sinkUrl}/v1/analytics/physical`)).status).toBe(401);
    const basic = { authorization: `Basic ${Buffer.from(`${DASHBOARD.username}:${DASHBOARD.password}`).toString('base64')}` };
    expect((await fetch(`${stack.sinkUrl}/dashboard`, { headers: basic })).status).toBe(200);
    expect((await fetch(`${stack.sinkUrl}/v1/analytics/summary`, { headers: basic })).status).toBe(200);
    expect((await fetch(`${stack.sinkUrl}/v1/analytics/physical`, { headers: basic })).status).toBe(200);
    const wrong = { authorization: `Basic ${Buffer.from(`${DASHBOARD.username}:nope-nope-nope-nope`).toString('base64')}` };
    expect((await fetch(`${stack.sinkUrl}/dashboard`, { headers: wrong })).status).toBe(401);
    expect((await fetch(`${stack.sinkUrl}/metrics`)).status).toBe(200);
  });

  it('answers a retried clientMessageId once, with the same id and reply, also after the gateway restarts', async () => {
    const auth = { authorization: `Bearer ${KEY}` };
    const body = message(`u-${randomUUID()}`, { clientMessageId: `retry-${randomUUID()}`, text: 'are you there?' });
    const first = await post(`${stack.gatewayUrl}/v1/messages`, body, auth);
    const again = await post(`${stack.gatewayUrl}/v1/messages`, body, auth);
    expect(first.status).toBe(200);
    expect(again.body.messageId).toBe(first.body.messageId);
    expect(again.body.reply.text).toBe(first.body.reply.text);
    // A new gateway process has no memory of it: the selector recognises the id and sends the same reply again.
    await stack.restart('gateway', { kill: true });
    const afterCrash = await post(`${stack.gatewayUrl}/v1/messages`, body, auth);
    expect(afterCrash.status).toBe(200);
    expect(afterCrash.body.messageId).toBe(first.body.messageId);
    expect(afterCrash.body.reply).toMatchObject({ text: first.body.reply.text, reason: first.body.reply.reason });
    const metrics = await (await fetch(`${stack.url('selector')}/metrics`)).text();
    expect(metrics).toMatch(/^selector_retried_answered_total(\{[^}]*\})? [1-9]/m);
  });
});
