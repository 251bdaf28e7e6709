import { randomUUID } from 'node:crypto';
import { chatClient, sendMessage, type SendMessageResponse } from '../../scripts/chat/chat-client';
import { eventually, getJson, postJson } from '../support/http';
import { stackInfo } from '../support/stack-info';
import { NLU_TASKS } from '../../libs/contracts/src/nlu-tasks';

/** End to end: gateway → Kafka → every NLU task and generator → selector → reply, and every row in ClickHouse. */
describe('pipeline through real Kafka, real NLU models and chdb', () => {
  const stack = stackInfo();
  const client = chatClient(stack.grpcAddress);
  afterAll(() => client.close());

  async function storedRows(messageId: string) {
    return eventually(async () => {
      const { status, body } = await getJson(`${stack.sinkUrl}/v1/analytics/messages/${messageId}`);
      const complete =
        ['messages', 'candidates', 'outcomes'].every((table) => body[table]?.length > 0) && body.nluResults?.length === NLU_TASKS.length;
      return status === 200 && complete ? body : undefined;
    });
  }

  it('answers a message sent over HTTP, with the NLU reading, and stores it once', async () => {
    const conversationId = `c-${randomUUID()}`;
    const started = Date.now();
    const res = await postJson(`${stack.gatewayUrl}/v1/messages`, {
      conversationId,
      userId: 'u-http',
      text: 'I love this, what a wonderful amazing day!',
      deadlineMs: 2000,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      conversationId,
      reply: { source: expect.stringMatching(/^(canned|retrieval|generative)$/), reason: expect.any(String), fallback: false },
      nlu: { sentiment: { label: 'positive' } },
    });
    expect(res.body.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.reply.text.length).toBeGreaterThan(0);
    expect(res.body.nlu.sentiment.score).toBeGreaterThan(0.5);
    expect(Date.now() - started).toBeLessThan(2000 + 500);

    const rows = await storedRows(res.body.messageId);
    expect(rows.messages).toHaveLength(1);
    expect(rows.messages[0]).toMatchObject({ conversation_id: conversationId, user_id: 'u-http', channel: 'http' });
    expect(rows.nluResults).toHaveLength(NLU_TASKS.length);
    const sentiment = rows.nluResults.find((r: { task: string }) => r.task === 'sentiment');
    expect(sentiment).toMatchObject({ label: 'positive', status: 'ok', model_name: 'sentiment+minilm-l6-v2-int8', model_version: '1.0.0' });
    expect(rows.candidates.find((c: { generator: string }) => c.generator === 'retrieval')).toMatchObject({ status: 'ok' });
    expect(rows.outcomes).toHaveLength(1);
    expect(rows.outcomes[0]).toMatchObject({
      source: res.body.reply.source,
      policy_rule: res.body.reply.reason,
      reply_text: res.body.reply.text,
    });
    // The outcome lists every generator's candidate; the LLM's may be missing (its breaker open on this CPU).
    const listed = rows.outcomes[0].candidates as { generator: string; status: string }[];
    expect(listed.map((c) => c.generator).sort()).toEqual([...stack.generators].sort());
    for (const c of listed) expect(['ok', 'skipped_deadline', 'missing']).toContain(c.status);
    // Each candidate's model version, index for index: retrieval's names the reply ranker that scored it.
    const models = rows.outcomes[0].candidate_models as string[];
    expect(models).toHaveLength(listed.length);
    expect(models[listed.findIndex((c) => c.generator === 'retrieval')]).toMatch(
      /^response-bank@[\d.]+\+minilm-l6-v2-int8\+reply-ranker@[\d.]+\+tone@[\d.]+$/,
    );
    const { arrived, missed } = rows.outcomes[0] as { arrived: string[]; missed: string[] };
    expect([...arrived, ...missed].sort()).toEqual(
      [...stack.generators.map((g) => `gen:${g}`), ...NLU_TASKS.map((t) => `nlu:${t}`)].sort(),
    );
    expect(arrived).toEqual(expect.arrayContaining(['gen:retrieval', ...NLU_TASKS.map((t) => `nlu:${t}`)]));
  });

  it("offers the response bank's persona line for a message that matches it, and records which candidate won", async () => {
    const res = await postJson(`${stack.gatewayUrl}/v1/messages`, {
      conversationId: `c-${randomUUID()}`,
      userId: 'u-retrieval',
      text: 'do you have any friends?',
      deadlineMs: 2000,
    });
    expect(res.status).toBe(200);
    expect(res.body.nlu.sentiment.label).toBe('neutral');
    // A question about the bot: the response bank's reply when it is close enough.
    expect(res.body.reply).toMatchObject({ reason: 'generative.about_bot', source: 'retrieval' });
    const persona = "I have you, don't I? Tell me about your friends.";
    const rows = await storedRows(res.body.messageId);
    expect(rows.candidates.find((c: { generator: string }) => c.generator === 'retrieval').text).toBe(persona);
    const listed = rows.outcomes[0].candidates as { generator: string; text: string; chosen: boolean }[];
    expect(listed.find((c) => c.generator === 'retrieval')).toMatchObject({ text: persona, chosen: res.body.reply.source === 'retrieval' });
    expect(listed.filter((c) => c.chosen).map((c) => c.text)).toEqual([res.body.reply.text]);
  });

  it('answers a message sent over gRPC SendMessage, and stores it', async () => {
    const conversationId = `c-${randomUUID()}`;
    const response = await sendMessage(client, {
      conversationId,
      userId: 'u-grpc',
      text: 'This is awful, I hate it and I am so sad.',
      deadlineMs: 2000,
    });
    expect(response.reply).toMatchObject({ source: expect.stringMatching(/^(canned|retrieval|generative)$/), fallback: false });
    expect(response.reply!.reason.length).toBeGreaterThan(0);
    expect(response.nlu.sentiment.label).toBe('negative');
    const rows = await storedRows(response.messageId);
    expect(rows.messages[0]).toMatchObject({ channel: 'grpc', text: 'This is awful, I hate it and I am so sad.' });
    expect(rows.outcomes[0].nlu).toMatchObject({ sentiment: 'negative' });
  });

  it('streams one reply per message over gRPC Converse, in order', async () => {
    const conversationId = `c-${randomUUID()}`;
    const texts = ['hello there', 'I am really happy today', 'but my boss was terrible'];
    const stream = client.Converse();
    const replies: SendMessageResponse[] = [];
    const done = new Promise<void>((resolve, reject) => {
      stream.on('data', (response: SendMessageResponse) => replies.push(response));
      stream.on('end', () => resolve());
      stream.on('error', reject);
    });
    texts.forEach((text, i) => stream.write({ conversationId, userId: 'u-stream', text, clientMessageId: `m${i}`, deadlineMs: 2000 }));
    stream.end();
    await done;
    expect(replies.map((r) => r.clientMessageId)).toEqual(['m0', 'm1', 'm2']);
    expect(replies.every((r) => r.reply && r.reply.text.length > 0 && !r.error)).toBe(true);
    expect(replies[1].nlu.sentiment.label).toBe('positive');
  });

  it('keeps one conversation in order and answers many messages at once', async () => {
    const messages = Array.from({ length: 30 }, (_, i) => ({
      conversationId: `c-load-${i % 5}-${randomUUID()}`,
      userId: `u-${i % 7}`,
      text: i % 2 ? 'great stuff' : 'meh, whatever',
      deadlineMs: 3000,
    }));
    const results = await Promise.all(messages.map((body) => postJson(`${stack.gatewayUrl}/v1/messages`, body)));
    expect(results.map((r) => r.status)).toEqual(messages.map(() => 200));
    expect(new Set(results.map((r) => r.body.messageId)).size).toBe(messages.length);
    expect(results.every((r) => r.body.reply.reason !== 'gateway.no_reply')).toBe(true);
  });

  it('serves health, readiness and Prometheus metrics on every app', async () => {
    for (const url of Object.values(stack.urls)) {
      expect((await getJson(`${url}/healthz`)).status).toBe(200);
      const ready = await getJson(`${url}/readyz`);
      expect(ready.status).toBe(200);
      expect(ready.body.ready).toBe(true);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toContain('process_cpu_seconds_total');
    }
    const gatewayMetrics = await (await fetch(`${stack.gatewayUrl}/metrics`)).text();
    expect(gatewayMetrics).toMatch(/gateway_messages_total\{[^}]*channel="http"/);
  });
});

