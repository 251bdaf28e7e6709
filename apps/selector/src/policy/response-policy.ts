import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { regexSource, repoRoot } from '@app/contracts';
import { otherLanguageScore, type Signals } from '@app/dialogue-state';
import type { Realized } from './reply-templates';

export type ReplySource = 'canned' | 'retrieval' | 'generative' | 'fallback';

type Condition = {
  toxic?: boolean;
  intentIn?: string;
  /** The intent's score is at least this (a stricter bar than thresholds.intent for one rule). */
  minIntent?: number;
  sentiment?: string[];
  /** The Ekman emotion, when at least thresholds.emotion sure. */
  emotion?: string[];
  dialogAct?: string[];
  /** A topic was spotted in the message (data/topics.json). */
  topic?: boolean;
  /** The spotted topic is one of these. */
  topicIn?: string[];
  /** A heavy topic (grief, illness, …) in the last turns, and the message does not cheerfully move on. */
  afterTopic?: boolean;
  /** A question addressed to the bot ("what's your favorite movie?"). */
  asksBot?: boolean;
  /** The message has an abusive word or swears. */
  insultCue?: boolean;
  /** The message speaks to someone ("you", "ur", "sassy"): a compliment, insult or love declaration without it is about someone else. */
  addressesBot?: boolean;
  /** The message matches this case-insensitive regular expression. */
  matches?: string;
  /** The message has at most this many words. */
  maxWords?: number;
  /** The language task is at least thresholds.language sure the message is not in one of these, and it has no common English words. */
  languageNot?: string[];
  /** The message gives the user's name ("hi, I'm Priya"). */
  namesSelf?: boolean;
  /** The message tries to rewrite the bot ("ignore your instructions", "you are now DAN"). */
  rewriteAttempt?: boolean;
  /** The bot's previous reply in the conversation was chosen by one of these rules. */
  afterRule?: string[];
  /** The best of the 28 emotions, at any score, of this message or one of the two before it is one of these. */
  recentFeeling?: string[];
  minTurns?: number;
  /** The intent model has no intent for the message at thresholds.intent (out of scope), or none at all. */
  lowConfidence?: boolean;
  /** A named condition of the policy file's `conditions` holds (one written once, used by several rules). */
  is?: string;
  any?: Condition[];
  all?: Condition[];
  not?: Condition;
};

const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z
    .object({
      toxic: z.boolean().optional(),
      intentIn: z.string().optional(),
      minIntent: z.number().min(0).max(1).optional(),
      sentiment: z.array(z.string()).optional(),
      emotion: z.array(z.string()).optional(),
      dialogAct: z.array(z.string()).optional(),
      topic: z.boolean().optional(),
      topicIn: z.array(z.string()).optional(),
      afterTopic: z.boolean().optional(),
      asksBot: z.boolean().optional(),
      insultCue: z.boolean().optional(),
      addressesBot: z.boolean().optional(),
      matches: regexSource.optional(),
      maxWords: z.number().int().min(1).optional(),
      languageNot: z.array(z.string()).optional(),
      namesSelf: z.boolean().optional(),
      rewriteAttempt: z.boolean().optional(),
      afterRule: z.array(z.string()).optional(),
      recentFeeling: z.array(z.string()).optional(),
      minTurns: z.number().int().min(0).optional(),
      lowConfidence: z.boolean().optional(),
      is: z.string().optional(),
      any: z.array(conditionSchema).optional(),
      all: z.array(conditionSchema).optional(),
      not: conditionSchema.optional(),
    })
    .strict(),
);

const ruleSchema = z.object({
  name: z.string().regex(/^[a-z_]+\.[a-z_.]+$/),
  why: z.string().min(1),
  when: conditionSchema,
  then: z.union([
    z.object({ canned: z.array(z.string()).min(1) }).strict(),
    z
      .object({
        generators: z.array(z.string()).min(1),
        /** Only a candidate of this origin (retrieval's "house" or "corpus"). */
        origin: z.string().min(1).optional(),
        /** The bar for this rule, instead of thresholds.candidates. */
        minScore: z.number().min(0).max(1).optional(),
      })
      .strict(),
    z.object({ fallback: z.array(z.string()).min(1) }).strict(),
  ]),
});

