/**
 * What people say about their own lives that a general-purpose tagger misses or gets wrong: the
 * people and animals in them ("my sister", "our cat Mochi"), relative dates ("last weekend", "in
 * two weeks", "Christmas Eve"), and names that are common words ("Will and I", "Jess from yoga").
 * Each finder returns spans exactly as they appear in the text.
 */

const PEOPLE =
  'mom|mum|mother|mama|dad|father|papa|parents|sister|brother|sibling|siblings|son|daughter|kids?|children|baby|grandma|grandpa|grandmother|grandfather|grandparents|nana|nan|granny|aunt|auntie|uncle|cousin|niece|nephew|wife|husband|partner|boyfriend|girlfriend|bf|gf|fianc[eé]e?|ex|in-laws|mother-in-law|father-in-law|sister-in-law|brother-in-law|stepmom|stepdad|stepbrother|stepsister|boss|manager|coworker|co-worker|colleague|roommate|flatmate|housemate|neighbou?r|friend|friends|bestie|buddy|teacher|professor|coach|therapist|doctor|landlord|classmate|crush|family|twin|godmother|godfather|godparents|godson|goddaughter';
const ANIMALS = 'dog|cat|puppy|pup|kitten|kitty|hamster|parrot|bird|rabbit|bunny|guinea pig|fish|turtle|tortoise|horse|pony|lizard|snake|ferret|rat|mouse|goldfish';
const MODIFIERS = '(?:(?:little|big|baby|older|younger|elder|twin|best|new|old|ex-?|step|first|oldest|youngest)\\s+)*';

const RELATION = new RegExp(`\\b(?:my|our|your|his|her|their)\\s+${MODIFIERS}(?:${PEOPLE}|${ANIMALS})\\b(?!-)`, 'gi');
/** A pet's name: capitalised after its animal word ("my dog Biscuit"), any case after "named"/"called", or before "the <animal>". */
const PET_NAME = new RegExp(
  `\\b(?:${ANIMALS})\\s+(?:named\\s+|called\\s+)?([A-Z][a-z]+)|\\b(?:named|called)\\s+(?:(?:him|her|it)\\s+)?([A-Za-z]+)|\\b([A-Z][a-z]+)\\s+the\\s+(?:${ANIMALS})\\b`,
  'g',
);
/** A capitalised word after an animal word counts only when it is not an ordinary next word ("my dog Will" yes, "my dog is" no). */
const NOT_A_NAME = /^(?:is|was|has|had|and|but|just|keeps|got|ate|the|a|an|to|in|on|at|of|who|that|so|again|too|still|finally|named|called|food|toy|bed|park|sitter|walker|hair)$/i;

const WEEKDAY = 'monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thurs?|fri|sat|sun';
const PART = 'morning|afternoon|evening|night|week|weekend|month|year|summer|winter|spring|fall|autumn|semester';
const COUNT = 'a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|a couple(?: of)?|\\d+';
const HOLIDAY = "christmas(?: eve| day)?|xmas|thanksgiving|easter|halloween|new year'?s(?: eve| day)?|valentine'?s(?: day)?|hanukkah|diwali|ramadan|eid|passover";
const DATE = new RegExp(
  [
    `\\b(?:last|this|next|tomorrow|yesterday)\\s+(?:${PART}|${WEEKDAY})\\b`,
    `\\bin\\s+(?:${COUNT})\\s+(?:days?|weeks?|months?|years?|hours?)\\b`,
    `\\b(?:${COUNT})\\s+(?:days?|weeks?|months?|years?)\\s+ago\\b`,
    `\\b(?:tonight|today|tomorrow|tommorow|tomorow|yesterday|tmrw|tmr)\\b`,
    `\\b(?:spring|summer|winter|fall|christmas|thanksgiving) break\\b`,
    `\\b(?:${HOLIDAY})\\b`,
    `\\b(?:since|in|from|until)\\s+((?:19|20)\\d\\d)\\b`,
  ].join('|'),
  'gi',
);

