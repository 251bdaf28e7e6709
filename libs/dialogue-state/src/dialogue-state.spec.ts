import { create } from '@bufbuild/protobuf';
import { EventMetaSchema, SCHEMA_VERSION } from '@app/contracts';
import { nextState, userNameIn } from './dialogue-state';
import type { Signals } from './signals';

const meta = (messageId: string) =>
  create(EventMetaSchema, { schemaVersion: SCHEMA_VERSION, conversationId: 'c1', messageId, userId: 'u1' });
const signals = (over: Partial<Signals> = {}): Signals => ({ entities: [], ...over });

describe('userNameIn', () => {
  it.each([
    ['my name is sam', 'Sam'],
    ['Hi! You can call me Alex.', 'Alex'],
    ["my name's Jo", 'Jo'],
  ])('reads %j as %j', (text, name) => {
    expect(userNameIn(text, signals())).toBe(name);
  });

  it('reads accented names, and an introduction at the start of a message without an entity', () => {
    expect(userNameIn('my name is Tomás btw', signals())).toBe('Tomás');
    expect(userNameIn('hi im Priya', signals())).toBe('Priya');
    expect(userNameIn("hello! i'm Hannah", signals())).toBe('Hannah');
    expect(userNameIn('yo its Keisha', signals())).toBe('Keisha');
    expect(userNameIn("I'm So done with today", signals())).toBeUndefined();
    expect(userNameIn("honestly I'm Tired", signals())).toBeUndefined();
    // A greeting that only introduces: a lowercase name counts; a lowercase word after "im" elsewhere does not.
    expect(userNameIn('hi im priya btw', signals())).toBe('Priya');
    expect(userNameIn('hey im tired', signals())).toBeUndefined();
    expect(userNameIn('im priya and im bored', signals())).toBeUndefined();
    expect(userNameIn('hiii good morning, im priya', signals())).toBe('Priya');
    expect(userNameIn('morning!! 🌞 im dilnoza btw', signals())).toBe('Dilnoza');
    expect(userNameIn("hi!! it's jonas again 👋", signals())).toBe('Jonas');
    expect(userNameIn('hey its jonas. paid off my car today!!', signals())).toBe('Jonas');
    expect(userNameIn('heyyy its me again', signals())).toBeUndefined();
    expect(userNameIn('morning! its raining. again', signals())).toBeUndefined();
    expect(userNameIn("it's Amazing Grace, the high part scares me", signals())).toBeUndefined();
    expect(userNameIn("It's Dani", signals())).toBe('Dani');
  });
  it('takes "I\'m X" only where the entities task saw a person X', () => {
    expect(userNameIn("I'm Maria, nice to meet you", signals({ entities: [{ kind: 'person', text: 'Maria' }] }))).toBe('Maria');
    expect(userNameIn("I'm Tired of this", signals())).toBeUndefined();
    const noor = signals({ entities: [{ kind: 'person', text: 'noor' }] });
    expect(userNameIn('fair enough. youre still nicer than my group chat. im noor btw', noor)).toBe('Noor');
    expect(userNameIn('im vegan btw so no', signals({ entities: [{ kind: 'thing', text: 'vegan' }] }))).toBeUndefined();
    expect(userNameIn("the patient in bay 4 spent the whole night calling me Deborah. I'm Priya btw", signals())).toBe('Priya');
    expect(userNameIn("I'm Tired btw", signals())).toBeUndefined();
    expect(userNameIn('oh im ravi btw, forgot to say', signals())).toBe('Ravi');
  });
});

describe('nextState', () => {
  it('remembers the name, the entities most recent first, topics and engagement across turns', () => {
    let state = nextState(
      undefined,
      meta('m1'),
      { messageId: 'm1', userText: 'my name is sam and I love pizza', replyText: 'Hi Sam!', replySource: 'canned' },
      signals({
        intent: { label: 'small_talk', score: 0.9 },
        entities: [{ kind: 'thing', text: 'pizza' }],
        sentiment: { label: 'positive', score: 0.9 },
      }),
    );
    state = nextState(
      state,
      meta('m2'),
      { messageId: 'm2', userText: 'I love you', replyText: 'Aww', replySource: 'canned' },
      signals({ intent: { label: 'love_declaration', score: 0.95 }, entities: [{ kind: 'person', text: 'Anna' }] }),
    );
    state = nextState(
      state,
      meta('m3'),
      { messageId: 'm3', userText: 'what is the weather?', replyText: '…', replySource: 'fallback' },
      signals({ intent: { label: 'weather', score: 0.8 }, toxicity: 0.9, dialogAct: { label: 'question', score: 0.9 } }),
    );
    expect(state.userName).toBe('Sam');
    expect(state.turnCount).toBe(3);
    expect(state.mentions.map((m) => [m.text, m.kind, m.turn])).toEqual([
      ['Anna', 'person', 2],
      ['pizza', 'thing', 1],
    ]);
    expect(state.topics).toEqual(['weather', 'love_declaration', 'small_talk']);
    expect(state.engagement).toMatchObject({
      loveDeclarations: 1,
      toxicMessages: 1,
      questions: 1,
      positiveMessages: 1,
      fallbacks: 1,
    });
  });

  it('keeps at most the configured mentions and topics, and a name once given', () => {
    let state = nextState(undefined, meta('m0'), { userText: 'call me Kim' }, signals());
    for (let i = 1; i <= 10; i++) {
      state = nextState(
        state,
        meta(`m${i}`),
        { messageId: `m${i}`, userText: `about thing${i}` },
        signals({ intent: { label: `topic${i}`, score: 1 }, entities: [{ kind: 'thing', text: `thing${i}` }] }),
        { turns: 4, mentions: 3, topics: 2 },
      );
    }
    expect(state.userName).toBe('Kim');
    expect(state.turns).toHaveLength(4);
    expect(state.mentions.map((m) => m.text)).toEqual(['thing10', 'thing9', 'thing8']);
    expect(state.topics).toEqual(['topic10', 'topic9']);
  });
});
