import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Signals } from '@app/dialogue-state';
import { ReplyTemplates } from './reply-templates';
import { ResponsePolicy, policyFileSchema, type PolicyInput } from './response-policy';
import { SafetyScreen } from './safety-screen';

const policy = ResponsePolicy.load();
const templates = ReplyTemplates.load();
const screen = new SafetyScreen();
const replies = JSON.parse(readFileSync(join(__dirname, '..', '..', 'data', 'replies.json'), 'utf8')) as Record<string, string[]>;

function input(signals: Partial<Signals>, over: Partial<PolicyInput> = {}, text = 'hello there'): PolicyInput {
  return {
    text,
    signals: { entities: [], ...signals },
    turnCount: 0,
    asksBot: false,
    namesSelf: false,
    rewriteAttempt: false,
    abuseCue: true,
    insultCue: false,
    addressesBot: true,
    previousRule: '',
    candidates: {},
    realize: (key) => templates.realize(key, { name: 'Sam', time: '9:41 AM', date: 'May 1', weekday: 'Friday' }, new Set(), 'seed'),
    screen: (reply) => screen.reject(reply, text),
    ...over,
  };
}
const intent = (label: string, score = 0.9) => ({ intent: { label, score } });
/** A task intent asked for: a command. */
const request = (label: string) => ({ ...intent(label), dialogAct: { label: 'command', score: 0.9 } });
const candidates = {
  llm: { text: 'Tell me more about that!', score: 0.6 },
  retrieval: { text: 'that sounds fun', score: 0.8, origin: 'corpus' },
};