/** Names that are also common words, in the frames where they can only be names. */
const NAME_FRAMES = [
  /\b([A-Z][a-z]+|[a-z]+)\s+and\s+I\b/g,
  /^([A-Z][a-z]+|[a-z]+)\s+and\s+[A-Z][a-z]+\s+(?:are|were)\b/g,
  /\b([A-Z][a-z]+|[a-z]+)\s+from\s+(?:work|school|class|yoga|the gym|church|accounting|down the street|next door|college|my team|the office)\b/g,
  /^([A-Z][a-z]+)(?:'s)?\s+(?:just|texted|called|quit|is moving|said|told me|invited|proposed|got|asked)\b/g,
  /\b(?:with|texted|called|told|met|saw)\s+([A-Z][a-z]+)\b(?![.'’]|\s+(?:[A-Z]|park|street|city))/g,
];
const NOT_A_PERSON = new Set(
  'i you he she we they it my your his her our their me the a an this that there here what who why how when where so just and but or if well oh ok okay yes no hey hi lol omg ugh work school class home mom dad god jesus christ lord mine ours everyone someone nobody people'.split(
    ' ',
  ),
);
/** Oaths a tagger reads as people. */
export const OATHS = /^(?:jesus|god|christ|lord|jeez|gosh)$/i;
/** A person's span that opens with a relation word ("sister Anna", "buddy Joe"): the name is what follows. */
export const LEADING_RELATION = new RegExp(`^(?!(?:teacher|professor|coach|doctor)\\b)(?:${PEOPLE}|${ANIMALS})\\s+`, 'i');
/** A date span that is only a unit ("day" in "best day ever", "weeks" out of "in two weeks"). */
export const BARE_UNIT = /^(?:days?|weeks?|weekends?|months?|years?|nights?|mornings?)$/i;

export interface Span {
  type: string;
  text: string;
}

export function relations(text: string): Span[] {
  return [...text.matchAll(RELATION)].map((m) => ({ type: 'relation', text: m[0] }));
}

export function petNames(text: string): Span[] {
  return [...text.matchAll(PET_NAME)]
    .map((m) => m[1] ?? m[2] ?? m[3])
    .filter((name) => !NOT_A_NAME.test(name))
    .map((name) => ({ type: 'pet', text: name }));
}

export function relativeDates(text: string): Span[] {
  return [...text.matchAll(DATE)].map((m) => ({ type: 'date', text: m[1] ?? m[0] }));
}

export function framedNames(text: string): Span[] {
  const found: Span[] = [];
  for (const frame of NAME_FRAMES) {
    for (const m of text.matchAll(frame)) {
      if (!NOT_A_PERSON.has(m[1].toLowerCase()) && !found.some((s) => s.text === m[1])) found.push({ type: 'person', text: m[1] });
    }
  }
  return found;
}

/**
 * Nouns that name nothing one could come back to ("there", "something", "the best", "your name"),
 * and chat spellings a tagger takes for nouns ("IM", "cant", "lemme"): never a `thing`.
 */
const NOT_THINGS = new Set(
  'there here thing things stuff something anything nothing everything someone anyone everyone nobody somebody people person guy guys way time times name names best worst lot lots bit kind sort type point word words help day week bot chatbot you me lol lmao omg smh ngl tbh idk im cant dont wont thats lemme gonna wanna ive yeah yes no ok okay bro dude girl guys god lord'.split(
    ' ',
  ),
);
const CHAT_WORD = /\s+(?:smh|lol|lmao|ngl|tbh|fr|rn|tho|af)$/i;

/** A noun phrase worth remembering as a `thing`, or undefined ("leftovers smh" → "leftovers"; "something" → undefined). */
export function thingSpan(span: string): string | undefined {
  const text = span.replace(CHAT_WORD, '');
  return NOT_THINGS.has(text.toLowerCase()) ? undefined : text;
}
