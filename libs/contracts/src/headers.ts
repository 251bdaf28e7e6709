/** Kafka record headers every event carries. */
export const Header = {
  /** Absolute deadline for the reply, epoch ms, decimal string. */
  deadline: 'x-deadline-ms',
  traceId: 'x-trace-id',
  /** Fully qualified protobuf type of the value, e.g. chat.v1.ChatMessage. */
  type: 'x-event-type',
  /**
   * chat.replies only: `answer` (the selector's decision for a message, one record per waiting
   * gateway) or `resend` (an answered message's reply sent again, for a client's retry). Lets an
   * auditor tell a legitimate second reply from a double.
   */
  replyKind: 'x-reply-kind',
  /** chat.replies only: the chat.messages offset of the record the reply answers (the answered one, or the retry's). */
  answersOffset: 'x-answers-offset',
} as const;

export type ReplyKind = 'answer' | 'resend';

export type RawHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

export function eventHeaders(typeName: string, deadlineAtMs: number, traceId: string): Record<string, string> {
  return {
    [Header.type]: typeName,
    [Header.deadline]: String(Math.round(deadlineAtMs)),
    [Header.traceId]: traceId,
  };
}

/** A reply's own headers (beside the standard ones): what kind of reply, to which chat.messages record. */
export function replyHeaders(kind: ReplyKind, messageOffset: string): Record<string, string> {
  return { [Header.replyKind]: kind, [Header.answersOffset]: messageOffset };
}

export function headerString(headers: RawHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/** The deadline header as epoch ms, or undefined when absent or not a number. */
export function readDeadline(headers: RawHeaders | undefined): number | undefined {
  const raw = headerString(headers, Header.deadline);
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}