describe('gateway input errors', () => {
  const stack = stackInfo();
  const url = () => `${stack.gatewayUrl}/v1/messages`;
  const valid = { conversationId: 'c1', userId: 'u1', text: 'hi' };

  it.each([
    ['a body that is not JSON', undefined, '{"conversationId":', 400, 'invalid_json'],
    ['a JSON array', [1, 2], undefined, 400, 'invalid_body'],
    ['empty text', { ...valid, text: '   ' }, undefined, 400, 'empty_text'],
    ['text of the wrong type', { ...valid, text: 42 }, undefined, 400, 'invalid_text'],
    ['a missing user id', { conversationId: 'c1', text: 'hi' }, undefined, 400, 'invalid_user_id'],
    ['control characters', { ...valid, text: 'hi\u0007there' }, undefined, 400, 'invalid_text'],
    ['an out-of-range deadline', { ...valid, deadlineMs: 5 }, undefined, 400, 'invalid_deadline'],
    ['text over the limit', { ...valid, text: 'a'.repeat(2001) }, undefined, 413, 'text_too_long'],
    ['a body over the limit', { ...valid, text: 'a'.repeat(20_000) }, undefined, 413, 'body_too_large'],
  ])('refuses %s with a machine-readable code', async (_name, body, raw, status, code) => {
    const res = await postJson(url(), body, raw);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error: { code, message: expect.any(String) } });
  });

  it('refuses bad input over gRPC with INVALID_ARGUMENT', async () => {
    const client = chatClient(stack.grpcAddress);
    await expect(sendMessage(client, { conversationId: 'c1', userId: 'u1', text: '' })).rejects.toMatchObject({ code: 3 });
    client.close();
  });

  it('refuses a gRPC request over the HTTP body limit with RESOURCE_EXHAUSTED, before decoding it', async () => {
    const client = chatClient(stack.grpcAddress);
    await expect(sendMessage(client, { conversationId: 'c1', userId: 'u1', text: 'a'.repeat(20_000) })).rejects.toMatchObject({ code: 8 });
    client.close();
  });
});
