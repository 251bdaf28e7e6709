import { auditReplies } from './reply-audit';
import type { MessageRecord, ReplyRecord } from './topic-reader';

const record = (messageId: string, offset: string, replyTo = 'gw-1'): MessageRecord => ({
  messageId,
  conversationId: 'c1',
  clientMessageId: `k-${messageId}`,
  replyTo,
  offset,
});
const reply = (messageId: string, kind: string, answersOffset: string, more: Partial<ReplyRecord> = {}): ReplyRecord => ({
  messageId,
  conversationId: 'c1',
  replyTo: 'gw-1',
  text: 'hey',
  reason: 'canned.social',
  kind,
  answersOffset,
  emittedAtMs: 1000,
  ...more,
});

describe('auditReplies', () => {
  it('takes one answer per waiting gateway and one resend per retry record as they should be', () => {
    const audit = auditReplies(
      [record('m1', '4'), record('m1', '9', 'gw-2'), record('m1', '12', 'gw-3'), record('m2', '5')],
      [
        reply('m1', 'answer', '4'),
        reply('m1', 'answer', '4', { replyTo: 'gw-2' }), // the retry came while the merge was open
        reply('m1', 'resend', '12', { replyTo: 'gw-3', emittedAtMs: 5000 }),
        reply('m2', 'answer', '5'),
      ],
    );
    expect(audit).toEqual({
      accepted: 2,
      answered: 2,
      unanswered: [],
      answerRecords: 3,
      resendRecords: 1,
      retriedMessages: 1,
      doubles: [],
    });
  });

  it('finds a message answered by no one', () => {
    expect(auditReplies([record('m1', '4'), record('m2', '5')], [reply('m1', 'answer', '4')]).unanswered).toEqual(['m2']);
  });

  it('finds a reply published twice, a second decision, a resend with no retry behind it, and texts that differ', () => {
    const audit = auditReplies(
      [record('m1', '1'), record('m2', '2'), record('m3', '3'), record('m3', '7'), record('m4', '4'), record('m4', '8')],
      [
        reply('m1', 'answer', '1'),
        reply('m1', 'answer', '1'),
        reply('m2', 'answer', '2'),
        reply('m2', 'answer', '2', { emittedAtMs: 2000 }),
        reply('m3', 'answer', '3'),
        reply('m3', 'resend', '7', { emittedAtMs: 3000 }),
        reply('m3', 'resend', '7', { emittedAtMs: 3500 }), // the retry record read again
        reply('m4', 'answer', '4'),
        reply('m4', 'resend', '8', { text: 'something else', emittedAtMs: 4000 }),
      ],
    );
    expect(audit.doubles).toEqual([
      { messageId: 'm1', kinds: ['answer repeated'] },
      { messageId: 'm2', kinds: ['decided twice'] },
      { messageId: 'm3', kinds: ['resend without a retry'] },
      { messageId: 'm4', kinds: ['texts differ'] },
    ]);
  });

  it('counts a reply without the header as an answer', () => {
    const audit = auditReplies(
      [record('m1', '1'), record('m1', '6')],
      [reply('m1', 'answer', '1'), reply('m1', '', '', { emittedAtMs: 9 })],
    );
    expect(audit.doubles).toEqual([{ messageId: 'm1', kinds: ['decided twice'] }]);
  });
});
