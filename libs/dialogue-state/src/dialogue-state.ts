import { create } from '@bufbuild/protobuf';
import { EngagementSchema, MentionSchema, type ConversationState, type EventMeta, type Mention } from '@app/contracts';
import { appendTurn, type TurnInit } from './conversation-store';
import { isCommonEnglish } from './english-words';
import type { Signals } from './signals';

/** How much of a conversation the state keeps. */
export interface StateLimits {
  turns: number;
  mentions: number;
  topics: number;
}

export const DEFAULT_LIMITS: StateLimits = { turns: 8, mentions: 8, topics: 5 };

/** Intents that are not a topic of conversation. */
const NOT_TOPICS = new Set(['oos', 'yes', 'no', 'maybe', 'repeat', 'greeting', 'goodbye', 'thank_you']);

/** Above this probability a message counts as toxic. */
export const TOXIC_AT = 0.5;

/**
 * "my name is Sam", "call me Sam", "I'm Sam" (the last where the entities task saw a person Sam,
 * or Sam is capitalised and no common English word).
 */
export function userNameIn(text: string, signals: Signals): string | undefined {
  const stated = text.match(
    /(?<![\p{L}])(?:my name is|my name's|my names|call me|i am called|i'm called|you can call me)\s+(\p{L}[\p{L}'-]{0,30})/iu,
  );
  if (stated && !isCommonEnglish(stated[1])) return capitalize(stated[1]);
  // A greeting that introduces ("hi im priya btw", "hiii good morning, im priya", "hey its jonas.
  // paid off my car", "hi!! it's jonas again 👋"): lowercase names count too, when the introduction ends there or a sentence does.
  const greeted = text
    .trim()
    .match(
      /^(?:(?:h+i+|he+y+|hel+o+|yo+|heya|hiya|sup|(?:good )?(?:morning|afternoon|evening))(?:\s+there)?[\s,!.\p{Extended_Pictographic}\uFE0F]+)+(?:i am|i'm|im|its|it's|this is)\s+(\p{L}[\p{L}'-]{1,30})(?:\s+(?:btw|here|lol|haha|again))?(?:[\s!.\p{Extended_Pictographic}\uFE0F]*$|[.!,;]\s)/iu,
    );
  // Not a word like "raining" that the list of common words lacks ("morning! its raining. again").
  if (greeted && !isCommonEnglish(greeted[1]) && !/^\p{L}{3,}ing$/iu.test(greeted[1])) return capitalize(greeted[1]);
  // An aside anywhere ("youre still nicer than my group chat. im noor btw"), in lowercase when the entities task saw that
  // person: "im vegan btw" and "im broke btw" name no one.
  const aside = text.match(/(?<![\p{L}])(?:i am|i'm|im)\s+(\p{L}[\p{L}'-]{1,30})\s+btw\b/iu);
  // A capitalised one is a name whatever the tagger saw ("…calling me Deborah. I'm Priya btw"), and so is one
  // that says it is an introduction ("oh im ravi btw, forgot to say").
  if (
    aside &&
    !isCommonEnglish(aside[1]) &&
    (/^\p{Lu}\p{Ll}/u.test(aside[1]) ||
      /\b(?:forgot to (?:say|mention|introduce myself)|should(?:'ve| have) (?:said|mentioned)|didn'?t introduce myself)\b/i.test(text) ||
      signals.entities.some((e) => e.kind === 'person' && e.text.toLowerCase() === aside[1].toLowerCase()))
  )
    return capitalize(aside[1]);
  // "It's Dani" introduces only when the name ends the message: "it's Amazing Grace, the high part scares me" names a song.
  const introduced =
    text.match(/(?<![\p{L}])(?:[Ii] am|[Ii]'m|[Ii]m)\s+(\p{Lu}[\p{Ll}'-]{1,30})(?![\p{L}])/u) ??
    text.match(/(?<![\p{L}])(?:[Ii]ts|[Ii]t's)\s+(\p{Lu}[\p{Ll}'-]{1,30})(?:\s+(?:here|btw|again))?[\s!.]*$/u);
  if (!introduced || isCommonEnglish(introduced[1])) return undefined;
  const seen = signals.entities.some((e) => e.kind === 'person' && e.text.split(/\s+/)[0] === introduced[1]);
  return seen || /^(?:hi|hey|hello|yo|heya|hiya|sup)?[\s,!.]*(?:[Ii] am|[Ii]'m|[Ii]m|[Ii]ts|[Ii]t's)\s/u.test(text.trim())
    ? introduced[1]
    : undefined;
}

const capitalize = (word: string) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();

/** The mentions after this message: its entities first (most recent), then the older ones, deduplicated. */
export function updateMentions(previous: Mention[], signals: Signals, turn: number, limit: number): Mention[] {
  const fresh = signals.entities.map((e) => create(MentionSchema, { text: e.text, kind: e.kind, turn }));
  const seen = new Set<string>();
  return [...fresh, ...previous]
    .filter((m) => {
      const key = m.text.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, limit);
}

/**
 * The conversation's state after one more exchange: the turn, the user's name if they gave it,
 * the entities mentioned, recent topics and the engagement counters.
 */
export function nextState(
  previous: ConversationState | undefined,
  meta: EventMeta,
  turn: TurnInit,
  signals: Signals,
  limits: StateLimits = DEFAULT_LIMITS,
  now = Date.now(),
): ConversationState {
  const state = appendTurn(previous, meta, turn, limits.turns, now);
  state.userName = userNameIn(turn.userText, signals) ?? previous?.userName ?? '';
  state.mentions = updateMentions(previous?.mentions ?? [], signals, state.turnCount, limits.mentions);
  const intent = signals.intent?.label;
  const topics = previous?.topics ?? [];
  state.topics = intent && !NOT_TOPICS.has(intent) ? [intent, ...topics.filter((t) => t !== intent)].slice(0, limits.topics) : [...topics];
  const e = create(EngagementSchema, previous?.engagement ?? {});
  if (intent === 'love_declaration') e.loveDeclarations++;
  if (intent === 'compliment') e.compliments++;
  if (intent === 'insult') e.insults++;
  if ((signals.toxicity ?? 0) >= TOXIC_AT) e.toxicMessages++;
  if (signals.dialogAct?.label === 'question' || /\?\s*$/.test(turn.userText)) e.questions++;
  if (signals.sentiment?.label === 'positive') e.positiveMessages++;
  if (signals.sentiment?.label === 'negative') e.negativeMessages++;
  if (turn.replySource === 'fallback') e.fallbacks++;
  state.engagement = e;
  return state;
}
