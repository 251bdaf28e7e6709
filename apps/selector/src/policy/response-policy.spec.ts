import { MIN_CONFIDENCE, MIN_RETRIEVAL_SCORE, RULES, decide, type PolicyInput } from './response-policy';

const input = (nlu: PolicyInput['nlu'], candidates: PolicyInput['candidates'] = {}, missed: string[] = []): PolicyInput => ({
  messageId: 'm1',
  text: 'hi',
  nlu,
  candidates,
  missed,
});

const FALLBACK = { rule: 'fallback.no_signal', source: 'fallback', templateKey: 'fallback.no_signal', fallback: true };
const retrieval = (score: number, text = 'a stored reply') => ({ retrieval: { text, score } });

describe('response policy', () => {
  it('orders its rules: polar mood, retrieval, neutral mood, then the catch-all', () => {
    expect(RULES.map((r) => r.name)).toEqual(['mood.sentiment', 'retrieval.match', 'mood.neutral', 'fallback.no_signal']);
    for (const rule of RULES) expect(rule.why.length).toBeGreaterThan(0);
  });

  it('ends with a rule that matches anything', () => {
    expect(RULES[RULES.length - 1].when(input({}, {}, ['nlu:sentiment']))).toBe(true);
  });

  it.each(['positive', 'negative'])('mirrors a confident %s sentiment with a canned mood reply', (label) => {
    expect(decide(input({ sentiment: { label, score: 0.9 } }))).toEqual({
      rule: 'mood.sentiment',
      source: 'canned',
      templateKey: `mood.${label}`,
      fallback: false,
    });
  });

  it('puts a confident polar mood before a good retrieval match', () => {
    expect(decide(input({ sentiment: { label: 'negative', score: 0.9 } }, retrieval(1))).rule).toBe('mood.sentiment');
  });

  it('answers a confident neutral sentiment with the neutral mood when nothing better came', () => {
    expect(decide(input({ sentiment: { label: 'neutral', score: 1 } }))).toEqual({
      rule: 'mood.neutral',
      source: 'canned',
      templateKey: 'mood.neutral',
      fallback: false,
    });
  });

  it('prefers a good retrieval match over a neutral mood', () => {
    expect(decide(input({ sentiment: { label: 'neutral', score: 1 } }, retrieval(0.8, 'Hi! How are you?')))).toEqual({
      rule: 'retrieval.match',
      source: 'retrieval',
      text: 'Hi! How are you?',
      fallback: false,
    });
  });

  it('uses a retrieval match when no sentiment arrived, from MIN_RETRIEVAL_SCORE up', () => {
    expect(decide(input({}, retrieval(MIN_RETRIEVAL_SCORE))).rule).toBe('retrieval.match');
    expect(decide(input({}, retrieval(MIN_RETRIEVAL_SCORE - 0.001)))).toEqual(FALLBACK);
  });

  it('ignores a retrieval match with empty text', () => {
    expect(decide(input({}, retrieval(0.9, '')))).toEqual(FALLBACK);
    expect(decide(input({ sentiment: { label: 'neutral', score: 0.7 } }, retrieval(0.9, ''))).rule).toBe('mood.neutral');
  });

  it('ignores candidates of other generators', () => {
    expect(decide(input({}, { echo: { text: 'echo', score: 1 } }))).toEqual(FALLBACK);
  });

  it('acts on a sentiment score of exactly MIN_CONFIDENCE', () => {
    expect(MIN_CONFIDENCE).toBe(0.5);
    expect(decide(input({ sentiment: { label: 'negative', score: MIN_CONFIDENCE } })).templateKey).toBe('mood.negative');
    expect(decide(input({ sentiment: { label: 'neutral', score: MIN_CONFIDENCE } })).templateKey).toBe('mood.neutral');
  });

  it.each(['positive', 'negative', 'neutral'])('falls back on a %s sentiment below MIN_CONFIDENCE', (label) => {
    expect(decide(input({ sentiment: { label, score: 0.4999 } }))).toEqual(FALLBACK);
  });

  it('falls back when the sentiment task did not answer', () => {
    expect(decide(input({}, {}, ['nlu:sentiment']))).toEqual(FALLBACK);
  });

  it('ignores confident labels of other tasks', () => {
    expect(decide(input({ intent: { label: 'greeting', score: 0.99 } }))).toEqual(FALLBACK);
  });

  it('fires the first matching rule, in list order', () => {
    const seen: string[] = [];
    const rule = (name: string, matches: boolean) => ({
      name,
      why: 'test',
      when: () => {
        seen.push(name);
        return matches;
      },
      decide: () => ({ source: 'canned' as const, templateKey: name, fallback: false }),
    });
    const decision = decide(input({}), [rule('a', false), rule('b', true), rule('c', true)]);
    expect(decision).toEqual({ rule: 'b', source: 'canned', templateKey: 'b', fallback: false });
    expect(seen).toEqual(['a', 'b']);
  });

  it('throws when a custom rule list has no catch-all', () => {
    const noCatchAll = RULES.filter((r) => r.name !== 'fallback.no_signal');
    expect(() => decide(input({}), noCatchAll)).toThrow('the policy has no catch-all rule');
    expect(() => decide(input({}), [])).toThrow('the policy has no catch-all rule');
    // ...but a list whose rules match still works.
    expect(decide(input({ sentiment: { label: 'positive', score: 1 } }), noCatchAll).templateKey).toBe('mood.positive');
  });
});
