/** What a question about the bot's own tastes names. */
export interface Asked {
  /** The thing a "do you like …" question names. */
  liked?: string;
  /** The kind a "favourite …" question names, as said ("colour", "ice cream flavour"). */
  favourite?: string;
}

/**
 * What a question about the bot's own tastes asks about: "do you like thunderstorms" → liked
 * "thunderstorms", "do you have a favourite bird" → favourite "bird". The bot has an answer, not a
 * dodge: its own pick where the persona has one (replies.json `pick.<kind>`), else a line that
 * names the thing. Undefined for what other lines answer: the user ("do you like me"), the bot's
 * own life ("do you like your job"), a pronoun ("do you like it").
 */
export function askedAbout(text: string): Asked | undefined {
  const favourite = FAVOURITE.exec(text)?.[1];
  if (favourite && usable(favourite)) return { favourite: favourite.toLowerCase() };
  const match = LIKED.exec(text);
  const liked = match?.[1] ?? match?.[2];
  if (liked && usable(liked)) return { liked: liked.toLowerCase() };
  return undefined;
}

/** The persona's pick key for a favourite's kind: "colors" → "colour", "kind of music" → "music", "dogs" → "dog". */
export function pickKey(kind: string): string {
  const bare = kind
    .toLowerCase()
    .replace(/^(?:kind|type|sort) of\s+/, '')
    .replace(/\bcolor/, 'colour')
    .replace(/\bflavor/, 'flavour')
    .trim();
  const singular = /(?:ss|us|is)$/.test(bare)
    ? bare
    : bare
        .replace(/ies$/, 'y')
        .replace(/(?:ches|shes|xes)$/, (m) => m.slice(0, -2))
        .replace(/s$/, '');
  return singular.replace(/\s+/g, '_');
}

const END = String.raw`(?=\s*(?:[?.!,]|$|\b(?:then|ever|of all time|at the moment|rn|right now|tho|though|btw|tbh|lol|haha|anyway|at all|or not|honestly|sassy|bot)\b))`;
const FAVOURITE = new RegExp(String.raw`\b(?:your|ur|a|any)\s+fav(?:ou?rite|e|s)?\s+([a-z][a-z' -]{1,28}?)${END}`, 'i');
const LIKED = new RegExp(
  String.raw`\b(?:do|would|d'?ya)\s+(?:you|u)\s+(?:even\s+|actually\s+|ever\s+|secretly\s+|also\s+)?(?:like|love|enjoy|rate|hate)\s+([a-z][a-z' -]{1,28}?)${END}|\b(?:are|r)\s+(?:you|u)\s+(?:into|a fan of)\s+([a-z][a-z' -]{1,28}?)${END}`,
  'i',
);

/** Not a pronoun, the user, the bot's own things, a verb phrase about the chat, a clause, nor an either-or (the choice lines answer that). */
function usable(thing: string): boolean {
  const words = thing.trim().split(/\s+/);
  return (
    words.length <= 4 &&
    !/^(?:me|it|that|this|them|him|her|us|you|u|my|your|ur|yourself|talking|chatting|being|doing|when|what|how|who|to|people|humans|anything|everything|something|one|any)$/i.test(
      words[0],
    ) &&
    // Nor one about the bot's or the user's own things, or about the chat: "favourite thing about your job" is not a kind of thing.
    !words.some((w) => /^(?:i|you|u|is|are|was|were|to|when|if|because|or|your|ur|my|ppl|people|talk|talking)$/i.test(w))
  );
}
