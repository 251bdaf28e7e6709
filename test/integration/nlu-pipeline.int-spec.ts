import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { ChatMessageSchema, encodeEvent, eventHeaders, SCHEMA_VERSION } from '../../libs/contracts/src';
import { NLU_TASKS } from '../../libs/contracts/src/nlu-tasks';
import { eventually, getJson, postJson } from '../support/http';
import { stackInfo } from '../support/stack-info';

/** Every NLU task runs as its own worker in the test stack; the gateway shows each one's reading. */
describe('NLU tasks in the pipeline', () => {
  const stack = stackInfo();

  it('answers with every task in nlu.<task>, emotion with its Ekman roll-up, and stores each result', async () => {
    const res = await postJson(`${stack.gatewayUrl}/v1/messages`, {
      conversationId: `c-${randomUUID()}`,
      userId: 'u-nlu',
      text: 'I love you so much, Taylor! You made my day in Paris.',
      deadlineMs: 3000,
    });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.nlu).sort()).toEqual([...NLU_TASKS].sort());
    for (const task of NLU_TASKS) {
      expect(res.body.nlu[task]).toEqual(
        expect.objectContaining({
          label: expect.any(String),
          score: expect.any(Number),
          model: expect.any(String),
          latencyMs: expect.any(Number),
        }),
      );
    }
    expect(res.body.nlu.intent.label).toBe('love_declaration');
    expect(res.body.nlu.intent.labels.length).toBeGreaterThan(1);
    expect(res.body.nlu.emotion.ekman).toEqual(expect.objectContaining({ label: expect.any(String), score: expect.any(Number) }));
    expect(res.body.nlu.language.label).toBe('en');
    expect(res.body.nlu.entities.labels).toEqual(expect.arrayContaining([expect.objectContaining({ label: 'place', text: 'Paris' })]));

    const rows = await eventually(async () => {
      const { body } = await getJson(`${stack.sinkUrl}/v1/analytics/messages/${res.body.messageId}`);
      return body.nluResults?.length === NLU_TASKS.length ? body : undefined;
    });
    expect(rows.nluResults.map((r: { task: string }) => r.task).sort()).toEqual([...NLU_TASKS].sort());
    expect(rows.nluResults.every((r: { status: string }) => r.status === 'ok')).toBe(true);
  });

  it('skips a message whose deadline has passed, and records the skip for every task', async () => {
    const kafka = new Kafka({ clientId: 'late-test', brokers: [stack.kafkaBrokers], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const messageId = randomUUID();
    const conversationId = `c-${randomUUID()}`;
    const now = Date.now();
    const deadline = now - 1000;
    await producer.send({
      topic: `${stack.topicPrefix}chat.messages`,
      messages: [
        {
          key: conversationId,
          value: encodeEvent(ChatMessageSchema, {
            meta: {
              schemaVersion: SCHEMA_VERSION,
              messageId,
              conversationId,
              userId: 'u-late',
              acceptedAtMs: now - 2000,
              emittedAtMs: now - 2000,
              deadlineAtMs: deadline,
              traceId: 't',
            },
            text: 'this one is too late',
            channel: 'http',
          }),
          headers: eventHeaders(ChatMessageSchema.typeName, deadline, 't'),
        },
      ],
    });
    await producer.disconnect();
    const rows = await eventually(async () => {
      const { body } = await getJson(`${stack.sinkUrl}/v1/analytics/messages/${messageId}`);
      return body.nluResults?.length === NLU_TASKS.length ? body : undefined;
    });
    expect(rows.nluResults.every((r: { status: string; label: string }) => r.status === 'skipped_deadline' && r.label === '')).toBe(true);
    const intentWorker = stack.nluWorkers.find((tasks) => tasks.includes('intent'))!.join('+');
    const metrics = await (await fetch(`${stack.urls[`nlu-${intentWorker}`]}/metrics`)).text();
    const skippedLine = metrics
      .split('\n')
      .find((line) => line.startsWith('nlu_skipped_deadline_total{') && line.includes(`task="${intentWorker}"`));
    expect(skippedLine).toMatch(/ [1-9]\d*$/);
  });
});
