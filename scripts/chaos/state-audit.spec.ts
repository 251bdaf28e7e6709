import { create } from '@bufbuild/protobuf';
import { ConversationStateSchema } from '@app/contracts';
import { newSent } from './clients';
import { auditNames, auditState } from './state-audit';
import type { MessageRecord, ReplyRecord } from './topic-reader';

const message = (conversationId: string, messageId: string): MessageRecord => ({
  messageId,
  conversationId,
  clientMessageId: messageId,
  replyTo: 'gw',
  offset: '0',
});
const reply = (conversationId: string, messageId: string, kind = 'answer'): ReplyRecord => ({
  messageId,
  conversationId,
  replyTo: 'gw',
  text: 'hi',
  reason: 'r',
  kind,
  answersOffset: '0',
  emittedAtMs: 1,
});
const state = (turnCount: number, userName: string) => create(ConversationStateSchema, { turnCount, userName });

describe('auditState', () => {
  it("holds each conversation's turn count to its answered messages, and its name to the one given", () => {
    const conversations = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => ({ conversationId: id, name: id.toUpperCase() }));
    const messages = ['a', 'b', 'c', 'd', 'e'].flatMap((c) => [message(c, `${c}1`), message(c, `${c}2`)]);
    const replies = ['a', 'b', 'c', 'd', 'e'].flatMap((c) => [reply(c, `${c}1`), reply(c, `${c}2`), reply(c, `${c}2`, 'resend')]);
    const states = new Map([
      ['a', state(2, 'A')],
      ['b', state(1, 'B')],
      ['c', state(3, 'C')],
      ['d', state(2, 'Zed')],
      ['e', null],
    ]);
    expect(auditState(conversations, states, messages, replies)).toEqual([
      { conversationId: 'b', problem: 'fewer turns than answers', turnCount: 1, answered: 2 },
      { conversationId: 'c', problem: 'more turns than answers', turnCount: 3, answered: 2 },
      { conversationId: 'd', problem: 'name lost', turnCount: 2, answered: 2 },
      { conversationId: 'e', problem: 'no state', turnCount: 0, answered: 2 },
    ]);
  });
});

describe('auditNames', () => {
  it('wants the name in the reply to the last question, whatever its case', () => {
    const asked = ['a', 'b', 'c'].map((c) => newSent({ conversationId: c, userId: c, text: "what's my name?" }, true));
    asked[0].replies.add("You're Priya. I never forget a name.");
    asked[1].replies.add('Sorry, I zoned out for a second there. What were you saying?');
    asked[2].result = 'lost';
    asked[2].failure = '503';
    const recall = auditNames(asked, (c) => ({ a: 'priya', b: 'Jonas', c: 'Mateo' })[c]!);
    expect(recall).toEqual({
      asked: 3,
      recalled: 1,
      failures: [
        { conversationId: 'b', name: 'Jonas', reply: 'Sorry, I zoned out for a second there. What were you saying?' },
        { conversationId: 'c', name: 'Mateo', reply: '(lost: 503)' },
      ],
    });
  });
});
