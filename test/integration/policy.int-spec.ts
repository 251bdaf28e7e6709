import { randomUUID } from 'node:crypto';
import { eventually, getJson, postJson } from '../support/http';
import { stackInfo } from '../support/stack-info';

/**
 * Each rule of data/policy.json, reached through the whole pipeline on the real NLU models: the
 * rule is the reply's `reason`. Deadlines are generous so every task answers on this small machine.
 */
describe('the response policy on real NLU outputs', () => {
  const stack = stackInfo();
  const send = async (text: string, conversationId = `c-${randomUUID()}`) => {
    const res = await postJson(`${stack.gatewayUrl}/v1/messages`, { conversationId, userId: 'u-policy', text, deadlineMs: 4000 });
    expect(res.status).toBe(200);
    return res.body as { messageId: string; reply: { text: string; source: string; reason: string; fallback: boolean }; nlu: any };
  };

  it.each([
    ['I love you so much', 'canned.social', /blush|love you too|dinner/i],
    ['hello there!', 'canned.social', /./],
    ['are you a robot?', 'canned.bot_topic', /AI|chatbot|human/],
    ['what will the weather be like tomorrow?', 'canned.weather', /weather|window/i],
    ['what time is it right now?', 'canned.clock', /\d:\d\d/],
    ['who was the first president of the united states?', 'canned.google', /google|search/i],
    ['transfer 100 dollars from checking to savings', 'canned.task', /./],
    ['you are a stupid worthless idiot and I hate you', 'safety.toxic_user', /./],
  ])('%j → %s', async (text, reason, line) => {
    const { reply, nlu } = await send(text);
    expect({ reason: reply.reason, intent: nlu.intent?.label, toxicity: nlu.toxicity?.label }).toMatchObject({ reason });
    expect(reply.source).toBe('canned');
    expect(reply.fallback).toBe(false);
    expect(reply.text).toMatch(line);
  });

  it("answers a question about the bot's tastes from retrieval when it finds a close reply", async () => {
    const { reply } = await send('what is your favorite color?');
    expect(reply).toMatchObject({ reason: 'generative.about_bot', source: 'retrieval', text: 'Sunset orange. Dramatic, like me. Yours?' });
  });

  it("remembers the user's name, resolves a pronoun, and records both in the outcome", async () => {
    const conversationId = `c-${randomUUID()}`;
    await send('hi, my name is sam', conversationId);
    await send('I just bought a new guitar', conversationId);
    const third = await send('I play it every day', conversationId);
    const hello = await send('hey, hello!', conversationId);
    expect(hello.reply).toMatchObject({ reason: 'canned.social' });
    expect(hello.reply.text).toContain('Sam');
    const stored = await eventually(async () => {
      const { body } = await getJson(`${stack.sinkUrl}/v1/analytics/messages/${third.messageId}`);
      return body.outcomes?.length ? body.outcomes[0] : undefined;
    });
    expect(stored.resolved_text).toBe('I play guitar every day');
    expect(stored.resolved_entities).toEqual([{ pronoun: 'it', entity: 'guitar' }]);
    expect(stored.candidates.map((c: { generator: string }) => c.generator).sort()).toEqual([...stack.generators].sort());
  });
});
