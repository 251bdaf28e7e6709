import { create } from '@bufbuild/protobuf';
import {
  ChatMessageSchema,
  ConversationStateSchema,
  EventMetaSchema,
  SCHEMA_VERSION,
  Topic,
  TurnSchema,
  decodeEvent,
} from '@app/contracts';
import type { Composed } from '../policy/reply-composer';
import { answerEvents, answeredAgain, failedAnswer, repeatedReply } from './answer-events';

describe('answeredAgain', () => {
  const turn = (messageOffset: string) => create(TurnSchema, { messageId: 'm1', messageOffset });

  it('tells the answered record read again from a later record with the same message id', () => {
    expect(answeredAgain(turn('41'), '41')).toBe('redelivery');
    expect(answeredAgain(turn('41'), '40')).toBe('redelivery');
    expect(answeredAgain(turn('41'), '42')).toBe('retry');
    expect(answeredAgain(turn('9'), '10')).toBe('retry'); // numbers, not text
  });

  it('answers again when the turn does not say which record it answered', () => {
    expect(answeredAgain(turn(''), '3')).toBe('retry');
  });
});

describe('answerEvents', () => {
  it('gives every waiting gateway the reply, then the outcome, then the state, all keyed by conversation', () => {
    const meta = create(EventMetaSchema, { schemaVersion: SCHEMA_VERSION, messageId: 'm1', conversationId: 'c1', userId: 'u1' });
    const state = create(ConversationStateSchema, { meta, turnCount: 3 });
    const composed = {
      decision: { text: 'hey you', source: 'canned', rule: 'canned.social', fallback: false, rejected: {} },
      candidateViews: [],
      resolvedText: '',
      resolvedEntities: [],
      state,
    } as unknown as Composed;
    const events = answerEvents({
      meta,
      message: create(ChatMessageSchema, { meta, text: 'hi', replyTo: 'gw-a', clientMessageId: 'k1' }),
      messageOffset: '17',
      composed,
      nlu: [],
      missingGenerators: [],
      replyTo: ['gw-a', 'gw-b'],
      expected: ['nlu:intent'],
      arrived: ['nlu:intent'],
      missed: [],
      skipped: [],
      deadlineReached: false,
      deadlineAtMs: 1000,
      traceId: 't1',
      latencyMs: 12,
    });
    expect(events.map((e) => e.topic)).toEqual([Topic.replies, Topic.replies, Topic.outcomes, Topic.conversations]);
    expect(events.map((e) => e.key)).toEqual(['c1', 'c1', 'c1', 'c1']);
    expect(events.slice(0, 2).map((e) => (e.value as { replyTo: string }).replyTo)).toEqual(['gw-a', 'gw-b']);
    expect(events[2].value).toMatchObject({ replyText: 'hey you', policyRule: 'canned.social', latencyMs: 12 });
    expect(events[3].value).toBe(state);
    expect(events.map((e) => e.headers)).toEqual([
      { 'x-reply-kind': 'answer', 'x-answers-offset': '17' },
      { 'x-reply-kind': 'answer', 'x-answers-offset': '17' },
      undefined,
      undefined,
    ]);
  });
});

describe('repeatedReply', () => {
  it("is the turn's reply for the retry's gateway, marked a resend of the retry's record", () => {
    const meta = create(EventMetaSchema, { schemaVersion: SCHEMA_VERSION, messageId: 'm1', conversationId: 'c1', userId: 'u1' });
    const message = create(ChatMessageSchema, { meta, text: 'hi', replyTo: 'gw-b', clientMessageId: 'k1' });
    const turn = create(TurnSchema, { messageId: 'm1', replyText: 'hey you', replySource: 'canned', replyReason: 'canned.social' });
    const event = repeatedReply(meta, message, turn, { offset: '23', deadlineAtMs: 5000, traceId: 't2' });
    expect(event).toMatchObject({ topic: Topic.replies, key: 'c1', deadlineAtMs: 5000, traceId: 't2' });
    expect(event.value).toMatchObject({ text: 'hey you', replyTo: 'gw-b', reason: 'canned.social', clientMessageId: 'k1' });
    expect(event.headers).toEqual({ 'x-reply-kind': 'resend', 'x-answers-offset': '23' });
  });
});

describe('failedAnswer', () => {
  it('is a dead letter with the reason, where the message was, and the message itself', () => {
    const meta = create(EventMetaSchema, { schemaVersion: SCHEMA_VERSION, messageId: 'm1', conversationId: 'c1', userId: 'u1' });
    const message = create(ChatMessageSchema, { meta, text: 'hello' });
    const letter = failedAnswer(message, { topic: 'p.chat.messages', partition: 4, offset: '17', group: 'p.selector' }, new Error('boom'));
    expect(letter.topic).toBe(Topic.dlq);
    expect(letter.key).toBe('c1');
    expect(letter.value).toMatchObject({ sourceTopic: 'p.chat.messages', partition: 4, offset: '17', consumerGroup: 'p.selector' });
    expect(letter.value.reason).toBe('answer_failed: boom');
    expect(decodeEvent(Topic.messages, Buffer.from(letter.value.value as Uint8Array)).text).toBe('hello');
  });
});
