import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { fromBinary } from '@bufbuild/protobuf';
import { DeadLetterSchema } from '../../libs/contracts/src/gen/chat/v1/events_pb';
import { postJson } from '../support/http';
import { stackInfo } from '../support/stack-info';

/** A record no consumer can decode goes to chat.dlq with a reason, and the pipeline keeps going. */
describe('malformed records', () => {
  const stack = stackInfo();
  const prefix = stack.topicPrefix;
  const kafka = new Kafka({ clientId: 'dlq-test', brokers: [stack.kafkaBrokers], logLevel: logLevel.NOTHING });

  it('are dead-lettered with a reason while later messages are still answered', async () => {
    const key = `c-${randomUUID()}`;
    const garbage = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]);
    const producer = kafka.producer();
    await producer.connect();
    const consumer = kafka.consumer({ groupId: `dlq-test-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: `${prefix}chat.dlq`, fromBeginning: true });
    const letters: { reason: string; group: string }[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.key?.toString() !== key) return;
        const letter = fromBinary(DeadLetterSchema, message.value!);
        expect(Buffer.from(letter.value)).toEqual(garbage);
        letters.push({ reason: letter.reason, group: letter.consumerGroup });
      },
    });
    await producer.send({ topic: `${prefix}chat.messages`, messages: [{ key, value: garbage }] });

    const after = await postJson(`${stack.gatewayUrl}/v1/messages`, {
      conversationId: key,
      userId: 'u1',
      text: 'still there?',
      deadlineMs: 2000,
    });
    expect(after.status).toBe(200);
    expect(after.body.reply.reason).not.toBe('gateway.no_reply');

    // Every group reading chat.messages dead-letters it once: NLU, generator, selector, sink.
    const started = Date.now();
    const groups = [
      `${prefix}analytics-sink`,
      ...stack.generators.map((g) => `${prefix}gen-${g}`),
      ...stack.nluWorkers.map((tasks) => `${prefix}nlu-${tasks.join('+')}`),
      `${prefix}selector`,
    ].sort();
    while (letters.length < groups.length && Date.now() - started < 15_000) await new Promise((r) => setTimeout(r, 200));
    expect(letters.map((l) => l.group).sort()).toEqual(groups);
    expect(letters.every((l) => l.reason.startsWith('malformed:'))).toBe(true);
    await consumer.disconnect();
    await producer.disconnect();
  });
});
