/** A user's message as the gateway accepts it, from HTTP JSON or gRPC. */
export interface MessageInput {
  conversationId: string;
  userId: string;
  text: string;
  clientMessageId?: string;
  deadlineMs?: number;
}

export interface InputLimits {
  maxTextChars: number;
  maxDeadlineMs: number;
}

/** A rejected input: the HTTP status and machine-readable code it maps to. */
export class InputError extends Error {
  constructor(
    readonly status: 400 | 413,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'InputError';
  }
}

const ID_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;
// Control characters other than tab, line feed and carriage return.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/**
 * Validates a message body. Unknown fields are ignored (clients may be newer than us);
 * wrong types, empty text, control characters and unpaired surrogates are refused.
 */
export function parseMessageInput(body: unknown, limits: InputLimits): MessageInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InputError(400, 'invalid_body', 'the body must be a JSON object');
  }
  const raw = body as Record<string, unknown>;
  const conversationId = id(raw, 'conversationId');
  const userId = id(raw, 'userId');
  if (typeof raw.text !== 'string') throw new InputError(400, 'invalid_text', 'text must be a string');
  const text = raw.text;
  if (text.trim().length === 0) throw new InputError(400, 'empty_text', 'text is empty');
  if ([...text].length > limits.maxTextChars) {
    throw new InputError(413, 'text_too_long', `text is longer than ${limits.maxTextChars} characters`);
  }
  if (!text.isWellFormed()) throw new InputError(400, 'invalid_text', 'text is not valid Unicode');
  if (CONTROL_CHARS.test(text)) throw new InputError(400, 'invalid_text', 'text contains control characters');

  const input: MessageInput = { conversationId, userId, text };
  if (raw.clientMessageId !== undefined && raw.clientMessageId !== '') {
    input.clientMessageId = id(raw, 'clientMessageId');
  }
  if (raw.deadlineMs !== undefined && raw.deadlineMs !== 0) {
    const deadline = raw.deadlineMs;
    if (typeof deadline !== 'number' || !Number.isInteger(deadline) || deadline < 50 || deadline > limits.maxDeadlineMs) {
      throw new InputError(400, 'invalid_deadline', `deadlineMs must be an integer from 50 to ${limits.maxDeadlineMs}`);
    }
    input.deadlineMs = deadline;
  }
  return input;
}

function id(raw: Record<string, unknown>, field: string): string {
  const value = raw[field];
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
    throw new InputError(400, `invalid_${snake(field)}`, `${field} must be 1-128 characters of A-Z a-z 0-9 . _ : @ -`);
  }
  return value;
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
