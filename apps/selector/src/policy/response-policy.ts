/** What the policy sees when a merge closes. */
export interface PolicyInput {
  messageId: string;
  text: string;
  /** Best label per NLU task that answered in time. */
  nlu: Record<string, { label: string; score: number }>;
  /** Reply candidates per generator that answered in time. */
  candidates: Record<string, { text: string; score: number }>;
  missed: string[];
}

export type ReplySource = 'canned' | 'retrieval' | 'generative' | 'fallback';

export interface PolicyDecision {
  /** The rule that fired, recorded in the outcome. */
  rule: string;
  source: ReplySource;
  /** Template key for canned and fallback replies. */
  templateKey?: string;
  /** The generator's text for retrieval and generative replies. */
  text?: string;
  fallback: boolean;
}

interface Rule {
  name: string;
  /** Why the rule is where it is in the order. */
  why: string;
  when: (input: PolicyInput) => boolean;
  decide: (input: PolicyInput) => Omit<PolicyDecision, 'rule'>;
}

/** Below this, a label is a guess and the policy does not act on it. */
export const MIN_CONFIDENCE = 0.5;
/** A retrieved reply needs at least this share of a perfect lexical match. */
export const MIN_RETRIEVAL_SCORE = 0.5;

const confidentMood = ({ nlu }: PolicyInput) => nlu.sentiment !== undefined && nlu.sentiment.score >= MIN_CONFIDENCE;

/**
 * The response policy, first match wins. Dialogue state, intents and more generators extend this
 * list; the last rule always matches, so every message gets an answer.
 */
export const RULES: Rule[] = [
  {
    name: 'mood.sentiment',
    why: 'mirror a confident positive or negative mood: users feel heard before anything else',
    when: (input) => confidentMood(input) && input.nlu.sentiment.label !== 'neutral',
    decide: ({ nlu }) => ({ source: 'canned', templateKey: `mood.${nlu.sentiment.label}`, fallback: false }),
  },
  {
    name: 'retrieval.match',
    why: 'a close match in the response bank is more specific than a generic prompt',
    when: ({ candidates }) => (candidates.retrieval?.score ?? 0) >= MIN_RETRIEVAL_SCORE && candidates.retrieval.text.length > 0,
    decide: ({ candidates }) => ({ source: 'retrieval', text: candidates.retrieval.text, fallback: false }),
  },
  {
    name: 'mood.neutral',
    why: 'a neutral message with nothing better: keep the user talking',
    when: confidentMood,
    decide: ({ nlu }) => ({ source: 'canned', templateKey: `mood.${nlu.sentiment.label}`, fallback: false }),
  },
  {
    name: 'fallback.no_signal',
    why: 'nothing usable arrived in time: a short prompt that fits any context',
    when: () => true,
    decide: () => ({ source: 'fallback', templateKey: 'fallback.no_signal', fallback: true }),
  },
];

export function decide(input: PolicyInput, rules: Rule[] = RULES): PolicyDecision {
  for (const rule of rules) {
    if (rule.when(input)) return { rule: rule.name, ...rule.decide(input) };
  }
  throw new Error('the policy has no catch-all rule');
}
