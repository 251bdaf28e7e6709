/** What the policy sees when a merge closes. */
export interface PolicyInput {
  messageId: string;
  text: string;
  /** Best label per NLU task that answered in time. */
  nlu: Record<string, { label: string; score: number }>;
  missed: string[];
}

export interface PolicyDecision {
  /** The rule that fired, recorded in the outcome. */
  rule: string;
  source: 'canned' | 'retrieval' | 'generative' | 'fallback';
  /** Template key for canned and fallback replies. */
  templateKey: string;
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

/**
 * The response policy, first match wins. Dialogue state, intents and generators extend this list;
 * the last rule always matches, so every message gets an answer.
 */
export const RULES: Rule[] = [
  {
    name: 'mood.sentiment',
    why: 'mirror a confident mood: users feel heard before anything else',
    when: ({ nlu }) => nlu.sentiment !== undefined && nlu.sentiment.score >= MIN_CONFIDENCE,
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
