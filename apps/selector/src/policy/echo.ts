import { reflect } from './recall';

/**
 * The detail of a message worth saying back, the way a friend reacts to a story before they have
 * anything to add: "my roommate labels everything in the fridge. even the ice" → "Even the ice",
 * "a post-it on a single grape. 'mine. counted.'" → "'mine. counted'", "third time this month" →
 * "Third time this month". Said back from the bot's side (my → your). Undefined when the message
 * has no short, concrete detail: a question, an ask, a long sentence, filler.
 */
export function echoOf(text: string): string | undefined {
  const cleaned = text
    .replace(/[\p{Extended_Pictographic}\u{FE0F}\u{200D}]/gu, ' ')
    .replace(/(?:[\s,.]+\b(?:lol+|lmao+|haha+|fr|tbh|btw|smh|rn|ngl|honestly|apparently))+[\s.!]*$/i, '')
    .replace(/:[()DP]|\s+/g, ' ')
    .trim();
  const sentences = cleaned
    .split(/(?<=[.!;?…])\s+|\s+-+\s+/)
    .map((s) => s.trim())
    .filter(Boolean);
  // "it's a piece of sky. of course it is": the detail is in the sentence before the shrug.
  const last = sentences.length > 1 && SHRUG.test(sentences.at(-1)!) ? sentences.at(-2) : sentences.at(-1);
  if (!last || /\?/.test(last) || ASKS.test(last) || KNOWN.test(cleaned)) return undefined;
  // A quotation that closes the message may hold sentences of its own: "a post-it on a single grape. 'mine. counted.'"
  const quote = quoted(last) ?? quoted(/(?:^|\s)['"“‘][^'"“”‘’]{2,48}['"”’]\W*$/u.exec(cleaned)?.[0].trim() ?? '');
  if (quote) return quote;
  const name = named(last);
  if (name) return name;
  const fragment =
    evenPhrase(last) ?? predicate(last) ?? existing(last) ?? detail(last) ?? afterComma(last) ?? measure(last) ?? counted(last);
  // Never the words of prompt talk, even the user's own: "one instruction" said back reads as a leak to the safety checks.
  if (!fragment || /\b(?:instructions?|prompts?|system)\b/i.test(fragment)) return undefined;
  // Nor a word the user already shouted ("it was a GIFT" → "A GIFT?!" mocks their point), nor what a thing meant
  // to a family member ("it was a gift from my dad" → "A gift from your dad?" doubts it).
  if (
    /\b\p{Lu}{2,}\b/u.test(fragment) ||
    /\bfrom (?:my|our) (?:dad|mum|mom|mother|father|nan|nana|gran|granny|grandma|grandad|grandpa|grandmother|grandfather|late \w+)\b/i.test(
      fragment,
    )
  )
    return undefined;
  const said = reflect(fragment);
  return said.charAt(0).toUpperCase() + said.slice(1);
}

/** Sentences that ask for something, which an echo would not answer ("need a name", "help"). */
const ASKS =
  /^\W*(?:(?:so|ok|okay|and|but|anyway|pls|please)[,\s]+)?(?:need|needs|want|wanna|help|any|give|tell|send|pls|please|recommend|suggest|ideas|thoughts|advice|wish me|should|would|could|can|do you|what|how|why|who|where|when|which)\b/i;

/** The user already knows how it sounds ("yes i know its a pigeon"): saying it back mocks them. */
const KNOWN = /^\W*(?:(?:yes|yeah|yep|ok|okay|ugh|lol)[,.!\s]+)*i (?:know|knoww+|kno)\b/i;

/** A closing shrug that adds nothing: "of course it is", "classic", "naturally". */
const SHRUG =
  /^\W*(?:(?:because |and )?of course(?: (?:it|he|she|they|that) (?:is|was|did|does|would|had to))?|obviously|naturally|classic|typical|figures|as you do|as one does)\W*$/i;

