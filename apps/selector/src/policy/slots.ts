import type { ConversationState } from '@app/contracts';
import { isCommonEnglish, type Signals } from '@app/dialogue-state';
import type { SlotValues } from './reply-templates';

/**
 * Slot values for a reply: the user's name, the entities of this message (first) and of the
 * conversation, and the clock in the configured time zone (with the days left until Christmas).
 */
export function slotValues(
  state: ConversationState | undefined,
  signals: Signals,
  userName: string,
  now: Date,
  timeZone: string,
): SlotValues {
  const latest = (kind: string) =>
    signals.entities.find((e) => e.kind === kind)?.text ?? state?.mentions.find((m) => m.kind === kind)?.text;
  const format = (part: keyof typeof CLOCK_PARTS) => clockFormat(timeZone, part).format(now);
  return {
    name: userName || undefined,
    mention: signals.entities[0]?.text ?? state?.mentions[0]?.text,
    person: latest('person'),
    pet: latest('pet'),
    place: latest('place'),
    thing: latest('thing'),
    time: format('time'),
    date: format('date'),
    weekday: format('weekday'),
    christmas: String(daysUntilChristmas(isoDate(clockFormat(timeZone, 'isoDate'), now))),
  };
}

/**
 * A name the user gives an animal or a thing in this message ("his name is skrunk", "its a
 * pothos called kevin", "He's called Bartholomew"), capitalised; not an ordinary word ("it's
 * called a cold brew", "her name is on the list"), nor a person's name, which is no character to
 * cheer: where this message or the one before is about people ("her name is Chloe, we met on
 * hinge", "his name is Eli" after a brother's venmo) and names no animal.
 */
export function nameGivenIn(text: string, previous = ''): string | undefined {
  const match = GIVEN_NAME.exec(text);
  const given = match?.[1];
  if (!match || !given || isCommonEnglish(given) || /^(?:a|an|something|anything|whatever)$/i.test(given)) return undefined;
  const context = `${previous} ${text}`;
  if (PEOPLE.test(context) && !ANIMAL.test(context)) return undefined;
  // A capitalised name goes on while its words do: "Captain Biscuit".
  const more = /^\p{Lu}/u.test(given)
    ? /^\s+(\p{Lu}[\p{Ll}'-]+)(?![\p{L}])/u.exec(text.slice(match.index + match[0].length))?.[1]
    : undefined;
  return given.charAt(0).toUpperCase() + given.slice(1) + (more ? ` ${more}` : '');
}

const PEOPLE =
  /\b(?:date|dating|hinge|tinder|bumble|crush|boyfriend|girlfriend|bf|gf|wife|husband|partner|fianc[eé]e?|brother|sister|mum|mom|dad|son|daughter|baby|friend|roommate|flatmate|boss|coworker|colleague|teacher|neighbou?r|cousin|aunt|uncle|nan|grandma|grandad|grandpa|venmo|paypal|account)s?\b/i;
const ANIMAL =
  /\b(?:kitten|cat|dog|puppy|pup|fish|betta|goldfish|bird|pigeon|parrot|budgie|hamster|rabbit|bunny|tortoise|turtle|snake|lizard|gecko|horse|pony|chicken|hen|duck|goat|pig|cow|rat|mouse|ferret|guinea pig|axolotl|frog|spider|snail|slug|plant|pothos|cactus|fern|car|bike|van|goblin|character)s?\b/i;

const GIVEN_NAME =
  /\b(?:(?:his|her|its|their) name(?:'s| is| was)|(?:he|she|it|they)(?:'s|s| is| was| are| were) (?:called|named)|(?:a|an|the|my|our) [\p{L}-]+ (?:called|named))\s+['"‘“]?(\p{L}[\p{L}'-]{1,20})['"’”]?(?=[\s.!,?;]|$)/iu;

/** YYYY-MM-DD of a moment in the format's time zone. */
function isoDate(format: Intl.DateTimeFormat, now: Date): string {
  const parts = format.formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** Whole days from a calendar date (YYYY-MM-DD) to the next 25 December (0 on the day). */
export function daysUntilChristmas(isoDate: string): number {
  const [year, month, day] = isoDate.split('-').map(Number);
  const today = Date.UTC(year, month - 1, day);
  const christmas = Date.UTC(month === 12 && day > 25 ? year + 1 : year, 11, 25);
  return Math.round((christmas - today) / 86_400_000);
}

const CLOCK_PARTS = {
  time: { hour: 'numeric', minute: '2-digit' },
  date: { month: 'long', day: 'numeric' },
  weekday: { weekday: 'long' },
  isoDate: { year: 'numeric', month: '2-digit', day: '2-digit' },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;

const clockFormats = new Map<string, Intl.DateTimeFormat>();

/** Made once per zone and part: constructing a DateTimeFormat per reply was 14% of the selector's CPU. */
function clockFormat(timeZone: string, part: keyof typeof CLOCK_PARTS): Intl.DateTimeFormat {
  const key = `${timeZone}|${part}`;
  let format = clockFormats.get(key);
  if (!format) clockFormats.set(key, (format = new Intl.DateTimeFormat('en-US', { timeZone, ...CLOCK_PARTS[part] })));
  return format;
}
