/** Kafka record headers every event carries. */
export const Header = {
  /** Absolute deadline for the reply, epoch ms, decimal string. */
  deadline: 'x-deadline-ms',
  traceId: 'x-trace-id',
  /** Fully qualified protobuf type of the value, e.g. chat.v1.ChatMessage. */
  type: 'x-event-type',
} as const;

export type RawHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

export function eventHeaders(typeName: string, deadlineAtMs: number, traceId: string): Record<string, string> {
  return {
    [Header.type]: typeName,
    [Header.deadline]: String(Math.round(deadlineAtMs)),
    [Header.traceId]: traceId,
  };
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
