import type { Mention } from '@app/contracts';

/** What one pronoun was taken to mean. */
export interface Resolution {
  pronoun: string;
  entity: string;
}

type Kind = 'person' | 'place' | 'organization' | 'pet' | 'thing';

/** Which kinds of mention each pronoun can stand for; possessives become "X's". */
const PRONOUNS: Record<string, { kinds: Kind[]; possessive?: boolean }> = {
  he: { kinds: ['person', 'pet'] },
  him: { kinds: ['person', 'pet'] },
  his: { kinds: ['person', 'pet'], possessive: true },
  she: { kinds: ['person', 'pet'] },
  her: { kinds: ['person', 'pet'] },
  hers: { kinds: ['person', 'pet'], possessive: true },
  it: { kinds: ['thing', 'place', 'organization'] },
  its: { kinds: ['thing', 'place', 'organization'], possessive: true },
  they: { kinds: ['organization', 'thing'] },
  them: { kinds: ['organization', 'thing'] },
  their: { kinds: ['organization', 'thing'], possessive: true },
  there: { kinds: ['place'] },
};

/** "It" that refers to nothing: the weather, the time, "it is what it is". */
const DUMMY_IT =
  /^(?:(?:'s|is|was|will be|gets|got)\s+(?:raining|snowing|sunny|cold|hot|warm|late|early|ok|okay|fine|what|time|true|over|getting|going)\b|(?:'s|is)\s*[.!?]*$)/i;
/** "There" as in "there is": no place meant. */
const EXISTENTIAL_THERE = /^(?:'s|is|are|was|were|will|has|have|had)\b/i;
/** Words after "her" that make it an object ("tell her about"), not a possessive ("her car"). */
const AFTER_OBJECT_HER = new Set([
  'to',
  'and',
  'about',
  'for',
  'with',
  'at',
  'in',
  'on',
  'that',
  'so',
  'too',
  'a',
  'an',
  'the',
  'again',
  'anymore',
  'much',
  'more',
  'back',
  'up',
  'out',
  'off',
]);

/**
 * Replaces third-person pronouns with the most recent matching mention of the conversation
 * ("I like it" → "I like pizza", "she is mean" → "Anna is mean"). Deliberately conservative: a
 * pronoun is left alone when no mention of its kind exists, when the message names an entity of
 * that kind itself (the pronoun then most likely points there), or when "it"/"there" point at
 * nothing ("it's raining", "there is").
 */
export function resolvePronouns(text: string, mentions: Mention[], ownMentions: Mention[] = []): { text: string; resolved: Resolution[] } {
  const resolved: Resolution[] = [];
  const ownKinds = new Set(ownMentions.map((m) => m.kind));
  const out = text.replace(/\b([A-Za-z]+)\b/g, (word, _w, offset: number) => {
    const rule = PRONOUNS[word.toLowerCase()];
    if (!rule) return word;
    const rest = text.slice(offset + word.length).trimStart();
    const lower = word.toLowerCase();
    if ((lower === 'it' && DUMMY_IT.test(rest)) || (lower === 'there' && EXISTENTIAL_THERE.test(rest))) return word;
    if (text[offset + word.length] === "'" && lower !== 'it') return word; // he's, she'd: leave contractions of people alone
    if (rule.kinds.some((kind) => ownKinds.has(kind))) return word;
    const mention = [...mentions].sort((a, b) => b.turn - a.turn).find((m) => rule.kinds.includes(m.kind as Kind));
    if (!mention) return word;
    const possessive =
      rule.possessive || (lower === 'her' && /^[a-z]/i.test(rest) && !AFTER_OBJECT_HER.has(rest.split(/[^A-Za-z']/)[0].toLowerCase()));
    resolved.push({ pronoun: word, entity: mention.text });
    if (lower === 'there') return `in ${mention.text}`;
    return possessive ? `${mention.text}'s` : mention.text;
  });
  return { text: out, resolved };
}