describe('the response policy (data/policy.json)', () => {
  it.each([
    [{ toxicity: 0.99, ...intent('insult'), sentiment: { label: 'negative', score: 0.9 } }, 'safety.toxic_user', 'canned'],
    [intent('love_declaration'), 'canned.social', 'canned'],
    [intent('greeting'), 'canned.social', 'canned'],
    [intent('are_you_a_bot'), 'canned.social', 'canned'],
    [intent('weather'), 'canned.weather', 'canned'],
    [intent('time'), 'canned.clock', 'canned'],
    [intent('factual_question'), 'canned.google', 'canned'],
    [{ ...intent('book_flight'), dialogAct: { label: 'command', score: 0.9 } }, 'canned.task', 'canned'],
  ] as const)('%j → %s', (signals, rule, source) => {
    const decision = policy.decide(input(signals, { candidates }, 'hello there, love you'));
    expect(decision).toMatchObject({ rule, source, fallback: false });
    expect(decision.text.length).toBeGreaterThan(0);
  });

  it('answers a happy message in the finer feeling where there is a line for it, else in its Ekman emotion', () => {
    const happy = (feeling: string) => ({
      ...intent('small_talk'),
      emotion: { label: feeling, score: 0.8 },
      ekman: { label: 'joy', score: 0.9 },
      sentiment: { label: 'positive', score: 0.9 },
      dialogAct: { label: 'statement', score: 0.9 },
    });
    const amused = policy.decide(input(happy('amusement'), {}, 'got on the wrong bus and ended up at the airport lol'));
    expect(amused.rule).toBe('canned.feeling_positive');
    expect(replies['feel.amusement']).toContain(amused.text);
    const optimistic = policy.decide(input(happy('optimism'), {}, 'tomorrow will be better'));
    expect(replies['feel.joy']).toContain(optimistic.text);
  });

  it('waves off a laughed-at admission, and answers no question with a feeling line', () => {
    const laughing = {
      ...intent('small_talk'),
      emotion: { label: 'amusement', score: 0.9 },
      ekman: { label: 'joy', score: 0.9 },
      sentiment: { label: 'positive', score: 0.9 },
      dialogAct: { label: 'statement', score: 0.9 },
    };
    const german = policy.decide(input(laughing, {}, 'i dont speak any german lol'));
    expect(german.rule).toBe('canned.shrug');
    expect(replies['feel.shrug']).toContain(german.text);
    expect(policy.decide(input(laughing, {}, 'ok unfollowed. and muted his mom too lol')).rule).toBe('canned.feeling_positive');
    expect(policy.decide(input(laughing, {}, 'she ate all of them. I think this is love?')).rule).not.toMatch(
      /canned\.(?:feeling_positive|shrug)/,
    );
  });

  it('says a warm goodbye to thanks with a goodnight in other words', () => {
    const tired = {
      ...intent('small_talk', 0.4),
      emotion: { label: 'gratitude', score: 0.9 },
      ekman: { label: 'joy', score: 0.9 },
      sentiment: { label: 'positive', score: 0.9 },
    };
    expect(policy.decide(input(tired, {}, 'thanks. i think i just need to sleep')).rule).toBe('canned.thanks_bye');
    expect(policy.decide(input(tired, {}, 'thanks, i needed that')).rule).not.toBe('canned.thanks_bye');
  });

  it('says the weather is boring, with the persona', () => {
    expect(templates.keys()).toContain('transactional.weather');
    const decision = policy.decide(input(intent('weather')));
    expect(decision.text).toMatch(/weather|window/i);
  });

  it('fills the clock slots: the time when asked the time, the date when asked the date', () => {
    expect(policy.decide(input(intent('time'))).text).toMatch(/9:41 AM/);
    expect(policy.decide(input(intent('date'))).text).toMatch(/May 1/);
  });

  it('serves a line for either of two tones from 0.6, late: after a detail said back, before a mood line, never to a question', () => {
    const pair = (score: number) => ({ retrieval: { text: "Okay, I'm cackling, but I'd be fuming too.", score, origin: 'pair' } });
    const sure = { sentiment: { label: 'negative', score: 0.9 } };
    const olive = 'He swears he forgot. 14 years married and he picks THAT Olive Garden';
    expect(policy.decide(input({ ...intent('small_talk'), ...sure }, { text: olive, candidates: pair(0.75) })).rule).toBe(
      'generative.tone_pair',
    );
    expect(policy.decide(input({ ...intent('small_talk'), ...sure }, { text: olive, candidates: pair(0.55) })).rule).toBe('canned.mood');
    expect(policy.decide(input(intent('small_talk'), { text: 'he picks THAT one, why?', candidates: pair(0.75) })).rule).not.toBe(
      'generative.tone_pair',
    );
  });

  it('uses the personal variant of a social line when the name is known', () => {
    expect(policy.decide(input(intent('love_declaration'), {}, 'love you')).text).toContain('Sam');
    const anonymous = input(
      intent('love_declaration'),
      {
        realize: (key) => templates.realize(key, {}, new Set(), 'seed'),
      },
      'love you',
    );
    expect(policy.decide(anonymous).text).not.toContain('{name}');
  });

  it('serves a house reaction at 0.6, one at 0.57 only in place of a mood or generic line, a corpus reply only at 0.75', () => {
    const house = (score: number) => ({
      retrieval: { text: 'Welcome to the sore club! That was your muscles growing.', score, origin: 'house' },
    });
    expect(policy.decide(input(intent('small_talk'), { candidates: house(0.65) }))).toMatchObject({
      rule: 'generative.house',
      source: 'retrieval',
    });
    const sure = { sentiment: { label: 'negative', score: 0.9 } };
    expect(policy.decide(input({ ...intent('small_talk'), ...sure }, { candidates: house(0.58) })).rule).toBe('generative.house_floor');
    expect(policy.decide(input({ ...intent('small_talk'), ...sure }, { candidates: house(0.5) })).rule).toBe('canned.mood');
    expect(policy.decide(input(intent('small_talk'), { candidates: house(0.58) })).rule).toBe('generative.house_floor');
    expect(policy.decide(input(intent('small_talk'), { candidates: house(0.55) })).rule).not.toMatch(/^generative/);
    // A close house reaction comes before a topic line, never on a heavy topic.
    expect(policy.decide(input(intent('small_talk'), { topic: 'work', candidates: house(0.75) })).rule).toBe('generative.house_first');
    expect(policy.decide(input(intent('small_talk'), { topic: 'work', candidates: house(0.65) })).rule).toBe('canned.topic');
    expect(policy.decide(input(intent('small_talk'), { topic: 'grief', candidates: house(0.9) })).rule).toBe('canned.topic');
    const corpus = { retrieval: { text: 'haha same, my legs hurt too', score: 0.6, origin: 'corpus' } };
    expect(policy.decide(input(intent('small_talk'), { candidates: corpus })).rule).not.toMatch(/^generative/);
  });

  it('serves a tone line from 0.5 (the tone model sure enough) before the mood and generic lines, and never as a corpus reply', () => {
    const tone = (score: number) => ({ retrieval: { text: 'Ugh, the audacity.', score, origin: 'tone' } });
    const negative = { ...intent('small_talk'), sentiment: { label: 'negative', score: 0.9 } };
    expect(policy.decide(input(negative, { candidates: tone(0.55) }))).toMatchObject({
      rule: 'generative.tone',
      text: 'Ugh, the audacity.',
    });
    expect(policy.decide(input(negative, { candidates: tone(0.45) })).rule).toBe('canned.mood');
    expect(policy.decide(input({ dialogAct: { label: 'statement', score: 0.9 } }, { candidates: tone(0.2), turnCount: 1 })).rule).toBe(
      'canned.engage',
    );
    // Not to a question, nor to the turn after an injection attempt.
    for (const question of ['are they loud?', 'ive never had one. are they loud', 'i love hiking'])
      expect(policy.decide(input(negative, { candidates: tone(0.55) }, question)).rule).not.toBe('generative.tone');
    expect(policy.decide(input(negative, { candidates: tone(0.55), previousRule: 'safety.injection' })).rule).not.toBe('generative.tone');
    // Nor to a question without its question mark, or a request.
    for (const ask of [
      'whats the green light supposed to mean again',
      'is pink a personality or do i need bleach',
      'ok can you write me a regex, my brain is fried',
      'is a beanie allowed in school photos?? asking for a desperate mother',
    ])
      expect(policy.decide(input(negative, { candidates: tone(0.55) }, ask)).rule).not.toBe('generative.tone');
    // A tone line scored high is still not a reply from the corpus.
    expect(policy.decide(input(intent('small_talk'), { candidates: tone(0.7) })).rule).toBe('generative.tone');
  });

  it('serves a sure tone line (0.8) before a topic line, except on a heavy topic or a question', () => {
    const tone = (score: number) => ({ retrieval: { text: 'Nerves just mean it matters.', score, origin: 'tone' } });
    const knee = 'Knee replacement at 7am tomorrow. Nothing to eat after midnight.';
    expect(policy.decide(input(intent('small_talk'), { topic: 'food', candidates: tone(0.85) }, knee)).rule).toBe('generative.tone_sure');
    expect(policy.decide(input(intent('small_talk'), { topic: 'food', candidates: tone(0.65) }, knee)).rule).toBe('canned.topic');
    expect(policy.decide(input(intent('small_talk'), { topic: 'grief', candidates: tone(0.95) })).rule).toBe('canned.topic');
    // An everyday topic word is the setting: a tone read at 0.7 answers before its line; a heavier topic keeps its line below 0.8.
    expect(policy.decide(input(intent('small_talk'), { topic: 'school', candidates: tone(0.75) })).rule).toBe('generative.tone_setting');
    expect(policy.decide(input(intent('small_talk'), { topic: 'birthday', candidates: tone(0.75) })).rule).toBe('canned.topic');
    expect(policy.decide(input(intent('small_talk'), { topic: 'food', candidates: tone(0.95) }, 'what should i eat')).rule).not.toBe(
      'generative.tone_sure',
    );
  });

  it("carries a story's reaction on from 0.7, but not into a message that says it ended well, nor after abuse", () => {
    const story = { retrieval: { text: 'Of course it did.', score: 0.75, origin: 'story' } };
    const statement = { dialogAct: { label: 'statement', score: 0.9 } };
    expect(policy.decide(input(statement, { candidates: story }, 'and then the bus left without me')).rule).toBe('generative.story');
    expect(
      policy.decide(input(statement, { candidates: { retrieval: { ...story.retrieval, score: 0.65 } } }, 'and then the bus left')).rule,
    ).not.toBe('generative.story');
    // A message that turns the story ("but", "tho") is the generator's to read on its own (test/integration/retrieval.int-spec.ts).
    for (const turn of ["a pilot waved at me through the fence i'm so happy", 'he seems totally fine and is begging for treats lol'])
      expect(policy.decide(input(statement, { candidates: story }, turn)).rule).not.toBe('generative.story');
    const afterAbuse = input(statement, { candidates: story, previousRule: 'safety.toxic_user' }, 'ok sorry. my landlord gave me 30 days');
    expect(policy.decide(afterAbuse).rule).not.toBe('generative.story');
  });

  it('serves retrieval for small talk, a long context or low confidence, and never the LLM', () => {
    for (const signals of [intent('small_talk'), intent('book_flight', 0.2), {}]) {
      expect(policy.decide(input(signals, { candidates }))).toMatchObject({
        rule: 'generative.context',
        source: 'retrieval',
        generator: 'retrieval',
      });
    }
    expect(policy.decide(input(request('book_flight'), { candidates, turnCount: 5 }))).toMatchObject({ rule: 'canned.task' });
    const llmOnly = policy.decide(input(intent('small_talk'), { candidates: { llm: candidates.llm } }));
    expect(llmOnly.source).not.toBe('generative');
  });

  it('skips a candidate below its threshold or rejected by the safety screen, and says why', () => {
    const unsafe = { retrieval: { text: 'Oh shit, that is hilarious', score: 0.9, origin: 'corpus' } };
    const decision = policy.decide(input(intent('small_talk'), { candidates: unsafe }));
    expect(decision.rejected).toEqual({ retrieval: 'profanity' });
    expect(decision.source).not.toBe('retrieval');
    const low = policy.decide(
      input(intent('small_talk'), { candidates: { retrieval: { text: 'that sounds fun', score: 0.5, origin: 'corpus' } } }),
    );
    expect(low.source).not.toBe('retrieval');
    const echo = policy.decide(
      input(intent('small_talk'), { candidates: { retrieval: { text: 'Hello there!', score: 0.9, origin: 'corpus' } } }, 'hello there'),
    );
    expect(echo.rejected).toEqual({ retrieval: 'echo' });
  });

  it('believes a toxicity score only with an abuse cue in the message', () => {
    expect(policy.decide(input({ toxicity: 0.99, ...intent('small_talk') }, { abuseCue: false })).rule).not.toBe('safety.toxic_user');
  });

  it('does not call a confident compliment, thanks or goodbye toxic, whatever its words', () => {
    expect(policy.decide(input({ toxicity: 0.99, ...intent('compliment') }))).toMatchObject({ rule: 'canned.social' });
    expect(policy.decide(input({ toxicity: 0.99, ...intent('goodbye') }))).toMatchObject({ rule: 'canned.social' });
    const abusive = { insultCue: true };
    expect(policy.decide(input({ toxicity: 0.99, ...intent('compliment', 0.6) }, abusive))).toMatchObject({ rule: 'safety.toxic_user' });
    expect(policy.decide(input({ toxicity: 0.99, ...intent('small_talk') }, abusive))).toMatchObject({ rule: 'safety.toxic_user' });
    // Spoken to the bot with no abusive word or swear, it must also read as negative ("Betrayed by a chatbot. Unbelievable 😤" is teasing).
    expect(policy.decide(input({ toxicity: 0.99, ...intent('small_talk') })).rule).not.toBe('safety.toxic_user');
    const negative = { toxicity: 0.99, ...intent('small_talk'), sentiment: { label: 'negative', score: 0.8 } };
    expect(policy.decide(input(negative))).toMatchObject({ rule: 'safety.toxic_user' });
    // Positive, speaking to the bot, no insult or swear ("it suits you honestly"): not abuse; with one, it is.
    const positive = { toxicity: 0.99, ...intent('small_talk'), sentiment: { label: 'positive', score: 0.8 } };
    expect(policy.decide(input(positive)).rule).not.toBe('safety.toxic_user');
    expect(policy.decide(input(positive, { insultCue: true })).rule).toBe('safety.toxic_user');
    expect(
      policy.decide(input({ toxicity: 0.99, ...intent('small_talk') }, { topic: 'play' }, 'give me a would you rather')).rule,
    ).not.toBe('safety.toxic_user');
    // An apology is not abuse, unless it insults as well.
    const apology = "sorry. bad day. landlord's putting the rent up and i took it out on you";
    expect(policy.decide(input(negative, {}, apology)).rule).not.toBe('safety.toxic_user');
    expect(policy.decide(input(negative, { insultCue: true }, "sorry but you're useless")).rule).toBe('safety.toxic_user');
  });

  it("takes a statement in a task's words as small talk, and a request (a command or a question) as a task", () => {
    const statement = { ...intent('meeting_schedule'), dialogAct: { label: 'statement', score: 0.9 } };
    expect(policy.decide(input(statement, { topic: 'work' }))).toMatchObject({ rule: 'canned.topic' });
    expect(policy.decide(input(statement)).rule).not.toBe('canned.task');
    expect(policy.decide(input(request('meeting_schedule'), { topic: 'work' }))).toMatchObject({ rule: 'canned.task' });
    const question = { ...intent('balance'), dialogAct: { label: 'question', score: 0.9 } };
    expect(policy.decide(input(question))).toMatchObject({ rule: 'canned.task' });
    // A plan of the user's own, in a task's words, is news.
    const plan = 'gonna ask her to formal tomorrow. in person. not over text';
    expect(policy.decide(input({ ...intent('text', 0.72), dialogAct: { label: 'command', score: 0.9 } }, {}, plan)).rule).not.toBe(
      'canned.task',
    );
  });

  it('says no again to the haggle after a rewrite attempt, and only to the haggle', () => {
    const after = (text: string) => policy.decide(input(intent('small_talk'), { previousRule: 'safety.injection' }, text)).rule;
    expect(after('fine. just the first verse then')).toBe('safety.injection_again');
    expect(after('arr come on matey its harmless')).toBe('safety.injection_again');
    expect(after('ok fine. my day was rubbish actually')).not.toBe('safety.injection_again');
  });

  it('owns up to not knowing a fact about the world, but not to a question the user answers themselves', () => {
    const asked = (text: string) =>
      policy.decide(input({ ...intent('small_talk'), dialogAct: { label: 'question', score: 0.9 } }, {}, text)).rule;
    expect(asked('why is the sea salty?')).toBe('canned.dont_know');
    expect(asked('why finnish? lost a bet with my brother in 2023. long story involving a go kart')).not.toBe('canned.dont_know');
  });

  it('declines a rewrite attempt with its own line, and greets a user who gives their name by it', () => {
    expect(policy.decide(input(intent('small_talk'), { rewriteAttempt: true, candidates }))).toMatchObject({ rule: 'safety.injection' });
    const intro = policy.decide(input(intent('love_declaration', 0.5), { namesSelf: true }));
    expect(intro).toMatchObject({ rule: 'canned.intro' });
    expect(intro.text).toContain('Sam');
    // News after the name is answered as news (the composer greets the name before it).
    const named = (text: string) => policy.decide(input(intent('small_talk'), { namesSelf: true }, text)).rule;
    expect(named('hey its sam. i got the flat!!')).not.toBe('canned.intro');
    expect(named('hi! im sam')).toBe('canned.intro');
    expect(named('im Sam. nice to meet you')).toBe('canned.intro');
    expect(named("hey i'm Sofia, with an f")).toBe('canned.intro');
    expect(named("i'm Zainab! first time talking to you")).toBe('canned.intro');
    expect(named('hey its jonas. paid off my car today!!')).not.toBe('canned.intro');
  });

  it('takes a compliment, insult or love declaration as meant for the bot only when the message speaks to someone', () => {
    for (const label of ['love_declaration', 'compliment', 'insult']) {
      expect(policy.decide(input(intent(label, 0.8), { addressesBot: false }, 'love this')).rule).not.toBe('canned.social');
      expect(policy.decide(input(intent(label, 0.8), { addressesBot: true }, 'love you')).rule).toBe('canned.social');
    }
    expect(policy.decide(input(intent('greeting', 0.8), { addressesBot: false })).rule).toBe('canned.social');
  });

  it('answers a social intent only when it is at least 0.5 sure', () => {
    expect(policy.decide(input(intent('love_declaration', 0.55), {}, 'i love you'))).toMatchObject({ rule: 'canned.social' });
    expect(policy.decide(input(intent('love_declaration', 0.35), {}, 'i love you')).rule).not.toBe('canned.social');
  });

  it('takes a love declaration only with a word of love in it', () => {
    // "so every chat is like a first date for you" and "i haven't really told anyone, you're the first" read as love at 0.55-0.61.
    expect(policy.decide(input(intent('love_declaration', 0.6), {}, "i haven't really told anyone, you're the first")).rule).not.toBe(
      'canned.social',
    );
    expect(policy.decide(input(intent('love_declaration', 0.6), {}, 'ily sassy ❤')).rule).toBe('canned.social');
    expect(policy.decide(input(intent('love_declaration', 0.6), {}, 'i missed you')).rule).toBe('canned.social');
    expect(policy.decide(input(intent('love_declaration', 0.6), {}, 'will u be my valentine this year? 🌹')).rule).toBe('canned.social');
  });

  it('takes "thank god" as relief, not thanks', () => {
    const act = { ...intent('small_talk', 0.3), dialogAct: { label: 'thanks', score: 0.8 } };
    expect(policy.decide(input(act, {}, 'thanks for listening')).rule).toBe('canned.thanks');
    expect(policy.decide(input(act, {}, 'it still works thank god')).rule).not.toBe('canned.thanks');
    expect(policy.decide(input(intent('goodbye', 0.8), {}, 'thanks for listening. goodnight')).rule).toBe('canned.thanks_bye');
    expect(policy.decide(input(intent('goodbye', 0.8), {}, 'ok goodnight')).rule).toBe('canned.social');
  });

  it('answers warmth about the bot with warmth, not with a story prompt', () => {
    const positive = { ...intent('small_talk'), sentiment: { label: 'positive', score: 0.9 } };
    expect(policy.decide(input(positive, {}, 'talking to you always makes me feel better')).rule).toBe('canned.fond');
    expect(policy.decide(input(positive, {}, 'ok you actually made me laugh out loud on the bus')).rule).toBe('canned.fond');
    expect(policy.decide(input(positive, {}, 'the concert was amazing, you know')).rule).not.toBe('canned.fond');
    expect(policy.decide(input(positive, {}, "mr hadley said 'bless you' into the microphone")).rule).not.toBe('canned.fond');
    expect(policy.decide(input(positive, { previousRule: 'safety.injection' }, 'ok ok you win, you are the best')).rule).not.toBe(
      'canned.fond',
    );
    expect(policy.decide(input(positive, {}, 'do you like talking to me?')).rule).not.toBe('canned.fond');
  });

  it("answers a topic with its line for the user's sentiment, then its plain lines", () => {
    const negative = policy.decide(input({ ...intent('small_talk'), sentiment: { label: 'negative', score: 0.9 } }, { topic: 'work' }));
    expect(negative).toMatchObject({ rule: 'canned.topic', lineId: expect.stringMatching(/^topic\.work\.negative#/) });
    const neutral = policy.decide(input({ ...intent('small_talk'), sentiment: { label: 'neutral', score: 0.9 } }, { topic: 'work' }));
    expect(neutral.lineId).toMatch(/^topic\.work#/);
  });

  it('answers a request for advice in kind, even after a heavy topic', () => {
    expect(policy.decide(input(intent('insult', 0.8), { topic: 'advice', afterTopic: 'breakup' }))).toMatchObject({
      rule: 'canned.advice',
      lineId: expect.stringMatching(/^topic\.advice#/),
    });
    expect(policy.decide(input(intent('recipe'), { topic: 'food_advice' })).rule).toBe('canned.advice');
  });

  it('stays gentle after a heavy topic, unless the user asks about the bot', () => {
    expect(policy.decide(input(intent('small_talk'), { afterTopic: 'grief', topic: 'food' }))).toMatchObject({
      rule: 'canned.after_topic',
      lineId: expect.stringMatching(/^after\.grief#/),
    });
    expect(policy.decide(input(intent('small_talk'), { afterTopic: 'grief', asksBot: true, candidates: persona }))).toMatchObject({
      rule: 'generative.about_bot',
    });
  });

  it("answers someone close moving away from the farewell lines, not a sure 'excited' tone", () => {
    const sure = { retrieval: { text: 'That sounds great. I want a full report after.', score: 0.85, origin: 'tone' } };
    expect(policy.decide(input(intent('small_talk'), { topic: 'farewell', candidates: sure })).rule).toBe('canned.topic');
    expect(policy.decide(input(intent('small_talk'), { topic: 'weekend', candidates: sure })).rule).toBe('generative.tone_sure');
  });

  it('says a warm goodbye after a heavy topic, and keeps the thanks line for thanks', () => {
    expect(policy.decide(input(intent('small_talk'), { afterTopic: 'grief', topic: 'leaving' }, 'bye x')).rule).toBe('canned.bye_gentle');
    expect(policy.decide(input(intent('goodbye', 0.9), { afterTopic: 'illness' }, 'gotta go')).rule).toBe('canned.bye_gentle');
    expect(policy.decide(input(intent('goodbye', 0.9), { afterTopic: 'illness' }, 'thanks for listening. bye')).rule).toBe(
      'canned.thanks_bye',
    );
    expect(policy.decide(input(intent('goodbye', 0.9), {}, 'bye')).rule).toBe('canned.social');
  });

  // The persona's own line from retrieval (origin house); a corpus line is a stranger's life ("class and then volleyball class").
  const persona = { retrieval: { text: "I have you, don't I?", score: 0.8, origin: 'house' } };

  it("answers a question about the bot from retrieval's persona lines, never the corpus, else with a playful dodge", () => {
    expect(policy.decide(input(intent('small_talk'), { asksBot: true, candidates: persona }))).toMatchObject({
      rule: 'generative.about_bot',
      generator: 'retrieval',
    });
    expect(policy.decide(input(intent('small_talk'), { asksBot: true, candidates }))).toMatchObject({ rule: 'canned.about_bot' });
    expect(policy.decide(input(intent('small_talk'), { asksBot: true }))).toMatchObject({ rule: 'canned.about_bot' });
  });

  it('answers a question about the bot on a subject it has a line for before reading the intent', () => {
    expect(policy.decide(input(intent('are_you_a_bot'), { asksBot: true, topic: 'bot_identity' }))).toMatchObject({
      rule: 'canned.bot_topic',
      lineId: expect.stringMatching(/^bot\.bot_identity#/),
    });
    expect(policy.decide(input(intent('small_talk'), { asksBot: true, topic: 'weekend' }))).toMatchObject({ rule: 'canned.bot_topic' });
  });

  it('asks how an opening story feels instead of asking for the story, and gently how they are after a low moment', () => {
    const story = { ...intent('small_talk'), dialogAct: { label: 'statement', score: 0.9 } };
    const decide = (over: Partial<PolicyInput>, text = 'lambing season. been up since 3') =>
      policy.decide(input(story, { addressesBot: false, ...over }, text)).rule;
    expect(decide({})).toBe('canned.engage_first');
    expect(decide({}, 'why is the sea salty?')).not.toBe('canned.engage_first');
    expect(decide({}, "rainy sunday, kids bouncing off the walls. give me ideas that don't involve screens")).not.toBe(
      'canned.engage_first',
    );
    expect(decide({}, "it was there 4 seconds and i didn't get a photo but i SAW it")).not.toBe('canned.engage_low');
    expect(decide({ turnCount: 1 })).toBe('canned.engage');
    expect(decide({ addressesBot: true }, "you're basically a magic 8 ball with extra steps")).not.toBe('canned.engage_first');
    // A low moment gets a gentle question at any turn.
    expect(decide({}, "didn't get into the masters. second year in a row")).toBe('canned.engage_low');
    expect(decide({ turnCount: 2 }, 'the house is very quiet since harold moved into the care home')).toBe('canned.engage_low');
  });

  it("names the story's subject before the generic line, but not to a question, an ask, or where sadness or nerves were heard lately", () => {
    const story = { ...intent('small_talk'), dialogAct: { label: 'statement', score: 0.9 } };
    const withSubject = (over: Partial<PolicyInput> = {}, text = 'the printer on floor 3 has a sticky note on it') =>
      policy.decide(
        input(
          story,
          {
            addressesBot: false,
            turnCount: 1,
            realize: (key) => templates.realize(key, { subject: 'printer' }, new Set(), 'seed'),
            ...over,
          },
          text,
        ),
      );
    expect(withSubject()).toMatchObject({ rule: 'canned.subject', text: expect.stringContaining('printer') });
    expect(withSubject({ recentFeelings: ['nervousness', 'neutral', 'neutral'] }).rule).toBe('canned.subject');
    expect(withSubject({ recentFeelings: ['neutral', 'nervousness'] }).rule).toBe('canned.engage');
    expect(withSubject({ signals: { ...story, entities: [], emotion: { label: 'grief', score: 0.3 } } }).rule).toBe('canned.engage');
    expect(withSubject({}, 'give me a movie for tonight. nothing sad').rule).toBe('canned.engage');
    expect(withSubject({}, 'what do you think of the printer').rule).toBe('canned.engage');
  });

  it('takes "you can answer in english" after the language line as a yes to English, not a task', () => {
    const task = { ...intent('translate'), dialogAct: { label: 'command', score: 0.9 } };
    const after = (text: string) => policy.decide(input(task, { previousRule: 'canned.language' }, text));
    expect(after('you can answer in english is ok, i practise')).toMatchObject({ rule: 'canned.language_english' });
    expect(after('translate this to french please').rule).not.toBe('canned.language_english');
  });

  it('stands by its answer about itself when pushed for the truth, and only then', () => {
    const small = { ...intent('small_talk'), dialogAct: { label: 'statement', score: 0.9 } };
    const after = (text: string, previousRule = 'canned.bot_topic') => policy.decide(input(small, { previousRule }, text));
    expect(after('be honest. you can tell me')).toMatchObject({ rule: 'canned.bot_insist' });
    expect(after('for real?')).toMatchObject({ rule: 'canned.bot_insist' });
    expect(after('be honest. you can tell me', 'canned.topic').rule).not.toBe('canned.bot_insist');
    // The dodge answered nothing: there is no answer to stand by.
    expect(after('be honest', 'canned.about_bot').rule).not.toBe('canned.bot_insist');
    expect(after('really long day today, my boss yelled at me').rule).not.toBe('canned.bot_insist');
  });

  it('keeps a going line for what the message does, and takes a "question" without a question\'s form as a statement', () => {
    const asked = (text: string) =>
      policy.decide(input({ ...intent('small_talk'), dialogAct: { label: 'question', score: 0.9 } }, {}, text)).lineId;
    expect(asked('should i do bohemian rhapsody?')).toMatch(/^engage\.question#/);
    expect(asked('already rewatched shrek twice')).toMatch(/^engage\.statement#/);
    // The dialog-act model's "thanks" alone is not believed ("i think the back panel is upside down"); worded as thanks, it is.
    const act = { ...intent('small_talk'), dialogAct: { label: 'thanks', score: 0.9 } };
    expect(policy.decide(input(act))).toMatchObject({ rule: 'canned.engage', lineId: expect.stringMatching(/^mood\.neutral#/) });
    expect(policy.decide(input(act, {}, 'thanks for listening yesterday btw'))).toMatchObject({
      rule: 'canned.thanks',
      lineId: expect.stringMatching(/^intent\.thank_you#/),
    });
  });

  it('answers a google-able question, not a statement whose verb a question could start with', () => {
    const unsure = intent('factual_question', 0.5);
    expect(policy.decide(input(unsure, {}, 'ok so what is the tallest mountain')).rule).toBe('canned.google');
    expect(policy.decide(input(unsure, {}, 'is it true that cats purr to heal')).rule).toBe('canned.google');
    expect(policy.decide(input(unsure, {}, 'he was 14, a collie called Biscuit')).rule).not.toBe('canned.google');
    expect(policy.decide(input(unsure, {}, 'settle a bet: is sydney the capital')).rule).toBe('canned.google');
    expect(policy.decide(input(unsure, {}, "one sleeve is longer than the other but we don't talk about that")).rule).not.toBe(
      'canned.google',
    );
  });

  it('acknowledges a clear emotion when no topic was spotted, and ignores an unsure one', () => {
    const sad = policy.decide(input({ ...intent('small_talk'), ekman: { label: 'sadness', score: 0.8 } }, { candidates }));
    expect(sad).toMatchObject({ rule: 'canned.feeling', lineId: expect.stringMatching(/^feel\.sadness#/) });
    const unsure = policy.decide(input({ ...intent('small_talk'), ekman: { label: 'sadness', score: 0.3 } }, { candidates }));
    expect(unsure.rule).toBe('generative.context');
  });

  it('answers a message surely in another language with a kind line; an unsure one, or one with English words, as usual', () => {
    const spanish = { ...intent('greeting'), language: { label: 'es', score: 0.95 } };
    expect(policy.decide(input(spanish, {}, 'hola, cómo estás'))).toMatchObject({ rule: 'canned.language' });
    // Asking to write in another language, in English, is not a change of the bot's settings.
    expect(policy.decide(input(intent('change_language', 0.9), {}, 'hola! is ok if I write in spanish?'))).toMatchObject({
      rule: 'canned.language',
    });
    expect(policy.decide(input({ ...spanish, language: { label: 'es', score: 0.4 } }, {}, 'hola, cómo estás'))).toMatchObject({
      rule: 'canned.social',
    });
    expect(policy.decide(input(spanish, { previousRule: 'canned.language' }, 'hola, cómo estás'))).toMatchObject({
      rule: 'canned.language_again',
    });
    expect(policy.decide(input({ ...spanish, language: { label: 'de', score: 0.97 } }, {}, 'hi im Priya'))).toMatchObject({
      rule: 'canned.social',
    });
  });

  it('mirrors a confident mood when no candidate is usable', () => {
    expect(policy.decide(input({ ...intent('small_talk'), sentiment: { label: 'negative', score: 0.9 } }))).toMatchObject({
      rule: 'canned.mood',
      source: 'canned',
    });
  });

  it('falls back with the context when nothing arrived, and always answers', () => {
    const withPerson = input({}, { realize: (key) => templates.realize(key, { person: 'Anna' }, new Set(), 's') });
    const decision = policy.decide(withPerson);
    expect(decision).toMatchObject({ rule: 'fallback.context', source: 'fallback', fallback: true });
    expect(decision.text).toContain('Anna');
    expect(policy.decide(input({}, { realize: (key) => templates.realize(key, {}, new Set(), 's') }))).toMatchObject({
      rule: 'fallback.context',
      source: 'fallback',
    });
  });

  it('treats a task intent outside every named group through the "*" group, and oos as low confidence', () => {
    expect(policy.decide(input(request('pay_bill')))).toMatchObject({ rule: 'canned.task' });
    expect(policy.decide(input(intent('oos', 0.99), { candidates }))).toMatchObject({ rule: 'generative.context' });
  });

  it('refuses a policy whose last rule is not an unconditional fallback, or that names an unknown group or condition', () => {
    const file = policyFileSchema.parse(JSON.parse(JSON.stringify(policy.file)));
    expect(() => new ResponsePolicy({ ...file, rules: file.rules.slice(0, -1) })).toThrow(/last rule/);
    const when = (condition: object) => ({ ...file, rules: [{ ...file.rules[0], when: condition }, ...file.rules.slice(1)] });
    expect(() => new ResponsePolicy(when({ intentIn: 'nope' }))).toThrow(/no intent group nope/);
    expect(() => new ResponsePolicy(when({ is: 'nope' }))).toThrow(/no condition nope/);
    const looped = { ...when({ is: 'a' }), conditions: { a: { not: { is: 'b' } }, b: { any: [{ is: 'a' }] } } };
    expect(() => new ResponsePolicy(looped)).toThrow(/condition a refers to itself/);
  });

  it('reads a named condition where a rule says `is`', () => {
    const file = policyFileSchema.parse(JSON.parse(JSON.stringify(policy.file)));
    const named = new ResponsePolicy({
      ...file,
      conditions: { ...file.conditions, zebra: { matches: '\\bzebras?\\b' } },
      rules: [{ name: 'canned.zebra', why: 'test', when: { is: 'zebra' }, then: { canned: ['mood.neutral'] } }, ...file.rules],
    });
    expect(named.decide(input({}, {}, 'a zebra at the bus stop')).rule).toBe('canned.zebra');
    expect(named.decide(input({}, {}, 'hello there')).rule).not.toBe('canned.zebra');
  });
});
