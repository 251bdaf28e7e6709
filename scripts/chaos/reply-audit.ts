import type { MessageRecord, ReplyRecord } from './topic-reader';

/** Why a message's replies are a double. */
export type DoubleKind =
  /** Answered by two decisions (two selectors, or a redelivered message answered again). */
  | 'decided twice'
  /** One decision's reply published twice to the same gateway. */
  | 'answer repeated'
  /** A resend for a record that is no retry of the message, or two for one retry record. */
  | 'resend without a retry'
  /** Replies that disagree: the text sent again is not the one decided. */
  | 'texts differ';

export interface ReplyAudit {
  /** Message ids accepted (on chat.messages). */
  accepted: number;
  /** Of those, answered by the selector (an `answer` record on chat.replies). */
  answered: number;
  /** Accepted and never answered by the selector (whatever the client got: the gateway's fallback at best). */
  unanswered: string[];
  /** Reply records of each kind. */
  answerRecords: number;
  resendRecords: number;
  /** Messages accepted more than once (a client's retry reached a gateway again). */
  retriedMessages: number;
  doubles: { messageId: string; kinds: DoubleKind[] }[];
}

/**
 * Every reply record per message id, read raw from chat.replies (a client stops at its first reply,
 * so only this sees a second). The selector answers a message with one decision (one `answer`
 * record per waiting gateway, all with the decision's emit time) and may send that reply again,
 * marked `resend`, for each later chat.messages record of the message (a client's retry). So a
 * reply record is legitimate when it is the one answer per (gateway, decision) of the message's one
 * decision, or the one resend per retry record; anything beyond is a double.
 */
export function auditReplies(messages: MessageRecord[], replies: ReplyRecord[]): ReplyAudit {
  const recordsOf = groupBy(messages, (m) => m.messageId);
  const repliesOf = groupBy(replies, (r) => r.messageId);
  const unanswered: string[] = [];
  const doubles: ReplyAudit['doubles'] = [];
  let answered = 0;
  for (const [messageId, records] of recordsOf) {
    const all = repliesOf.get(messageId) ?? [];
    // A record without the header counts as an answer: the strictest reading.
    const answers = all.filter((r) => r.kind !== 'resend');
    const resends = all.filter((r) => r.kind === 'resend');
    if (answers.length === 0) unanswered.push(messageId);
    else answered++;
    const kinds: DoubleKind[] = [];
    if (new Set(answers.map((r) => r.emittedAtMs)).size > 1) kinds.push('decided twice');
    if (repeats(answers, (r) => `${r.emittedAtMs}/${r.replyTo}`)) kinds.push('answer repeated');
    // The records of the message other than the one answered: each may get one resend.
    const answeredOffsets = new Set(answers.map((r) => r.answersOffset));
    const retryOffsets = new Set(records.filter((r) => !answeredOffsets.has(r.offset)).map((r) => r.offset));
    if (repeats(resends, (r) => r.answersOffset) || resends.some((r) => !retryOffsets.has(r.answersOffset)))
      kinds.push('resend without a retry');
    if (new Set(all.map((r) => r.text)).size > 1) kinds.push('texts differ');
    if (kinds.length > 0) doubles.push({ messageId, kinds });
  }
  return {
    accepted: recordsOf.size,
    answered,
    unanswered,
    answerRecords: replies.filter((r) => r.kind !== 'resend').length,
    resendRecords: replies.filter((r) => r.kind === 'resend').length,
    retriedMessages: [...recordsOf.values()].filter((records) => records.length > 1).length,
    doubles,
  };
}

function repeats<T>(items: T[], key: (item: T) => string): boolean {
  return new Set(items.map(key)).size < items.length;
}

export function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(key(item)) ?? [];
    list.push(item);
    groups.set(key(item), list);
  }
  return groups;
}
