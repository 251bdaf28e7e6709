import { reflect } from './recall';

/**
 * The braver of two options the user weighs, said back as advice: "Should I confess or just refill
 * it and hope" → "Confess", "should i text him or wait" → "Text him", "do i bake it anyway or is it
 * ruined" → "Bake it anyway". The braver option is the one that does something: an option that
 * waits, leaves it, keeps its head down or does nothing loses, and a second "option" that is a
 * worry ("or is that against the rules") is no option; one thing weighed against nothing ("third
 * date or not", "second date? y/n") is the thing. Undefined when the message weighs no two actions
 * ("should i get the red one or the blue one" names things, not actions) or when both act and
 * nothing tells them apart. A call or a visit beats a text ("should i call her or send a text first" → "Call her").
 */
export function choiceOf(text: string): string | undefined {
  const sentences = text
    .replace(/[\p{Extended_Pictographic}\u{FE0F}\u{200D}]/gu, ' ')
    .replace(/\?+\s*(?=y\s*\/\s*n\W*$)/i, ' ')
    .split(/(?<=[.!?;…])\s+/);
  const yesOrNo = sentences.map((sentence) => YES_OR_NO.exec(sentence)).find(Boolean);
  if (yesOrNo && words(yesOrNo[1]) <= 4 && !NOT_A_PICK.test(yesOrNo[1])) return capitalised(reflect(yesOrNo[1]));
  const match = sentences.map((sentence) => WEIGHS.exec(sentence)).find(Boolean);
  if (!match) return undefined;
  const first = clean(match[1]);
  const second = clean(match[2]);
  if (!first || words(first) > 7) return undefined;
  let pick: string | undefined;
  if (WORRY.test(second) || (PASSIVE.test(second) && !PASSIVE.test(first))) pick = first;
  else if (PASSIVE.test(first) && !PASSIVE.test(second) && !NOT_AN_ACTION.test(second)) pick = second;
  else if (DISTANT.test(second) && IN_PERSON.test(first)) pick = first;
  else if (DISTANT.test(first) && IN_PERSON.test(second)) pick = second;
  if (!pick || words(pick) > 7 || NOT_AN_ACTION.test(pick)) return undefined;
  return capitalised(reflect(pick.replace(/^(?:just|actually|maybe)\s+/i, '')));
}

/**
 * One thing weighed against nothing: "so... third date or not", "second date? y/n", the option
 * that does something is the thing itself ("Third date").
 */
const YES_OR_NO = /^(?:(?:so|ok|okay|well|hmm|and|but)\b[.…,\s]*)*((?:[\w']+ ){0,3}[\w']+)(?: or not|\s*\?*\s*y\s*\/\s*n)\W*$/i;

/** Not a thing to pick: a clause ("is he", "should i"), a pronoun. */
const NOT_A_PICK =
  /^(?:is|are|was|were|am|do|does|did|should|shall|can|could|would|will|i|you|u|he|she|it|we|they|that|this|whether|if)\b/i;

function capitalised(said: string): string {
  return said.charAt(0).toUpperCase() + said.slice(1);
}

/** "should i A or B", "do we A or B", "do you think i should A or B" (B may repeat "should i"). */
const WEIGHS = /\b(?:(?:should|do|shall) (?:i|we)|(?:think|reckon) (?:i|we) should) (.+?),? or (?:(?:should|do) (?:i|we) )?(.+?)$/i;

/** A second "option" that is a worry about the first: "or is that against the rules", "or is it ruined". */
const WORRY = /^(?:is|would|will|does|was) (?:that|it|this)\b/i;

/** An option that does nothing: waiting, leaving it, staying home, just …. */
const PASSIVE =
  /^(?:just\b|not\b|wait\b|leave (?:it|them|him|her)\b|let (?:it|him|her|them|\w+) (?:go|be|slide|stay)\b|stay (?:home|in|quiet|out of it)|skip\b|ignore\b|do nothing|say nothing|forget (?:it|about it)|give up|hope\b|keep (?:quiet|my head down|our heads down|it to myself|it quiet|it secret)|play it cool|act normal|move on|pretend)/i;

/** Saying it at a distance: a text, a message, an email. Weighed against a call or a visit, the braver one is the voice. */
const DISTANT =
  /^(?:text|message|email|e-mail|dm|whatsapp|write (?:to|a|her|him|them)|send (?:a |an |her |him |them )?(?:text|message|email|dm|letter|card|voice note))\b/i;

/** Saying it in a voice or in person: "call her", "go round", "tell him face to face". */
const IN_PERSON =
  /^(?:call|ring|phone|facetime|go (?:over|round|and see)|see (?:him|her|them)|talk to|meet|tell (?:him|her|them) (?:in person|face to face))\b/i;

/** Not an action to say back: a thing ("the blue one"), a pronoun, a question word. */
const NOT_AN_ACTION = /^(?:the|a|an|my|your|that|this|those|these|what|which|who|how|why|when|where|is|are|was|am|not|have|had|been|be)\b/i;

function clean(option: string): string {
  return option
    .replace(/(?:[\s,.]+\b(?:lol+|lmao+|haha+|tbh|honestly|idk|though|tho))+$/i, '')
    .replace(/[\s?!.,…]+$/u, '')
    .trim();
}

function words(option: string): number {
  return option.split(/\s+/).length;
}
