import { isRewriteAttempt } from '@app/dialogue-state';

const CONTROL_TOKENS =
  /<\|[^|>]{1,40}\|>|<\/?s>|\[\/?INST\]|^\s*(system|assistant)\s*:|^\s*#{2,}\s*(instruction|system|response)s?\s*:?/gim;

export interface GuardedText {
  /** The text with chat-template control tokens removed, so it stays the user's turn. */
  text: string;
  /** It reads as an attempt to rewrite the persona. */
  rewriteAttempt: boolean;
}

/**
 * The persona's guard on the way in: control tokens cannot open a new turn or a system message, and
 * an attempt to rewrite the persona is flagged so the LLM's candidate carries no confidence (the
 * selector then answers from another source). The system prompt itself is never built from user text.
 */
export function guardUserText(text: string): GuardedText {
  const cleaned = text.replace(CONTROL_TOKENS, ' ').replace(/\s+/g, ' ').trim();
  return { text: cleaned, rewriteAttempt: isRewriteAttempt(text) || cleaned !== text.replace(/\s+/g, ' ').trim() };
}

/** Cuts a message to what the model's context allows (at a word, with an ellipsis): a policy, not a crash. */
export function clipForContext(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const cut = text.slice(0, maxChars);
  const atWord = cut.lastIndexOf(' ');
  return `${(atWord > maxChars / 2 ? cut.slice(0, atWord) : cut).trimEnd()}…`;
}
