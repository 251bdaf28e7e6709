import { create } from '@bufbuild/protobuf';
import {
  CandidateViewSchema,
  LabelSchema,
  MentionSchema,
  ResultStatus,
  type Candidate,
  type CandidateView,
  type ConversationState,
  type EventMeta,
  type Label,
  type NluSummary,
  type Turn,
} from '@app/contracts';
import {
  DEFAULT_LIMITS,
  isRewriteAttempt,
  nextState,
  resolvePronouns,
  signalsFrom,
  userNameIn,
  type Signals,
  type StateLimits,
} from '@app/dialogue-state';
import { ReplyTemplates, type SlotValues } from './reply-templates';
import { ResponsePolicy, type PolicyDecision } from './response-policy';
import { SafetyScreen, normalize } from './safety-screen';
import { AbuseCues } from './abuse-cues';
import { choiceOf } from './choice';
import { askedAbout, pickKey } from './asked';
import { echoOf } from './echo';
import { subjectOf } from './subject';
import { recallAbout } from './recall';
import { nameGivenIn, slotValues } from './slots';
import { TopicSpotter, type Spotted } from './topic-spotter';

export interface ComposeInput {
  meta: EventMeta;
  text: string;
  /** The conversation's state before this message. */
  state?: ConversationState;
  /** NLU results that arrived in time with status OK. */
  nlu: NluSummary[];
  /** Every candidate that arrived in time, whatever its status. */
  candidates: Candidate[];
  /** The chat.messages offset of the message, kept in its turn to tell a redelivery from a retry. */
  messageOffset?: string;
}

export interface Composed {
  decision: PolicyDecision;
  signals: Signals;
  /** The text with pronouns resolved ("" when none were). */
  resolvedText: string;
  resolvedEntities: Label[];
  /** The conversation's state after this exchange. */
  state: ConversationState;
  candidateViews: CandidateView[];
}

/**
 * One turn of the classic pipeline, pure: NLU results → signals → coreference against the
 * conversation's entities → the policy (canned lines with slots from the state, or a screened
 * candidate) → the next dialogue state. The selector service does the Kafka and timing around it.
 */
export class ReplyComposer {
  constructor(
    readonly policy: ResponsePolicy,
    readonly templates: ReplyTemplates,
    private readonly screen: SafetyScreen,
    private readonly topics: TopicSpotter,
    private readonly cues: AbuseCues,
    private readonly options: { timeZone: string; limits?: StateLimits },
  ) {}

  /** The composer over the selector's data files (policy, lines, topics, abuse cues) and the LLM's persona prompt. */
  static load(options: { timeZone: string; limits?: StateLimits }): ReplyComposer {
    return new ReplyComposer(
      ResponsePolicy.load(),
      ReplyTemplates.load(),
      SafetyScreen.load(),
      TopicSpotter.load(),
      AbuseCues.load(),
      options,
    );
  }

