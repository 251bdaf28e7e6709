import type { Signals } from '@app/dialogue-state';
import { ReplyTemplates } from './reply-templates';
import { ResponsePolicy, policyFileSchema, type PolicyInput } from './response-policy';
import { SafetyScreen } from './safety-screen';

const policy = ResponsePolicy.load();
const templates = ReplyTemplates.load();
const screen = new SafetyScreen();

function input(signals: Partial<Signals>, over: Partial<PolicyInput> = {}, text = 'hello there'): PolicyInput {
  return {
    signals: { entities: [], ...signals },
    turnCount: 0,
    candidates: {},
    realize: (key) => templates.realize(key, { name: 'Sam', time: '9:41 AM', date: 'May 1', weekday: 'Friday' }, new Set(), 'seed'),
    screen: (reply) => screen.reject(reply, text),
    ...over,
  };
}
const intent = (label: string, score = 0.9) => ({ intent: { label, score } });
const candidates = { llm: { text: 'Tell me more about that!', score: 0.6 }, retrieval: { text: 'that sounds fun', score: 0.8 } };

describe('the response policy (data/policy.json)', () => {
  it.each([
    [{ toxicity: 0.93, ...intent('insult') }, 'safety.toxic_user', 'canned'],
    [intent('love_declaration'), 'canned.social', 'canned'],
    [intent('greeting'), 'canned.social', 'canned'],
    [intent('are_you_a_bot'), 'canned.social', 'canned'],
    [intent('weather'), 'canned.weather', 'canned'],
    [intent('time'), 'canned.clock', 'canned'],
    [intent('factual_question'), 'canned.google', 'canned'],
    [intent('book_flight'), 'canned.task', 'canned'],
  ] as const)('%j → %s', (signals, rule, source) => {
    const decision = policy.decide(input(signals, { candidates }));
    expect(decision).toMatchObject({ rule, source, fallback: false });
    expect(decision.text.length).toBeGreaterThan(0);
  });

  it('says the weather is boring, with the persona', () => {
    expect(templates.keys()).toContain('transactional.weather');
    const decision = policy.decide(input(intent('weather')));
    expect(decision.text).toMatch(/weather|window/i);
  });

  it('fills the clock slots', () => {
    expect(policy.decide(input(intent('time'))).text).toMatch(/9:41 AM|Friday|May 1/);
  });

  it('uses the personal variant of a social line when the name is known', () => {
    expect(policy.decide(input(intent('love_declaration'))).text).toContain('Sam');
    const anonymous = input(intent('love_declaration'), {
      realize: (key) => templates.realize(key, {}, new Set(), 'seed'),
    });
    expect(policy.decide(anonymous).text).not.toContain('{name}');
  });

  it('goes generative for small talk, a long context or low confidence, else retrieval', () => {
    for (const signals of [intent('small_talk'), intent('book_flight', 0.2), {}]) {
      expect(policy.decide(input(signals, { candidates }))).toMatchObject({
        rule: 'generative.context',
        source: 'generative',
        generator: 'llm',
      });
    }
    expect(policy.decide(input(intent('book_flight'), { candidates, turnCount: 5 }))).toMatchObject({ rule: 'canned.task' });
    expect(policy.decide(input(intent('small_talk'), { candidates: { retrieval: candidates.retrieval } }))).toMatchObject({
      rule: 'generative.context',
      source: 'retrieval',
    });
  });

  it('skips a candidate below its threshold or rejected by the safety screen, and says why', () => {
    const unsafe = { llm: { text: 'Oh shit, that is hilarious', score: 0.6 }, retrieval: { text: 'ok', score: 0.1 } };
    const decision = policy.decide(input(intent('small_talk'), { candidates: unsafe }));
    expect(decision.rejected).toEqual({ llm: 'profanity' });
    expect(decision.source).not.toBe('generative');
    const echo = policy.decide(input(intent('small_talk'), { candidates: { llm: { text: 'Hello there!', score: 0.6 } } }, 'hello there'));
    expect(echo.rejected).toEqual({ llm: 'echo' });
  });

  it('mirrors a confident mood when no candidate is usable', () => {
    expect(policy.decide(input({ ...intent('small_talk'), sentiment: { label: 'negative', score: 0.9 } }))).toMatchObject({
      rule: 'canned.mood',
      source: 'canned',
    });
  });

  it('falls back with the context when nothing arrived, and always answers', () => {
    const withMention = input({}, { realize: (key) => templates.realize(key, { mention: 'pizza' }, new Set(), 's') });
    const decision = policy.decide(withMention);
    expect(decision).toMatchObject({ rule: 'fallback.context', source: 'fallback', fallback: true });
    expect(decision.text).toContain('pizza');
    expect(policy.decide(input({}, { realize: (key) => templates.realize(key, {}, new Set(), 's') }))).toMatchObject({
      rule: 'fallback.context',
      source: 'fallback',
    });
  });

  it('treats a task intent outside every named group through the "*" group, and oos as low confidence', () => {
    expect(policy.decide(input(intent('pay_bill')))).toMatchObject({ rule: 'canned.task' });
    expect(policy.decide(input(intent('oos', 0.99), { candidates }))).toMatchObject({ rule: 'generative.context' });
  });

  it('refuses a policy whose last rule is not an unconditional fallback, or that names an unknown group', () => {
    const file = policyFileSchema.parse(JSON.parse(JSON.stringify(policy.file)));
    expect(() => new ResponsePolicy({ ...file, rules: file.rules.slice(0, -1) })).toThrow(/last rule/);
    const badGroup = { ...file, rules: [{ ...file.rules[0], when: { intentIn: 'nope' } }, ...file.rules.slice(1)] };
    expect(() => new ResponsePolicy(badGroup)).toThrow(/no intent group nope/);
  });
});
