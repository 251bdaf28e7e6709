/**
 * User text that tries to rewrite the bot: "ignore your instructions", "you are now …", "pretend
 * to be …" (not "my first act as leader"), "system prompt", admin or developer "modes", asking
 * what its setup or first rules say. The LLM generator gives such a message's candidate no
 * confidence, and the selector answers it with a line of its own.
 */
const REWRITE_ATTEMPT =
  /\b(ignore|forget|disregard|override)\b.{0,40}\b(instructions?|rules?|prompt|persona|previous|above)\b|\byou are now\b|\bfrom now on,? you\b|\bpretend (to be|as)\b|(?<!\b(?:first|last|final|next|opening|closing|my|his|her|their|our|the|an|one|class|balancing|disappearing)\s+)\bact (to be|as)\b|\bpretend (you|that you|we|to)\b|\bact like (you('re| are)|an? )|\bsystem prompt\b|\bnew (persona|instructions?)\b|\byour new role\b|\b(developer|admin|god|dan) mode\b|\badmin override\b|\b(repeat|print|show|reveal|output|translate)\b.{0,30}\b(instructions|system prompt|your prompt|your rules|configuration|(words|text) above)\b|\b(exact|original|initial) instructions\b|\byour (?:instructions|system prompt|prompt|config(?:uration)?|hidden rules|setup|set-up|programming|directives|guidelines)\b|\b(?:summary|summari[sz]e|list|recite)\b.{0,20}\b(?:your|the first (?:few )?) (?:rules|instructions|guidelines)\b|\b(?:rules?|instructions?|guidelines?) (?:you were|you've been|you have been|you got) given\b|\b(?:i'?m|i am) (?:the|your) (?:developer|dev|admin|creator|programmer)\b|\bauthori[sz]ed (?:debug|test|admin)\b|\b(?:config|configuration)\b.{0,20}\bverbatim\b|\bstay in character\b|\b(?:drop|abandon|ditch|shed|forget|ignore|disregard)\b.{0,20}\b(?:your (?:personality|persona|character|(?:earlier |previous |prior )?guidance|guidelines)|the (?:persona|(?:earlier |previous |prior )?guidance|guidelines)|all (?:guidance|guidelines))\b|\bnote to the (?:ai|bot|assistant|model|llm)\b|\b(?:ai|bot|assistant|model|llm) (?:reading|processing) this\b|\bdo what (?:the|that) (?:bracket|note|hidden (?:note|text|message))\b.{0,10}\b(?:said|says)\b|\bDAN\b|\bjailbreak|<\/?system>|^\s*system\s*:/im;

export function isRewriteAttempt(text: string): boolean {
  return REWRITE_ATTEMPT.test(text);
}