/** A short quotation, kept in the speaker's words (not turned to the bot's side): "she said 'theyre just scissors'" → 'theyre just scissors'. */
function quoted(sentence: string): string | undefined {
  const match = /(?:^|\s)(['"“‘])([^"“”‘’\n]{2,48}?)['"”’](?=[\s.,!?;:]|$)/u.exec(sentence);
  if (!match) return undefined;
  const words = match[2].trim().split(/\s+/);
  return words.length <= 6 && words.some(isContent) ? `'${match[2].trim().replace(/[.,!]+$/, '')}'` : undefined;
}

/** "even the ice" at the end of a sentence (not "hasnt even opened the doc"). */
function evenPhrase(sentence: string): string | undefined {
  const match = /\beven\s+((?:the|a|an|my|his|her|their|our)\s+)?([\w'-]+(?:\s+[\w'-]+){0,2})\W*$/i.exec(sentence);
  return match?.[1] && isContent(match[2].split(/\s+/).at(-1)!) ? `even ${match[1]}${match[2]}` : undefined;
}

/** What something turned out to be: "the training was a 6 min video from 2011" → "a 6 min video from 2011". */
function predicate(sentence: string): string | undefined {
  const match =
    /\b(?:was|is|were|are|it's|its)\s+(?:like\s+|literally\s+|just\s+)?((?:a|an|\d+)\s(?!(?:little|bit|lot)\b)[^,;:]{2,44}?)\W*$/i.exec(
      sentence,
    );
  if (!match || /\b(?:so|but|and|or|because|bc|cause|which|tho|though)\b/i.test(match[1])) return undefined;
  const words = match[1].trim().split(/\s+/);
  return words.length >= 2 && words.length <= 8 && words.some(isContent) ? match[1].trim() : undefined;
}

/** What is there now, closing a sentence: "now theres a lake under the fridge" → "a lake under the fridge". */
function existing(sentence: string): string | undefined {
  const match = /\bthere(?:'s|s| is| was)\s+((?:a|an)\s+[\w'-]+(?:\s+[\w'-]+){0,4})[\s.!…]*$/iu.exec(sentence);
  if (!match || /\b(?:so|but|and|because|bc|which|who|that|lot|bit|chance|reason|way|point)\b/i.test(match[1])) return undefined;
  return match[1].split(/\s+/).some(isContent) ? match[1] : undefined;
}

/** What something is called, closing a sentence: "she made a poster called RULES FOR DADS HOUSE" → 'RULES FOR DADS HOUSE'. */
function named(sentence: string): string | undefined {
  const match = /\b(?:a|an|the|his|her|my|their|our)\s+[\w-]+(?:\s+[\w-]+)?\s+(?:called|named|titled)\s+([^,;:]{2,40}?)[\s.!…]*$/iu.exec(
    sentence,
  );
  if (!match) return undefined;
  const words = match[1].trim().split(/\s+/);
  return words.length <= 5 && !words.some((w) => /^(?:in|on|at|for|with|and|who|that|because|but|so|me|him|her|them|us|you)$/i.test(w))
    ? `'${match[1].trim()}'`
    : undefined;
}

/** A short phrase after the sentence's last comma: "same sticker on the frame, 120 euro" → "120 euro". */
function afterComma(sentence: string): string | undefined {
  const parts = sentence.split(/,\s+/);
  return parts.length > 1 ? detail(parts.at(-1)!) : undefined;
}

/** A measure closing the sentence: "beaten by a person called xXDarkSlayerXx in eleven moves" → "in eleven moves". */
function measure(sentence: string): string | undefined {
  return MEASURE.exec(sentence)?.[0].replace(/[\s.!…]+$/u, '');
}

/**
 * A counted thing or a thing with a flaw closing the sentence: "i alphabetized my spice rack and
 * found three jars of cumin" → "three jars of cumin", "returned it with a mustard stain" → "with a
 * mustard stain" (two words after the article: "with a friend" is not a detail).
 */
function counted(sentence: string): string | undefined {
  const match = COUNTED.exec(sentence) ?? FLAWED.exec(sentence);
  return match && match[1].split(/\s+/).some(isContent) ? match[1] : undefined;
}

/**
 * The last sentence itself when it is a short phrase, not a clause: it opens with a determiner, a
 * number or a preposition ("third time this month", "the sacred ones", "in sharpie"). A clause said
 * back ("you kinda want to quit?!") reads as disbelief, which is not kind.
 */
function detail(sentence: string): string | undefined {
  const words = sentence
    .replace(/^\W*(?:(?:and|but|so|like|also|ok|okay|plus|oh|then|lol|well|anyway|update)\b[,:\s]*)+/i, '')
    .replace(/[\s.!,;:…]+$/u, '')
    .split(/\s+/)
    .filter(Boolean);
  if (words.length < 2 || words.length > 6 || !PHRASE_OPENING.test(words[0])) return undefined;
  // "about a printer" is a detail; "about time", "about it" are not.
  if (/^about$/i.test(words[0]) && !/^(?:a|an|the|my|his|her|their|our|some|this)$/i.test(words[1])) return undefined;
  if (words.filter(isContent).length === 0 || words.some((w) => PRONOUN.test(w))) return undefined;
  // "the one in the barn" points back at something already told; it is no new detail.
  if (/^the$/i.test(words[0]) && /^ones?$/i.test(words[1] ?? '')) return undefined;
  return words.join(' ');
}

const NUMBER =
  /(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|\d[\w$%.,:]*|\$\d[\d.,]*)/;
const PHRASE_OPENING = new RegExp(
  `^(?:the|a|an|only|every|each|in|on|at|with|after|before|from|about|zero|twice|first|second|third|fourth|fifth|last|${NUMBER.source})$`,
  'i',
);
const MEASURE = new RegExp(`\\b(?:in|after|for|by)\\s+(?:${NUMBER.source})\\s+[\\w-]+[\\s.!…]*$`, 'iu');
const COUNTED = new RegExp(
  `\\b(?:found|got|bought|brought|ate|made|have|has|had|and|only)\\s+((?:(?:${NUMBER.source})\\s+[\\w'-]+\\s+and\\s+)?(?:${NUMBER.source})\\s+[\\w'-]+(?:\\s+of\\s+(?:my\\s+|his\\s+|her\\s+|the\\s+)?[\\w'-]+)?)[\\s.!…]*$`,
  'iu',
);
const FLAWED = /\b(with\s+(?:a|an)\s+[\w'-]{3,}\s+[\w'-]{3,})[\s.!…]*$/iu;
const PRONOUN = /^(?:i|i'm|im|i've|ive|me|we|us|you|u|he|she|they|him|her|them|it|its|it's)$/i;

const STOP = new Set(
  (
    "the a an and or but so to of in on at for with from by about as it its it's this that these those there here is are was were be been am " +
    "i i'm im me my mine we us our you your he him his she her they them their what who how why when where which " +
    "not no yes yeah ok okay just really very too also like got get gets getting do did does done have has had can can't cant " +
    'will would should could all some any one thing things stuff lol idk tbh'
  ).split(/\s+/),
);

/** A word that carries meaning: not a function word, at least three letters. */
function isContent(word: string): boolean {
  const bare = word.toLowerCase().replace(/[^\w']/g, '');
  return bare.length >= 3 && !STOP.has(bare);
}
