import type { Kafka, ProducerBatch } from 'kafkajs';
import { ChatMessageSchema, SCHEMA_VERSION, Topic, TopicNames } from '@app/contracts';
import { EventProducer } from './event-producer';

/** A kafkajs producer whose requests the test answers by hand. */
function fakeKafka() {
  const requests: { batch: ProducerBatch; done: (error?: Error) => void }[] = [];
  const producer = {
    sendBatch: (batch: ProducerBatch) =>
      new Promise<void>((resolve, reject) => requests.push({ batch, done: (error) => (error ? reject(error) : resolve()) })),
  };
  return { kafka: { producer: () => producer } as unknown as Kafka, requests };
}

const message = (id: string) => ({
  topic: Topic.messages,
  schema: ChatMessageSchema,
  key: 'c1',
  value: { meta: { schemaVersion: SCHEMA_VERSION, messageId: id, conversationId: 'c1', userId: 'u1' }, text: id },
  deadlineAtMs: 0,
  traceId: '',
});
const texts = (batch: ProducerBatch) =>
  batch.topicMessages!.flatMap((t) => t.messages.map((m) => (m.value as Buffer).toString('latin1').slice(-2)));
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('EventProducer', () => {
  it('sends at once when idle, and sends what came meanwhile together, in order, in the next request', async () => {
    const { kafka, requests } = fakeKafka();
    const producer = new EventProducer(kafka, new TopicNames('p.'));
    const resolved: string[] = [];
    const first = producer.send([message('m1')]).then(() => resolved.push('m1'));
    expect(requests).toHaveLength(1);
    const later = ['m2', 'm3', 'm4'].map((id) => producer.send([message(id)]).then(() => resolved.push(id)));
    await settle();
    expect(requests).toHaveLength(1); // one request in flight at a time
    requests[0].done();
    await first;
    await settle();
    expect(requests).toHaveLength(2);
    expect(requests[1].batch.topicMessages).toHaveLength(1);
    expect(requests[1].batch.topicMessages![0].topic).toBe('p.chat.messages');
    expect(texts(requests[1].batch)).toEqual(['m2', 'm3', 'm4']);
    requests[1].done();
    await Promise.all(later);
    expect(resolved).toEqual(['m1', 'm2', 'm3', 'm4']);
  });

  it("adds an event's own headers to the standard ones, which it cannot override", async () => {
    const { kafka, requests } = fakeKafka();
    const producer = new EventProducer(kafka, new TopicNames(''));
    const sent = producer.send([{ ...message('m1'), traceId: 't1', headers: { 'x-reply-kind': 'answer', 'x-trace-id': 'forged' } }]);
    expect(requests[0].batch.topicMessages![0].messages[0].headers).toEqual({
      'x-reply-kind': 'answer',
      'x-event-type': 'chat.v1.ChatMessage',
      'x-deadline-ms': '0',
      'x-trace-id': 't1',
    });
    requests[0].done();
    await sent;
  });

  it('fails a send whose event cannot be encoded, without throwing and without sending', async () => {
    const { kafka, requests } = fakeKafka();
    const producer = new EventProducer(kafka, new TopicNames(''));
    const bad = { ...message('m1'), value: { meta: { schemaVersion: 'one' } } } as unknown as ReturnType<typeof message>;
    let sent: Promise<void> | undefined;
    expect(() => (sent = producer.send([bad]))).not.toThrow();
    await expect(sent).rejects.toThrow();
    expect(requests).toHaveLength(0);
  });

  it('fails every send of a failed request, and goes on with the next', async () => {
    const { kafka, requests } = fakeKafka();
    const producer = new EventProducer(kafka, new TopicNames(''));
    const first = producer.send([message('m1')]);
    const second = producer.send([message('m2')]);
    const third = producer.send([message('m3')]);
    requests[0].done();
    await first;
    await settle();
    requests[1].done(new Error('broker gone'));
    await expect(second).rejects.toThrow('broker gone');
    await expect(third).rejects.toThrow('broker gone');
    const fourth = producer.send([message('m4')]);
    await settle();
    expect(requests).toHaveLength(3);
    requests[2].done();
    await expect(fourth).resolves.toBeUndefined();
  });

  it('sends what must get through again, ahead of later sends and in order, until acknowledged; fails the rest', async () => {
    jest.useFakeTimers();
    try {
      const { kafka, requests } = fakeKafka();
      const producer = new EventProducer(kafka, new TopicNames(''));
      const resolved: string[] = [];
      const first = producer.send([message('m1')]);
      const answer = producer.send([message('m2')], { untilAcked: true }).then(() => resolved.push('m2'));
      const plain = producer.send([message('m3')]);
      const later = producer.send([message('m4')], { untilAcked: true }).then(() => resolved.push('m4'));
      requests[0].done();
      await first;
      await jest.advanceTimersByTimeAsync(0);
      expect(texts(requests[1].batch)).toEqual(['m2', 'm3', 'm4']);
      requests[1].done(new Error('broker gone'));
      await expect(plain).rejects.toThrow('broker gone');
      expect(producer.failing).toBe(true);
      let delivering = false;
      void producer.whenDelivering().then(() => (delivering = true));
      expect(producer.whenDelivering()).toBe(producer.whenDelivering()); // one shared wait, however many ask
      // Nothing is sent again before the wait, and nothing sent meanwhile jumps the queue.
      const meanwhile = producer.send([message('m5')], { untilAcked: true }).then(() => resolved.push('m5'));
      expect(requests).toHaveLength(2);
      await jest.advanceTimersByTimeAsync(200);
      expect(requests).toHaveLength(3);
      expect(texts(requests[2].batch)).toEqual(['m2', 'm4', 'm5']);
      requests[2].done(new Error('still gone'));
      await jest.advanceTimersByTimeAsync(399);
      expect(requests).toHaveLength(3); // the wait doubles
      await jest.advanceTimersByTimeAsync(1);
      expect(texts(requests[3].batch)).toEqual(['m2', 'm4', 'm5']);
      expect(delivering).toBe(false);
      requests[3].done();
      await Promise.all([answer, later, meanwhile]);
      expect(resolved).toEqual(['m2', 'm4', 'm5']);
      expect(producer.failing).toBe(false);
      expect(delivering).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });

  it('sends tombstones (the key, a null value) to the changelog in order with the events around them', async () => {
    const { kafka, requests } = fakeKafka();
    const producer = new EventProducer(kafka, new TopicNames('p.'));
    const first = producer.send([message('m1')]);
    const state = producer.send([{ ...message('m2'), topic: Topic.conversations }], { untilAcked: true });
    const tombstones = producer.sendTombstones(Topic.conversations, ['c7', 'c8'], { untilAcked: true });
    const none = producer.sendTombstones(Topic.conversations, []);
    await expect(none).resolves.toBeUndefined();
    requests[0].done();
    await first;
    await settle();
    expect(requests).toHaveLength(2);
    const [changelog] = requests[1].batch.topicMessages!;
    expect(changelog.topic).toBe('p.chat.conversations');
    expect(changelog.messages.map((m) => [m.key, m.value === null ? null : 'state'])).toEqual([
      ['c1', 'state'],
      ['c7', null],
      ['c8', null],
    ]);
    requests[1].done();
    await expect(Promise.all([state, tombstones])).resolves.toBeDefined();
  });
});