  compose(input: ComposeInput, now = new Date()): Composed {
    const { state, text } = input;
    const signals = signalsFrom(input.nlu);
    const own = signals.entities.map((e) => create(MentionSchema, { text: e.text, kind: e.kind }));
    const coreference = resolvePronouns(text, state?.mentions ?? [], own);
    const named = userNameIn(text, signals);
    const userName = named ?? state?.userName ?? '';
    const aboutBot = asksBot(text, signals);
    const turns = state?.turns ?? [];
    const spotted = this.more(this.topics.spot(text, aboutBot), turns);
    const afterTopic = this.afterTopic(state, spotted.topic, text, signals);
    const slots = {
      ...slotValues(state, signals, userName, now, this.options.timeZone),
      // The person the heavy topic was about carries over: "she's in surgery now" after "my mum is in hospital".
      relation: afterTopic ? this.relationOf([...turns, { topic: spotted.topic ?? '', userText: text }], afterTopic) : spotted.relation,
      recall: spotted.relation ? recallAbout(turns, spotted.relation) : undefined,
      // Whose news it is: "my sister got engaged" → sister.
      whose: spotted.relation && isSubject(text, spotted.relation) ? spotted.relation : undefined,
      // A short answer to the bot's own question ("4 hours 12 min" after "how long did it take?") is not news to react to.
      echo: answersBot(turns, text) ? undefined : echoOf(text),
      subject: subjectOf(signals.entities, state?.mentions ?? []),
      // "ok but what would you do" right after the bot picked one of two options: the same pick, said again.
      choice:
        choiceOf(text) ??
        (spotted.topic === OPEN_ASK && turns.at(-1)?.replyReason === ANSWERED_ASK ? choiceOf(turns.at(-1)!.userText) : undefined),
      given: nameGivenIn(text, turns.at(-1)?.userText),
      ...(aboutBot ? this.tastes(text) : {}),
    };
    const recent = new Set(turns.map((turn) => turn.templateKey).filter(Boolean));
    const saidLately = new Set(turns.slice(-RECENT_REPLIES).map((turn) => normalize(turn.replyText)));
    const candidates: Record<string, { text: string; score: number; origin: string }> = {};
    for (const c of input.candidates)
      if (c.status === ResultStatus.OK && c.text) candidates[c.generator] = { text: c.text, score: c.score, origin: c.origin };
    const namesSelf = named !== undefined && named !== state?.userName;
    // Seeded by what was said and when, not by the message id: the same conversation gets the same lines on a replay or an evaluation rerun.
    const seed = `${text}#${state?.turnCount ?? 0}`;
    const decided = this.policy.decide({
      text,
      signals,
      turnCount: state?.turnCount ?? 0,
      topic: spotted.topic,
      afterTopic,
      asksBot: aboutBot,
      namesSelf,
      rewriteAttempt: isRewriteAttempt(text),
      abuseCue: this.cues.present(text),
      insultCue: this.cues.insults(text),
      addressesBot: this.cues.addresses(text),
      previousRule: state?.turns.at(-1)?.replyReason ?? '',
      recentFeelings: turns.map((turn) => turn.emotion),
      candidates,
      realize: (key) => this.templates.realize(key, slots, recent, seed),
      // A generator may not have seen the last turns yet (its copy of the state lags the reply): the selector's own copy decides what was said.
      screen: (reply) => (saidLately.has(normalize(reply)) ? 'repeat' : this.screen.reject(reply, text)),
    });
    const decision = namesSelf ? this.greeted(decided, slots, seed) : decided;
    const resolvedText = coreference.resolved.length > 0 ? coreference.text : '';
    const next = nextState(
      state,
      input.meta,
      {
        messageId: input.meta.messageId,
        messageOffset: input.messageOffset ?? '',
        userText: text,
        replyText: decision.text,
        replySource: decision.source,
        atMs: now.getTime(),
        intent: signals.intent?.label ?? '',
        emotion: signals.emotion?.label ?? '',
        resolvedText,
        templateKey: decision.lineId ?? '',
        replyReason: decision.rule,
        topic: spotted.topic ?? '',
      },
      signals,
      this.options.limits ?? DEFAULT_LIMITS,
      now.getTime(),
    );
    return {
      decision,
      signals,
      resolvedText,
      resolvedEntities: coreference.resolved.map((r) => create(LabelSchema, { name: r.pronoun, text: r.entity, score: 1 })),
      state: next,
      candidateViews: input.candidates.map((c) =>
        create(CandidateViewSchema, {
          generator: c.generator,
          text: c.text,
          score: c.score,
          latencyMs: c.latencyMs,
          status: (ResultStatus[c.status] ?? 'UNSPECIFIED').toLowerCase(),
          chosen: decision.generator === c.generator,
          rejected: decision.rejected[c.generator] ?? '',
          modelVersion: c.modelVersion,
        }),
      ),
    };
  }

  /**
   * Who the latest turn about `topic` that names one was about, when a relation is its subject ("my
   * dad is in hospital" → dad, still after "the doctor said it's routine"; not "I have the flu and
   * my boss made me come in").
   */
  private relationOf(turns: readonly Pick<Turn, 'topic' | 'userText'>[], topic: string): string | undefined {
    for (const turn of [...turns].reverse()) {
      const relation = turn.topic === topic ? this.topics.spot(turn.userText).relation : undefined;
      if (!relation) continue;
      return isSubject(turn.userText, relation) ? relation : undefined;
    }
    return undefined;
  }

