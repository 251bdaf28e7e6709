import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { Topic, decodeEvent, type Candidate, type ConversationState } from '@app/contracts';
import type { LocalStack } from '../../scripts/local-stack';
import { eventually, postJson } from '../support/http';
import { sidePrefix, startSideStack } from '../support/side-stack';
import { stackInfo } from '../support/stack-info';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const IDLE_MS = 3_000;

/**
 * A pipeline of its own (selector, retrieval generator, gateway) whose selector forgets a
 * conversation after 3 s without a message: it writes a tombstone to chat.conversations, a
 * restarted selector restores the tombstone (it does not expire the conversation a second time),
 * and the generator forgets the turns too (the same question gets the same candidate as the first time).
 */
describe('idle conversation state expires (SELECTOR_STATE_IDLE_MS)', () => {
  const shared = stackInfo();
  const prefix = sidePrefix('state-expiry');
  let stack: LocalStack;
  let consumer: Consumer;
  const kafka = new Kafka({ clientId: 'state-expiry-test', brokers: [shared.kafkaBrokers], logLevel: logLevel.NOTHING });
  /** chat.conversations in offset order: a state, or null for a tombstone. */
  const changelog: { key: string; state: ConversationState | null }[] = [];
  const candidates: Candidate[] = [];

  beforeAll(async () => {
    stack = await startSideStack('state-expiry', {
      nluWorkers: [],
      generators: ['retrieval'],
      apps: ['selector', 'generator-worker', 'gateway'],
      env: { SELECTOR_STATE_IDLE_MS: String(IDLE_MS) },
    });
    consumer = kafka.consumer({ groupId: `state-expiry-test-${randomUUID()}` });
    await consumer.connect();
    for (const topic of [Topic.conversations, Topic.candidates])
      await consumer.subscribe({ topic: `${prefix}${topic}`, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        if (topic === `${prefix}${Topic.candidates}`) return void candidates.push(decodeEvent(Topic.candidates, message.value));
        const state = message.value === null ? null : decodeEvent(Topic.conversations, message.value);
        changelog.push({ key: message.key!.toString(), state });
      },
    });
  });
  afterAll(async () => {
    await consumer?.disconnect();
    await stack?.stop();
  });

  const conversationId = `c-${randomUUID()}`;
  const send = async (text: string): Promise<string> => {
    const res = await postJson(`${stack.gatewayUrl}/v1/messages`, { conversationId, userId: 'u-expiry', text, deadlineMs: 3000 });
    expect(res.status).toBe(200);
    await pause(300); // a person's pause: the generator reads the new state meanwhile
    return res.body.messageId as string;
  };
  const stateOf = (messageId: string) =>
    eventually(async () => changelog.find((r) => r.key === conversationId && r.state?.meta?.messageId === messageId)?.state ?? undefined);
  const candidateOf = (messageId: string) =>
    eventually(async () => candidates.find((c) => c.meta?.messageId === messageId && c.generator === 'retrieval'));
  const metrics = async () => (await fetch(`${stack.url('selector')}/metrics`)).text();
  const QUESTION = 'do you have any friends?';
  let firstCandidate = '';

  it('tombstones a conversation idle past the limit on chat.conversations', async () => {
    const first = await send(QUESTION);
    const second = await send(QUESTION);
    expect((await stateOf(second)).turnCount).toBe(2);
    firstCandidate = (await candidateOf(first)).text;
    // With the turns in its context, the generator does not offer the same reply twice.
    expect((await candidateOf(second)).text).not.toBe(firstCandidate);
    const writtenAt = Date.now();
    await eventually(async () => changelog.find((r) => r.key === conversationId && r.state === null), 15_000);
    expect(Date.now() - writtenAt).toBeGreaterThanOrEqual(IDLE_MS - 1_000);
    const text = await metrics();
    expect(text).toMatch(/^selector_expired_conversations_total(\{[^}]*\})? 1$/m);
    expect(text).toMatch(/^selector_conversations(\{[^}]*\})? 0$/m);
  });

  it('restores the tombstone after a restart: the conversation is gone, not expired again', async () => {
    await stack.restart('selector');
    // Two states and the tombstone read back (at least: under load a state can be written twice alike).
    await eventually(async () => {
      const text = await metrics();
      const restored = text.match(/^kafka_changelog_restored_records_total\{[^}]*topic="chat\.conversations"[^}]*\} (\d+)$/m);
      return restored && Number(restored[1]) >= 3 ? text : undefined;
    }, 60_000);
    await pause(IDLE_MS / 10 + 2_000); // sweeps run meanwhile
    const text = await metrics();
    expect(text).toMatch(/^selector_conversations(\{[^}]*\})? 0$/m);
    expect(text).toMatch(/^selector_expired_conversations_total(\{[^}]*\})? 0$/m);
    expect(text).not.toMatch(/^kafka_dead_lettered_records_total\{[^}]*topic="chat\.conversations"/m);
  });

  it('starts the conversation afresh, and the generator has forgotten its turns too', async () => {
    const next = await send(QUESTION);
    expect((await stateOf(next)).turnCount).toBe(1);
    expect((await candidateOf(next)).text).toBe(firstCandidate);
  });
});
