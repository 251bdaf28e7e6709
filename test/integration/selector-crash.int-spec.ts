import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { Topic, decodeEvent } from '@app/contracts';
import type { LocalStack } from '../../scripts/local-stack';
import { eventually, postJson } from '../support/http';
import { sidePrefix, startSideStack } from '../support/side-stack';
import { stackInfo } from '../support/stack-info';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A selector killed (SIGKILL) while its merges are open: the messages were read but not answered,
 * so their offsets must not have been committed. The restarted selector reads them again and
 * answers each once: every client gets the selector's reply (not the gateway's no-reply), and
 * chat.replies and chat.outcomes hold exactly one record per message.
 */
describe('a selector killed with open merges', () => {
  const shared = stackInfo();
  const prefix = sidePrefix('selector-crash');
  let stack: LocalStack;
  let consumer: Consumer;
  const kafka = new Kafka({ clientId: 'selector-crash-test', brokers: [shared.kafkaBrokers], logLevel: logLevel.NOTHING });
  const records = { [Topic.replies]: new Map<string, number>(), [Topic.outcomes]: new Map<string, number>() };

  beforeAll(async () => {
    // An expected sentiment task with no worker keeps every merge open until its deadline.
    stack = await startSideStack('selector-crash', {
      nluWorkers: [['sentiment']],
      generators: [],
      apps: ['selector', 'gateway'],
      env: { MAX_DEADLINE_MS: '40000', KAFKA_SESSION_TIMEOUT_MS: '6000' },
    });
    consumer = kafka.consumer({ groupId: `selector-crash-test-${randomUUID()}` });
    await consumer.connect();
    for (const topic of [Topic.replies, Topic.outcomes]) await consumer.subscribe({ topic: `${prefix}${topic}`, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const logical = topic.slice(prefix.length) as typeof Topic.replies | typeof Topic.outcomes;
        const messageId = decodeEvent(logical, message.value).meta!.messageId;
        records[logical].set(messageId, (records[logical].get(messageId) ?? 0) + 1);
      },
    });
  });
  afterAll(async () => {
    await consumer?.disconnect();
    await stack?.stop();
  });

  it('answers every open message once after the restart', async () => {
    const sends = Array.from({ length: 5 }, (_, i) =>
      postJson(`${stack.gatewayUrl}/v1/messages`, {
        conversationId: `c-${randomUUID()}`,
        userId: `u-crash-${i}`,
        text: `still there? ${i}`,
        deadlineMs: 25_000,
      }),
    );
    await eventually(async () => {
      const text = await (await fetch(`${stack.url('selector')}/metrics`)).text();
      return /^selector_open_merges(\{[^}]*\})? 5$/m.test(text) ? text : undefined;
    });
    await stack.restart('selector', { kill: true });
    const responses = await Promise.all(sends);
    for (const res of responses) {
      expect(res.status).toBe(200);
      // The selector's fallback at the deadline, not the gateway's own when no reply came.
      expect(res.body.reply.reason).not.toBe('gateway.no_reply');
      expect(res.body.reply.source).toBe('fallback');
    }
    const ids = responses.map((res) => res.body.messageId as string);
    await eventually(async () => (ids.every((id) => records[Topic.outcomes].has(id)) ? true : undefined));
    await pause(1_000);
    expect(ids.map((id) => records[Topic.replies].get(id))).toEqual([1, 1, 1, 1, 1]);
    expect(ids.map((id) => records[Topic.outcomes].get(id))).toEqual([1, 1, 1, 1, 1]);
  }, 90_000);
});