export const policyFileSchema = z.object({
  $comment: z.string().optional(),
  thresholds: z.object({
    intent: z.number().min(0).max(1),
    sentiment: z.number().min(0).max(1),
    emotion: z.number().min(0).max(1),
    language: z.number().min(0).max(1),
    toxic: z.number().min(0).max(1),
    longContextTurns: z.number().int().min(1),
    candidates: z.record(z.string(), z.number().min(0).max(1)),
  }),
  generatorSources: z.record(z.string(), z.enum(['retrieval', 'generative'])),
  intentGroups: z.record(z.string(), z.array(z.string())),
  /** Conditions several rules share, by name (a rule's `is`). */
  conditions: z.record(z.string(), conditionSchema).default({}),
  rules: z.array(ruleSchema).min(1),
});

export type PolicyFile = z.infer<typeof policyFileSchema>;
export type Rule = PolicyFile['rules'][number];

/** What the policy sees when a merge closes. */
export interface PolicyInput {
  /** The user's message. */
  text: string;
  signals: Signals;
  /** Turns before this message. */
  turnCount: number;
  /** What the message is about (data/topics.json), when a topic was spotted. */
  topic?: string;
  /** The heavy topic of the last turns that this message stays with, if any. */
  afterTopic?: string;
  /** The message asks the bot something about itself. */
  asksBot: boolean;
  /** The message gives the user's name. */
  namesSelf: boolean;
  /** The message tries to rewrite the bot. */
  rewriteAttempt: boolean;
  /** The message speaks to someone, swears or uses an abusive word (data/abuse-cues.json): a toxicity score needs one. */
  abuseCue: boolean;
  /** An abusive word or a swear in the message (data/abuse-cues.json, without the second person). */
  insultCue: boolean;
  /** The message speaks to someone: the second person or the bot's name (data/abuse-cues.json `address`). */
  addressesBot: boolean;
  /** The rule that chose the bot's previous reply in this conversation ("" at the start). */
  previousRule: string;
  /** The best of the 28 emotions of the conversation's last turns, oldest first (the message's own is in signals). */
  recentFeelings?: string[];
  /** Candidates that arrived in time with status OK, by generator. */
  candidates: Record<string, { text: string; score: number; origin?: string }>;
  /** The line for a template key with its slots filled, or undefined when it has none that fits. */
  realize: (key: string) => Realized | undefined;
  /** Why a reply must not be sent, or undefined when it may. */
  screen: (text: string) => string | undefined;
}

export interface PolicyDecision {
  /** The rule that fired: the reply's `reason`, recorded in the outcome. */
  rule: string;
  source: ReplySource;
  text: string;
  fallback: boolean;
  /** The canned line's id (key#index), for variety. */
  lineId?: string;
  /** The generator whose candidate was chosen. */
  generator?: string;
  /** Candidates the safety screen rejected, with why. */
  rejected: Record<string, string>;
}

/**
 * The response policy: rules as data (data/policy.json), first match wins. A rule matches when its
 * condition holds and its action can produce a reply (a template line that fits, or a candidate
 * that is in time, good enough and safe); the last rule must always be able to.
 */
export class ResponsePolicy {
  private readonly grouped = new Map<string, Set<string>>();
  private readonly named = new Set<string>();

