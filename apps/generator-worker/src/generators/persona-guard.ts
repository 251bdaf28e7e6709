/**
 * User text that tries to rewrite the bot: "ignore your instructions", "you are now …", "pretend
 * to be …", "system prompt", or chat-template control tokens pasted in.
 */
const REWRITE_ATTEMPT =
  /\b(ignore|forget|disregard|override)\b.{0,40}\b(instructions?|rules?|prompt|persona|previous|above)\b|\byou are now\b|\bfrom now on,? you\b|\b(pretend|act) (to be|as|like)\b|\bsystem prompt\b|\bnew (persona|instructions?)\b|\byour new role\b|\bdeveloper mode\b/i;
const CONTROL_TOKENS = /<\|[^|>]{1,40}\|>|<\/?s>|\[\/?INST\]|^\s*(system|assistant)\s*:/gim;

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
  return { text: cleaned, rewriteAttempt: REWRITE_ATTEMPT.test(text) || cleaned !== text.replace(/\s+/g, ' ').trim() };
}
