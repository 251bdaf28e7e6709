import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import { Topic, decodeEvent, type Candidate, type ConversationState } from '@app/contracts';
import type { LocalStack } from '../../scripts/local-stack';
import { eventually, postJson } from '../support/http';
import { sidePrefix, startSideStack } from '../support/side-stack';
import { stackInfo } from '../support/stack-info';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A pipeline of its own (selector, retrieval generator, gateway) on the shared broker: the
 * selector's dialogue state goes to chat.conversations, survives the selector being killed, stops
 * a redelivered message from being answered twice, and gives the generator the conversation's turns.
 */
describe('conversation state (chat.conversations)', () => {
  const shared = stackInfo();
  const prefix = sidePrefix('conversation-state');
  let stack: LocalStack;
  let consumer: Consumer;
  const kafka = new Kafka({ clientId: 'state-test', brokers: [shared.kafkaBrokers], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  const states: ConversationState[] = [];
  const candidates: Candidate[] = [];
  const replies: { messageId: string; text: string }[] = [];
  const messages = new Map<string, KafkaMessage>();

  beforeAll(async () => {
    stack = await startSideStack('conversation-state', {
      nluWorkers: [],
      generators: ['retrieval'],
      apps: ['selector', 'generator-worker', 'gateway'],
    });
    await producer.connect();
    consumer = kafka.consumer({ groupId: `state-test-${randomUUID()}` });
    await consumer.connect();
    for (const topic of [Topic.conversations, Topic.candidates, Topic.replies, Topic.messages])
      await consumer.subscribe({ topic: `${prefix}${topic}`, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        switch (topic.slice(prefix.length)) {
          case Topic.conversations:
            states.push(decodeEvent(Topic.conversations, message.value));
            break;
          case Topic.candidates:
            candidates.push(decodeEvent(Topic.candidates, message.value));
            break;
          case Topic.replies:
            {
              const reply = decodeEvent(Topic.replies, message.value);
              replies.push({ messageId: reply.meta!.messageId, text: reply.text });
            }
            break;
          case Topic.messages:
            messages.set(decodeEvent(Topic.messages, message.value).meta!.messageId, message);
        }
      },
    });
  });
  afterAll(async () => {
    await consumer?.disconnect();
    await producer.disconnect();
    await stack?.stop();
  });

  const conversationId = `c-${randomUUID()}`;
  const send = async (text: string): Promise<string> => {
    const res = await postJson(`${stack.gatewayUrl}/v1/messages`, { conversationId, userId: 'u-state', text, deadlineMs: 3000 });
    expect(res.status).toBe(200);
    // A person takes longer than this to type the next message; the generator reads the new state meanwhile.
    await pause(300);
    return res.body.messageId as string;
  };
  const stateAfter = (messageId: string) =>
    eventually(async () => states.find((s) => s.meta?.conversationId === conversationId && s.meta.messageId === messageId));

  const ids: string[] = [];

  it('writes the conversation state after every reply, turns oldest first', async () => {
    // Answered from retrieval (a question about the bot with a close persona reply), so the second time it must offer another.
    ids.push(await send('do you have any friends?'));
    ids.push(await send('do you have any friends?'));
    ids.push(await send('I love hiking in the mountains'));
    const state = await stateAfter(ids[2]);
    expect(state.turnCount).toBe(3);
    expect(state.turns.map((t) => t.messageId)).toEqual(ids);
    expect(state.turns.map((t) => t.userText)).toEqual([
      'do you have any friends?',
      'do you have any friends?',
      'I love hiking in the mountains',
    ]);
    for (const turn of state.turns) expect(turn.replyText.length).toBeGreaterThan(0);
  });

  it("gives the generator the conversation's turns: the same question twice gets two different replies", async () => {
    const [first, second] = await Promise.all(
      ids.slice(0, 2).map((id) => eventually(async () => candidates.find((c) => c.meta?.messageId === id && c.generator === 'retrieval'))),
    );
    expect(first.text.length).toBeGreaterThan(0);
    expect(second.text.length).toBeGreaterThan(0);
    expect(second.text).not.toBe(first.text);
  });

  it('restores the state after the selector is killed, and does not decide a retried message again', async () => {
    await stack.restart('selector', { kill: true });
    ids.push(await send('Tell me something about you'));
    const state = await stateAfter(ids[3]);
    expect(state.turnCount).toBe(4);
    expect(state.turns.map((t) => t.messageId)).toEqual(ids);

    // The same message in a new record, as the gateway writes a client's retry (the same record
    // read again after a crash is not answered at all: selector-crash.int-spec.ts).
    const original = messages.get(ids[1])!;
    await producer.send({
      topic: `${prefix}${Topic.messages}`,
      messages: [{ key: original.key, value: original.value, headers: original.headers }],
    });
    const metrics = await eventually(async () => {
      const text = await (await fetch(`${stack.url('selector')}/metrics`)).text();
      return /^selector_retried_answered_total(\{[^}]*\})? 1$/m.test(text) ? text : undefined;
    });
    expect(metrics).toMatch(/^selector_conversations(\{[^}]*\})? [1-9]/m);
    await pause(500);
    // Not decided again: the same reply is sent once more (a retrying client would be waiting for it),
    // and the conversation gets no new turn.
    const sent = replies.filter((r) => r.messageId === ids[1]);
    expect(sent).toHaveLength(2);
    expect(sent[1].text).toBe(sent[0].text);
    const latest = states.filter((s) => s.meta?.conversationId === conversationId).at(-1)!;
    expect(latest.turnCount).toBe(4);
  });
});
