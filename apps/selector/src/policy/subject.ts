import type { Mention } from '@app/contracts';
import type { EntityMention } from '@app/dialogue-state';

/**
 * What a story that goes on is about, in a word or two, for a line that shows the bot is following
 * it: the noun this message shares with an earlier one ("there is no hamster. there has never been a
 * hamster" after a class that convinced a substitute of its hamster Kevin → "hamster"). A noun said
 * once is not enough: the first noun of a message named the wrong thing or fell flat too often
 * ("took nan to the care home today" → "nan", "north facing flat in glasgow so basically zero sun"
 * → "sun"; 12 of 43 such lines accepted, docs/quality.md). Undefined when no noun comes back, or the
 * one that does names a time, a vague word or a tagger's misreading.
 */
export function subjectOf(entities: readonly EntityMention[], earlier: readonly Mention[]): string | undefined {
  const known = new Set(earlier.map((m) => m.text.toLowerCase()));
  return entities
    .filter((e) => FOLLOWED.has(e.kind) && known.has(e.text.toLowerCase()))
    .map((e) => plainNoun(e.text, e.kind))
    .find(isDefined);
}

const FOLLOWED = new Set<EntityMention['kind']>(['thing', 'pet', 'person']);

/**
 * The mention as a noun one could say back, or undefined: at most three words of letters; a
 * shouted word lowered ("LINEN" → "linen"); never a time, a vague word or a phrase the tagger
 * glued to a verb ("parking lot eating", "man sleeping").
 */
function plainNoun(text: string, kind: string): string | undefined {
  const cleaned = text.trim();
  if (!/^[\p{L}][\p{L}' -]*$/u.test(cleaned) || /'s\b|\bs'/i.test(cleaned)) return undefined;
  const parts = cleaned.split(/\s+/);
  if (parts.length > 3 || parts.some((w) => VAGUE.has(w.toLowerCase()))) return undefined;
  if (parts.length > 1 && (/ing$/i.test(parts.at(-1)!) || PARTICLE.test(parts.at(-1)!))) return undefined;
  // "rain rain rain" is the rain.
  if (parts.length > 1 && parts.every((w) => w.toLowerCase() === parts[0].toLowerCase())) return plainNoun(parts[0], kind);
  if (kind !== 'thing') return cleaned;
  if (parts.every((w) => w.length < 3)) return undefined;
  return cleaned === cleaned.toUpperCase() ? cleaned.toLowerCase() : cleaned;
}

/** A word that ends a phrase the tagger glued together ("label back", "fell over"). */
const PARTICLE = /^(?:back|up|out|off|down|over|again|now|too|either|away|around|in|on)$/i;

/** Nouns that name a time, a measure or nothing in particular: no story is about "tonight" or "the problem". */
const VAGUE = new Set(
  (
    'night nights morning mornings evening evenings afternoon afternoons today tonight tomorrow yesterday minute minutes hour hours ' +
    'second seconds moment year years month months week weeks weekend weekends day days time times life whats havent wait mine ' +
    'all question questions version part parts problem problems issue issues thing things stuff bit lot way point kind sort type ' +
    'reason fact case idea answer side end start rest half whole number amount feet inch inches mile miles ' +
    'charge facing anything everything nothing something someone anyone everyone nobody somebody one ones record update ' +
    'pair pairs couple bunch piece pieces either deal ' +
    // chat spellings without the apostrophe that a tagger takes for nouns
    'hes shes its im ive ill id thats whats dont cant wont didnt isnt wasnt arent doesnt havent couldnt wouldnt shouldnt'
  ).split(/\s+/),
);

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}