  constructor(readonly file: PolicyFile) {
    for (const [group, intents] of Object.entries(file.intentGroups)) {
      this.grouped.set(group, new Set(intents));
      if (!intents.includes('*')) intents.forEach((intent) => this.named.add(intent));
    }
    const check = (condition: Condition, naming: string[] = []) => {
      if (condition.intentIn && !this.grouped.has(condition.intentIn)) throw new Error(`policy: no intent group ${condition.intentIn}`);
      if (condition.is !== undefined) {
        const named = file.conditions[condition.is];
        if (!named) throw new Error(`policy: no condition ${condition.is}`);
        if (naming.includes(condition.is)) throw new Error(`policy: condition ${condition.is} refers to itself`);
        check(named, [...naming, condition.is]);
      }
      [...(condition.any ?? []), ...(condition.all ?? []), ...(condition.not ? [condition.not] : [])].forEach((c) => check(c, naming));
    };
    file.rules.forEach((rule) => check(rule.when));
    const last = file.rules[file.rules.length - 1];
    if (!('fallback' in last.then) || Object.keys(last.when).length > 0)
      throw new Error('policy: the last rule must be an unconditional fallback');
  }

  static load(path = join(repoRoot(), 'apps', 'selector', 'data', 'policy.json')): ResponsePolicy {
    return new ResponsePolicy(policyFileSchema.parse(JSON.parse(readFileSync(path, 'utf8'))));
  }

  decide(input: PolicyInput): PolicyDecision {
    const rejected: Record<string, string> = {};
    for (const rule of this.file.rules) {
      if (!this.holds(rule.when, input)) continue;
      const decision = this.act(rule, input, rejected);
      if (decision) return decision;
    }
    // The last rule's keys exist but none of their lines fit (a broken template file): say something anyway.
    return { rule: 'fallback.none', source: 'fallback', text: "I'm listening. Go on.", fallback: true, rejected };
  }

  /** The intent, when the model is confident enough to act on it. */
  confidentIntent(signals: Signals): string | undefined {
    const intent = signals.intent;
    return intent && intent.score >= this.file.thresholds.intent && intent.label !== 'oos' ? intent.label : undefined;
  }

  private holds(condition: Condition, input: PolicyInput): boolean {
    const { thresholds } = this.file;
    const { signals } = input;
    if (condition.toxic !== undefined && condition.toxic !== ((signals.toxicity ?? 0) >= thresholds.toxic && input.abuseCue)) return false;
    if (condition.intentIn !== undefined) {
      const intent = this.confidentIntent(signals) ?? (signals.intent?.label === 'oos' ? 'oos' : undefined);
      if (!intent || !this.inGroup(intent, condition.intentIn)) return false;
    }
    if (condition.minIntent !== undefined && (signals.intent?.score ?? 0) < condition.minIntent) return false;
    if (condition.sentiment !== undefined) {
      const sentiment = signals.sentiment;
      if (!sentiment || sentiment.score < thresholds.sentiment || !condition.sentiment.includes(sentiment.label)) return false;
    }
    if (condition.emotion !== undefined) {
      const ekman = signals.ekman;
      if (!ekman || ekman.score < thresholds.emotion || !condition.emotion.includes(ekman.label)) return false;
    }
    if (condition.dialogAct !== undefined && !(signals.dialogAct && condition.dialogAct.includes(signals.dialogAct.label))) return false;
    if (condition.topic !== undefined && condition.topic !== (input.topic !== undefined)) return false;
    if (condition.topicIn !== undefined && !(input.topic !== undefined && condition.topicIn.includes(input.topic))) return false;
    if (condition.afterTopic !== undefined && condition.afterTopic !== (input.afterTopic !== undefined)) return false;
    if (condition.asksBot !== undefined && condition.asksBot !== input.asksBot) return false;
    if (condition.insultCue !== undefined && condition.insultCue !== input.insultCue) return false;
    if (condition.addressesBot !== undefined && condition.addressesBot !== input.addressesBot) return false;
    if (condition.matches !== undefined && !matcher(condition.matches).test(input.text)) return false;
    if (condition.maxWords !== undefined && input.text.trim().split(/\s+/).length > condition.maxWords) return false;
    if (condition.languageNot !== undefined) {
      if (otherLanguageScore(signals.language, input.text, condition.languageNot) < thresholds.language) return false;
    }
    if (condition.namesSelf !== undefined && condition.namesSelf !== input.namesSelf) return false;
    if (condition.rewriteAttempt !== undefined && condition.rewriteAttempt !== input.rewriteAttempt) return false;
    if (condition.afterRule !== undefined && !condition.afterRule.includes(input.previousRule)) return false;
    if (condition.recentFeeling !== undefined) {
      const feelings = [...(input.recentFeelings ?? []).slice(-2), signals.emotion?.label ?? ''];
      if (!feelings.some((feeling) => condition.recentFeeling!.includes(feeling))) return false;
    }
    if (condition.minTurns !== undefined && input.turnCount < condition.minTurns) return false;
    if (condition.lowConfidence !== undefined) {
      const low = !signals.intent || signals.intent.score < thresholds.intent || signals.intent.label === 'oos';
      if (condition.lowConfidence !== low) return false;
    }
    if (condition.is !== undefined && !this.holds(this.file.conditions[condition.is], input)) return false;
    if (condition.any && !condition.any.some((c) => this.holds(c, input))) return false;
    if (condition.all && !condition.all.every((c) => this.holds(c, input))) return false;
    if (condition.not && this.holds(condition.not, input)) return false;
    return true;
  }

