import type { Turn } from '@app/contracts';

/**
 * What the bot can say back about something the user told it earlier: "do you remember what i
 * told you about my grandpa?" → "your grandpa used to take you fishing every sunday". The earlier
 * message is found by the relation it named and said back from the bot's side (my → your, I → you).
 */

/** The latest earlier turn whose user text names `relation` ("my grandpa"), said back; undefined when none does. */
export function recallAbout(turns: readonly Turn[], relation: string): string | undefined {
  const names = new RegExp(`\\bmy\\s+(?:\\w+\\s+)?${relation.replace(/\s+/g, '\\s+')}\\b`, 'i');
  const turn = [...turns].reverse().find((t) => names.test(t.userText));
  if (!turn) return undefined;
  const clause = clauseNaming(turn.userText, names);
  return clause ? reflect(clause) : undefined;
}

const MAX_WORDS = 14;

/** The sentence of `text` that names the relation, without a leading "so"/"well" and trailing punctuation, cut to a few words. */
function clauseNaming(text: string, names: RegExp): string | undefined {
  const sentence = text.split(/(?<=[.!?])\s+|\n+/).find((s) => names.test(s)) ?? text;
  const words = sentence
    .replace(/^\W*(?:(?:so|well|um+|uh+|ok(?:ay)?|yeah|and|but|omg|lol)\b[,\s]*)+/i, '')
    .replace(/[\s.!?,;:]+$/u, '')
    .split(/\s+/)
    .filter(Boolean);
  if (words.length < 3) return undefined;
  return words.length > MAX_WORDS ? `${words.slice(0, MAX_WORDS).join(' ')}…` : words.join(' ');
}

const SWAPS: Record<string, string> = {
  i: 'you',
  "i'm": "you're",
  im: "you're",
  "i've": "you've",
  "i'd": "you'd",
  "i'll": "you'll",
  me: 'you',
  my: 'your',
  mine: 'yours',
  myself: 'yourself',
  am: 'are',
  we: 'you',
  our: 'your',
  us: 'you',
};

/** First person said back as second person, word by word; "I was" becomes "you were". */
export function reflect(text: string): string {
  const words = text.split(/(\s+)/);
  let previous = '';
  return words
    .map((word) => {
      if (/^\s+$/.test(word)) return word;
      const bare = word.toLowerCase().replace(/[^\w']/g, '');
      const tail = word.slice(word.toLowerCase().lastIndexOf(bare) + bare.length);
      let out = word;
      if (bare === 'was' && (previous === 'i' || previous === 'we')) out = `were${tail}`;
      else if (Object.hasOwn(SWAPS, bare)) out = `${SWAPS[bare]}${tail}`;
      previous = bare;
      return out;
    })
    .join('');
}