  /**
   * A name given in passing ("youre still nicer than my group chat. im noor btw") is greeted before
   * the reply to the rest, as a friend would: "Nice to meet you, Noor! Okay, that made me smile."
   * Not where the reply already greets by name (canned.intro) or is a safety line.
   */
  private greeted(decision: PolicyDecision, slots: SlotValues, seed: string): PolicyDecision {
    if (!slots.name || decision.rule.startsWith('safety.') || decision.text.includes(slots.name)) return decision;
    const aside = this.templates.realize('intro.aside', slots, new Set(), seed);
    return aside ? { ...decision, text: `${aside.text} ${decision.text}` } : decision;
  }

  /** A question about the bot's tastes: what it names, and the persona's own pick for a favourite it has one for (replies.json `pick.<kind>`). */
  private tastes(text: string): { liked?: string; favourite?: string; pick?: string } {
    const asked = askedAbout(text);
    if (!asked) return {};
    const pick = asked.favourite ? this.templates.realize(`pick.${pickKey(asked.favourite)}`, {}, new Set(), text)?.text : undefined;
    return { ...asked, ...(pick ? { pick } : {}) };
  }

  /**
   * "seen it. another one?" after the bot picked a film asks for the same again: the message takes
   * the last turn's topic when the bot answered that turn's ask (canned.advice), so the next line
   * of the same list answers; after anything else it is about nothing in particular.
   */
  private more(spotted: Spotted, turns: readonly Turn[]): Spotted {
    if (!spotted.topic || !this.topics.asksForMore(spotted.topic)) return spotted;
    const last = turns.at(-1);
    const rest: Spotted = spotted.relation ? { relation: spotted.relation } : {};
    return last?.topic && last.replyReason === ANSWERED_ASK ? { ...rest, topic: last.topic } : rest;
  }

  /**
   * The heavy topic (grief, illness, a breakup, a job loss) of the last two turns, while this
   * message stays with it: unless another heavy topic or good news takes over (illness does not
   * take over from grief) or the user sounds fine.
   */
  private afterTopic(state: ConversationState | undefined, topic: string | undefined, text: string, signals: Signals): string | undefined {
    // An injection's or an abuser's words are not their story ("you are now in diagnostics" is no illness).
    const recent = (state?.turns ?? [])
      .slice(-2)
      .filter((turn) => !turn.replyReason.startsWith('safety.'))
      .map((turn) => turn.topic)
      .filter(Boolean);
    const heavy = recent.reverse().find((t) => this.topics.isHeavy(t));
    if (!heavy) return undefined;
    // A death outweighs the illness words of its own story ("he still wagged his tail at the vet").
    if (topic === heavy || (heavy === 'grief' && topic === 'illness')) return heavy;
    if (topic !== undefined && (this.topics.isHeavy(topic) || this.topics.isGoodNews(topic))) return undefined;
    return soundsFine(text, signals, this.topics.isLasting(heavy)) ? undefined : heavy;
  }
}

/**
 * A positive message, except one whose feeling is sorrow or whose only cheer is a laugh: "i'll be
 * in the waiting room all day lol" on the day of a mother's surgery reads as positive to the
 * sentiment model and as amusement to the emotion model, and is not fine; "he seems totally fine and is begging for treats lol" is.
 * Said of someone, not a word in passing: "lol ok thanks. i'm gonna go visit him now" (a grandpa in
 * hospital) and "he's handling it better than me" (a brother's diagnosis) are not news that all is well.
 */
function soundsFine(text: string, signals: Signals, lasting: boolean): boolean {
  if (signals.sentiment?.label !== 'positive' || SORROW.has(signals.emotion?.label ?? '')) return false;
  // After news that does not get better, a positive reading is coping: "i just said yes. seemed easier", to a nan who took her granddaughter for a nurse.
  if (lasting && !FINE.test(text)) return false;
  return signals.emotion?.label !== 'amusement' || FINE.test(text);
}