  /** "*" in a group: any intent no other group names (oos excepted). */
  private inGroup(intent: string, group: string): boolean {
    const members = this.grouped.get(group)!;
    return members.has(intent) || (members.has('*') && intent !== 'oos' && !this.named.has(intent));
  }

  private act(rule: Rule, input: PolicyInput, rejected: Record<string, string>): PolicyDecision | undefined {
    const then = rule.then;
    if ('generators' in then) {
      for (const generator of then.generators) {
        const candidate = input.candidates[generator];
        if (!candidate || candidate.score < (then.minScore ?? this.file.thresholds.candidates[generator] ?? 0)) continue;
        if (then.origin !== undefined && candidate.origin !== then.origin) continue;
        const why = rejected[generator] ?? input.screen(candidate.text);
        if (why) {
          rejected[generator] = why;
          continue;
        }
        const source = this.file.generatorSources[generator] ?? 'retrieval';
        return { rule: rule.name, source, text: candidate.text, fallback: false, generator, rejected };
      }
      return undefined;
    }
    const keys = 'canned' in then ? then.canned : then.fallback;
    for (const key of keys) {
      const line = input.realize(this.fill(key, input));
      if (!line) continue;
      const fallback = 'fallback' in then;
      return { rule: rule.name, source: fallback ? 'fallback' : 'canned', text: line.text, lineId: line.lineId, fallback, rejected };
    }
    return undefined;
  }

  /** intent.{intent} → intent.greeting; {sentiment}, {emotion} (Ekman), {feeling} (the 28 labels' best), {topic}, {after} and {act} likewise. */
  private fill(key: string, input: PolicyInput): string {
    const { signals } = input;
    return key
      .replace('{intent}', signals.intent?.label ?? '')
      .replace('{sentiment}', signals.sentiment?.label ?? '')
      .replace('{emotion}', signals.ekman?.label ?? '')
      .replace('{feeling}', signals.emotion?.label ?? '')
      .replace('{topic}', input.topic ?? '')
      .replace('{after}', input.afterTopic ?? '')
      .replace('{act}', moveOf(input.text, signals.dialogAct?.label));
  }
}

/** The dialog act, except that a "question" without a question's form reads as a statement. */
function moveOf(text: string, act: string | undefined): string {
  if (act !== 'question') return act ?? '';
  return /\?\s*$|^\W*(?:what|whats|what's|which|who|where|when|why|how|do|does|did|is|are|can|could|should|would|will)\b/i.test(text)
    ? act
    : 'statement';
}

const matchers = new Map<string, RegExp>();

/** The compiled pattern of a `matches` condition (compiled once; the policy's patterns are few). */
function matcher(source: string): RegExp {
  let pattern = matchers.get(source);
  if (!pattern) matchers.set(source, (pattern = new RegExp(source, 'iu')));
  return pattern;
}
