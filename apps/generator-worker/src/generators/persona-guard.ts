/**
 * User text that tries to rewrite the bot: "ignore your instructions", "you are now …", "pretend
 * to be …", "system prompt", or chat-template control tokens pasted in.
 */
const REWRITE_ATTEMPT =
  /\b(ignore|forget|disregard|override)\b.{0,40}\b(instructions?|rules?|prompt|persona|previous|above)\b|\byou are now\b|\bfrom now on,? you\b|\b(pretend|act) (to be|as|like)\b|\bsystem prompt\b|\bnew (persona|instructions?)\b|\byour new role\b|\bdeveloper mode\b|\b(repeat|print|show|reveal|output)\b.{0,30}\b(instructions|system prompt|your prompt|(words|text) above)\b|\bDAN\b|\bjailbreak/i;
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
  return { text: cleaned, rewriteAttempt: REWRITE_ATTEMPT.test(text) || cleaned !== text.replace(/\s+/g, ' ').trim() };
}

/** Cuts a message to what the model's context allows (at a word, with an ellipsis): a policy, not a crash. */
export function clipForContext(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const cut = text.slice(0, maxChars);
  const atWord = cut.lastIndexOf(' ');
  return `${(atWord > maxChars / 2 ? cut.slice(0, atWord) : cut).trimEnd()}…`;
}