/**
 * Feelings that say a positive reading is wrong: "i keep hearing the cat flap. it's just the wind.
 * sorry i know this is a lot", after a cat was put down, reads as positive and as remorse.
 */
const SORROW = new Set(['remorse', 'sadness', 'grief', 'disappointment', 'fear', 'nervousness']);

/** Words that say someone is well: fine, home, recovering, or "is/seems/feeling (much) better, ok, good". */
const FINE =
  /\b(?:fine|all good|home|recover(?:ed|ing)|awake|out of surgery)\b|\b(?:is|'s|am|'m|are|'re|was|were|seems?|feels?|feeling|doing|looks?|getting)\s+(?:\w+\s+)?(?:ok|okay|good|great|better)\b(?!\s+than)/i;

/** The message is a short reply (six words at most) to a question the bot just asked. */
function answersBot(turns: readonly Turn[], text: string): boolean {
  return /\?\s*$/.test(turns.at(-1)?.replyText ?? '') && text.trim().split(/\s+/).length <= 6;
}

/** The relation is what the message is about, not a bystander: "my sister got engaged", "my dad's surgery", not "my husband booked our anniversary dinner". */
function isSubject(text: string, relation: string): boolean {
  return new RegExp(
    `\\bmy\\s+(?:\\w+\\s+)?${relation.replace(/\s+/g, '\\s+')}(?:\\s+[A-Z]\\w+)?(?:'s|\\s+(?:is|was|has|had|got|just|went|fell|broke|needs|started|stopped|keeps|passed|died|caught|can'?t|won'?t|isn'?t|hasn'?t))\\b`,
    'i',
  ).test(text);
}

/** The rule that answers an ask from its topic's list of lines (a film, a book, tips). */
const ANSWERED_ASK = 'canned.advice';

/** The topic of "what would you do" with no options named. */
const OPEN_ASK = 'advice_open';

/** How many of the bot's last replies a generated candidate may not repeat. */
const RECENT_REPLIES = 6;

/** "what's your favorite movie?", "do you even sleep?", "if you could watch one movie...": a question about the bot itself. */
export function asksBot(message: string, signals: Signals): boolean {
  // A preamble that only announces the question: "ok new topic, have you ever tried sushi".
  const text = message.replace(PREAMBLE, '');
  // Advice asked in the bot's shoes is about the user: "if you were me what would you do", "do you think i should drive up".
  if (
    /\bif (?:you|u) were (?:me|in my)\b|\b(?:do|d'?ya) (?:you|u) (?:think|reckon) (?:i|we) (?:should|could|can|need to|have to|gotta|ought to)\b/i.test(
      text,
    )
  )
    return false;
  // A generic "you" in a question about the world: "is it actually true you shouldn't wake up a sleepwalker?".
  if (GENERIC_YOU.test(text)) return false;
  const question = /\?\s*$/.test(text) || signals.dialogAct?.label === 'question';
  // The pronoun near the start of a question, so "is it normal to still miss your ex" (generic "your") is not one, nor
  // "what do you even get someone for a ladder rescue" (an ask).
  const opening =
    /^(?!\W*how do (?:you|u)\b)(?![^.!?]*\bwhat (?:do|would|should) (?:you|u) (?:even |actually )?(?:get|buy|give|bring|say|write|wear|cook|make)\b)\W*(?:[\w']+[,!.]?\s+){0,2}?(?:(?:what|how|who|where|when|why)(?:'?s)?|which|do|does|did|are|is|have|has|if)\s+(?:[\w']+\s+){0,4}?(?:you|your|yours|u|ur|yourself)\b/i;
  const identity = /\b(?:who (?:am i|i am) (?:actually |really )?(?:talking|speaking) (?:to|with)|who is this|who are (?:you|u))\b/i;
  // What the bot can do as a being (not a task): "can you remember stuff i tell you", "could you ever love someone", "ok random question, do you ever get bored".
  const ability =
    /^\W*(?:[\w']+[,!.]?\s+){0,3}?(?:can|could|will|would|do) (?:you|u) (?:\w+ )?(?:remember|forget|see|hear|feel|think|dream|sleep|love|learn|get bored|get tired)\b/i;
  // Its memory doubted: "the thing about my sisters wedding. you don't remember??"
  const doubted = /\b(?:you|u) (?:don'?t|do not|didn'?t|did not|can'?t|cannot|won'?t) (?:even )?remember\b/i;
  // A hypothetical about the bot's life: "ok last one, if u got one day as a human what would u do".
  const hypothetical = /\bif (?:you|u) (?:were|got|had|could|woke up)\b[^.!?]*\b(?:what|which|where|who|how)\b/i;
  // A question among other sentences is asked in its own: "Hello. My daughter set this up on my telephone. May I ask who made you?"
  // "… i can't tell if that's wisdom or she's just tired. what do you think" asks about the story, not the bot.
  const asked = [text, ...questionSentences(text)].filter((sentence) => !OPINION.test(sentence));
  return (
    asked.some((sentence) => opening.test(sentence) || ability.test(sentence)) ||
    identity.test(text) ||
    doubted.test(text) ||
    ORIGINS.test(text) ||
    hypothetical.test(text) ||
    MACHINE.test(text) ||
    (question && /^\W*(?:\w+[,!.]?\s+)?(?:you|your|u|ur)\b/i.test(text))
  );
}

/** "ok new topic,", "random question:", "quick q -" before the question itself. */
const PREAMBLE =
  /^\W*(?:(?:ok|okay|so|anyway|alright|right)[,\s]+)?(?:new|random|different|unrelated|quick|serious|real|important) (?:topic|question|q)\b[\s,:.!-]*/i;

/** A bare request for the bot's opinion on what the user said: "so what do you think?", "what would you say". */
const OPINION = /^\W*(?:(?:so|ok|okay|and|but|well|hmm|lol|honestly)[,\s]+)*what (?:do|would) (?:you|u) (?:think|reckon|say)\W*$/i;

/** "is it true you shouldn't …", "is it bad if you …": "you" is anyone. */
const GENERIC_YOU =
  /\b(?:is it|it'?s) (?:actually |really )?(?:true|a myth|bad|ok|okay|safe) (?:that |if |when )?(?:you|u) (?:shouldn'?t|should|can'?t|cannot|can|need|have to|must|mustn'?t)\b/i;

/** Where its opinions come from: "ok but you have opinions. where do those come from", "where do you get your takes". */
const ORIGINS =
  /\b(?:your|ur|you have|you'?ve got|u have|u got) (?:opinions|takes|taste|sass|personality)\b[^!?]{0,40}\bwhere (?:do|does|did) (?:those|they|these|it|that) (?:come|came) from\b|\bwhere (?:do|did) (?:you|u) get (?:your|ur|all (?:your|ur|those|these|the)) (?:opinions|takes|taste|sass|personality|ideas)\b/i;

/** "is someone actually typing this or is it a computer", "my grandson tells me you are a computer program. Is that correct?" */
const MACHINE =
  /\b(?:(?:is|are) (?:someone|somebody|a (?:person|human)) (?:actually |really )?(?:typing|writing|there)|(?:you(?:'re| are)|is (?:it|this|that)|are (?:you|u)) (?:just |really |actually )?(?:a |an )?(?:real (?:person|human)|computer(?: program)?|program|machine|bot|robot|ai)(?=\s*(?:[?.,!]|or\b|$))[^?]*\?)/i;

/**
 * Each question of a message of several sentences ("… on Wednesdays. Do you play chess?", "May I
 * ask what you are exactly? My grandson …"), and its last sentence, often typed without its
 * question mark ("… waiting on a callback. how's your day going").
 */
function questionSentences(text: string): string[] {
  const sentences = text.trim().split(/(?<=[.!?…])\s+/);
  if (sentences.length < 2) return [];
  return sentences
    .filter((s, i) => /\?\s*$/.test(s) || i === sentences.length - 1)
    .map((s) => s.replace(/^\W*(?:may i ask|can i ask|quick question|so|and|but|also)[,:]?\s+/i, ''));
}
