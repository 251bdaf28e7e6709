import type { Hit } from '@app/models';
import { overruled, pairOf, pairReply, pick, storyReply, toneReply, withToneWords, withoutGoodNews } from './embedding-retrieval.generator';

/** A hit whose reply vector is one-hot at `slot`: a fake ranker reads the slot as the fit. */
const hit = (reply: string, score: number, source: 'persona' | 'corpus' = 'corpus', slot = 0): Hit => {
  const replyVector = new Float32Array(4);
  replyVector[slot] = 1;
  return { entry: { prompt: 'p', reply, source }, score, replyVector };
};
const fits =
  (...bySlot: number[]) =>
  (h: Hit) =>
    bySlot[h.replyVector.indexOf(1)];

describe('pick', () => {
  it('takes the best hit, scored by its match clamped to [0, 1]', () => {
    expect(pick('hi', [hit('hey you', 1.0000001), hit('hello', 0.5)], { personaMargin: 0.05 })).toEqual({
      text: 'hey you',
      score: 1,
      origin: 'corpus',
    });
  });

  it('prefers a line of our own within the margin of the best corpus reply', () => {
    expect(pick('hi', [hit('yo', 0.8), hit('Well hello, you.', 0.76, 'persona')], { personaMargin: 0.05 })).toEqual({
      text: 'Well hello, you.',
      score: 0.76,
      origin: 'house',
    });
    expect(pick('hi', [hit('yo', 0.8), hit('Well hello, you.', 0.7, 'persona')], { personaMargin: 0.05 }).text).toBe('yo');
  });

  it('passes over a reply that only repeats the message, or one the bot said lately', () => {
    expect(pick('How are you?', [hit('how are you', 0.95), hit('Great, you?', 0.7)], { personaMargin: 0.05 }).text).toBe('Great, you?');
    expect(pick('hi', [hit('Hey you!', 0.9), hit('Hello there', 0.85)], { personaMargin: 0.05, said: new Set(['hey you']) }).text).toBe(
      'Hello there',
    );
  });

  it('counts a prompt that disagrees with the message on whether it has happened as a weaker match', () => {
    const done = {
      ...hit('YES! A pass is a pass.', 0.7, 'persona'),
      entry: { prompt: 'passed my driving test', reply: 'YES! A pass is a pass.', source: 'persona' as const },
    };
    const ahead = {
      ...hit('Deep breath, you know this.', 0.66, 'persona'),
      entry: { prompt: 'driving test tomorrow', reply: 'Deep breath, you know this.', source: 'persona' as const },
    };
    expect(pick('driving test in 2 hours', [done, ahead], { personaMargin: 0.02 }).text).toBe('Deep breath, you know this.');
    expect(pick('passed the driving test!!', [done, ahead], { personaMargin: 0.02 }).text).toBe('YES! A pass is a pass.');
  });

  it('reads being forgotten or left out as a negation', () => {
    const remembered = {
      ...hit('Aww, being remembered like that is its own love language.', 0.72, 'persona'),
      entry: {
        prompt: 'my friend remembered my coffee order',
        reply: 'Aww, being remembered like that is its own love language.',
        source: 'persona' as const,
      },
    };
    const forgotten = {
      ...hit('Oof. Being the one people forget stings.', 0.65, 'persona'),
      entry: { prompt: 'everyone forgot about me again', reply: 'Oof. Being the one people forget stings.', source: 'persona' as const },
    };
    expect(pick("maybe i'm just the friend people forget about", [remembered, forgotten], { personaMargin: 0.02 }).text).toBe(
      'Oof. Being the one people forget stings.',
    );
  });

  it('counts a prompt that disagrees with the message on a negation as a weaker match', () => {
    const hits = [hit('YES! A pass is a pass.', 0.7, 'persona'), hit('Oof, that stings. Retake soon?', 0.66, 'persona')];
    expect(
      pick(
        'didnt pass the road test',
        [
          { ...hits[0], entry: { ...hits[0].entry, prompt: 'passed my driving test' } },
          { ...hits[1], entry: { ...hits[1].entry, prompt: "didn't pass my test" } },
        ],
        { personaMargin: 0.02 },
      ),
    ).toEqual({
      text: 'Oof, that stings. Retake soon?',
      score: 0.66,
      origin: 'house',
    });
  });

  describe('with a ranker', () => {
    it('takes the corpus reply that fits best among the near-best matches, scored by the lower of match and fit', () => {
      const hits = [
        hit('lol', 0.82, 'corpus', 0),
        hit('That sounds rough. What happened?', 0.8, 'corpus', 1),
        hit('far off', 0.5, 'corpus', 2),
      ];
      expect(pick('my day was awful', hits, { personaMargin: 0.05, fit: fits(0.3, 0.9, 0.99) })).toEqual({
        text: 'That sounds rough. What happened?',
        score: 0.8,
        origin: 'corpus',
      });
      expect(pick('my day was awful', hits.slice(0, 2), { personaMargin: 0.05, fit: fits(0.3, 0.6) }).score).toBe(0.6);
    });

    it('keeps to our own lines when one matches within the margin, the best fitting of them, scored by its match', () => {
      const hits = [
        hit('lol', 0.82, 'corpus', 0),
        hit('Oof. Vent away.', 0.8, 'persona', 1),
        hit('Ugh. What happened?', 0.79, 'persona', 2),
      ];
      expect(pick('my day was awful', hits, { personaMargin: 0.05, fit: fits(0.9, 0.2, 0.6) })).toEqual({
        text: 'Ugh. What happened?',
        score: 0.79,
        origin: 'house',
      });
    });
  });
});

/** Lines as the generator remembers what the bot said: lowercase words. */
const saidLines = (...lines: string[]) =>
  new Set(
    lines.map((l) =>
      l
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, ' ')
        .trim(),
    ),
  );

describe('toneReply', () => {
  const lines = { annoyed: ['Ugh, the audacity.', 'No. Absolutely not.'], funny: ['I am crying.', 'Stop.'] };
  const annoyed = { tone: 'annoyed', score: 0.6, share: 1 };

  it("answers with a line for the message's tone, scored as sure as the tone is", () => {
    const reply = toneReply('the bus drove past me', annoyed, lines, new Set());
    expect(lines.annoyed).toContain(reply?.text);
    expect(reply).toMatchObject({ origin: 'tone' });
    expect(reply?.score).toBeCloseTo(0.6);
  });

  it('does not repeat a line the bot said lately, and has none once every line was said', () => {
    const first = toneReply('the bus drove past me', annoyed, lines, new Set())!.text;
    const said = saidLines(first);
    expect(toneReply('the bus drove past me', annoyed, lines, said)?.text).not.toBe(first);
    const all = saidLines(...lines.annoyed);
    expect(toneReply('the bus drove past me', annoyed, lines, all)).toBeUndefined();
  });

  it('has no line for "none", a tone without lines, or no reading', () => {
    expect(toneReply('tell me a joke', { tone: 'none', score: 0.8, share: 1 }, lines, new Set())).toBeUndefined();
    expect(toneReply('ew', { tone: 'gross', score: 0.8, share: 1 }, lines, new Set())).toBeUndefined();
    expect(toneReply('hm', undefined, lines, new Set())).toBeUndefined();
  });
});

describe('pairReply', () => {
  const lines = { 'annoyed+funny': ["I'm cackling, but I'd be fuming too.", 'Hilarious and infuriating.'] };
  const olive = pairOf([
    { name: 'funny', score: 0.39 },
    { name: 'annoyed', score: 0.36 },
    { name: 'sweet', score: 0.13 },
  ]);

  it('answers a message read as one of two tones, unsure which, with a line for either, scored by both', () => {
    const reply = pairReply('he picks THAT Olive Garden', olive, 0.6, lines, new Set());
    expect(lines['annoyed+funny']).toContain(reply?.text);
    expect(reply).toMatchObject({ origin: 'pair' });
    expect(reply?.score).toBeCloseTo(0.75);
  });

  it('has no line below the bar, for a pair without lines, or when one of the two is none', () => {
    expect(pairReply('he picks THAT Olive Garden', olive, 0.8, lines, new Set())).toBeUndefined();
    const mixed = pairOf([
      { name: 'win', score: 0.4 },
      { name: 'unlucky', score: 0.35 },
    ]);
    expect(pairReply('got the job but lost my wallet', mixed, 0.6, lines, new Set())).toBeUndefined();
    expect(
      pairOf([
        { name: 'funny', score: 0.4 },
        { name: 'none', score: 0.35 },
      ]),
    ).toBeUndefined();
    expect(pairReply('hm', undefined, 0.6, lines, new Set())).toBeUndefined();
  });

  it('does not repeat a line the bot said lately', () => {
    expect(pairReply('he picks THAT Olive Garden', olive, 0.6, lines, saidLines(...lines['annoyed+funny']))).toBeUndefined();
  });
});

describe('storyReply', () => {
  const lines = { unlucky: ['Of course it did.', 'This day, honestly.'], funny: ['I am wheezing.', 'Sitcom material.'] };
  const unlucky = { tone: 'unlucky', score: 0.7, share: 1 };
  const vague = { tone: 'funny', score: 0.16, share: 0.34 };

  it("carries on the tone of the story's previous message, scored as sure as it is", () => {
    const reply = storyReply('my library book did not survive', [unlucky, undefined], 0.3, lines, new Set());
    expect(lines.unlucky).toContain(reply?.text);
    expect(reply).toMatchObject({ origin: 'story' });
    expect(reply?.score).toBeCloseTo(0.7);
  });

  it('looks one message further back when the previous one has no clear tone', () => {
    expect(storyReply('he named it', [vague, { tone: 'funny', score: 0.8, share: 1 }], 0.3, lines, new Set())?.text).toMatch(
      /wheezing|Sitcom/,
    );
  });

  it('stops at the nearest clear tone: none, or a tone without continuation lines, means no line', () => {
    expect(storyReply('ok', [{ tone: 'none', score: 0.9, share: 1 }, unlucky], 0.3, lines, new Set())).toBeUndefined();
    expect(storyReply('ok', [{ tone: 'gross', score: 0.9, share: 1 }, unlucky], 0.3, lines, new Set())).toBeUndefined();
    expect(storyReply('ok', [vague, vague], 0.3, lines, new Set())).toBeUndefined();
  });

  it('gives none when the message itself leans to another tone, even below the bar', () => {
    const sweetish = { tone: 'sweet', score: 0.2, share: 0.5 };
    expect(storyReply('a pilot waved at me', [unlucky, undefined], 0.3, lines, new Set(), sweetish)).toBeUndefined();
    expect(storyReply('a pilot waved at me', [unlucky, undefined], 0.3, lines, new Set(), { ...sweetish, score: 0.1 })).toBeDefined();
    expect(storyReply('and it rained', [unlucky, undefined], 0.3, lines, new Set(), { ...sweetish, tone: 'unlucky' })).toBeDefined();
  });

  it('does not repeat a continuation line the bot said lately', () => {
    expect(storyReply('and then', [unlucky, undefined], 0.3, lines, saidLines(...lines.unlucky))).toBeUndefined();
  });
});

describe('overruled', () => {
  const opposite: [string[], string[]] = [
    ['win', 'sweet'],
    ['annoyed', 'unlucky'],
  ];
  const vote = (tone: string, score: number) => ({ tone, score, share: score });

  it("lets a story's reading overrule a detail read, not surely, as a tone of the other sign", () => {
    expect(overruled(vote('win', 0.6), [vote('annoyed', 0.7), undefined], 0.5, 0.8, opposite)).toBe(true);
    expect(overruled(vote('annoyed', 0.6), [undefined, vote('win', 0.9)], 0.5, 0.8, opposite)).toBe(true);
  });

  it('keeps a sure reading, one of the same sign, a tone of neither side, and a story read unsurely', () => {
    expect(overruled(vote('win', 0.85), [vote('annoyed', 0.7)], 0.5, 0.8, opposite)).toBe(false);
    expect(overruled(vote('sweet', 0.6), [vote('win', 0.7)], 0.5, 0.8, opposite)).toBe(false);
    expect(overruled(vote('funny', 0.6), [vote('annoyed', 0.7)], 0.5, 0.8, opposite)).toBe(false);
    expect(overruled(vote('win', 0.6), [vote('annoyed', 0.4)], 0.5, 0.8, opposite)).toBe(false);
    expect(overruled(vote('win', 0.6), [vote('annoyed', 0.7)], 0.5, undefined, opposite)).toBe(false);
  });
});

describe('withoutGoodNews', () => {
  const setback = /\b(?:didn'?t|did not) get\b|\blet (?:\w+ )?(?:of us )?go\b/iu;
  const good = ['win', 'sweet', 'excited'];
  const read = [
    { name: 'win', score: 0.44 },
    { name: 'unlucky', score: 0.32 },
    { name: 'none', score: 0.08 },
  ];

  it('drops good-news tones from the reading of a message that says something went wrong', () => {
    expect(withoutGoodNews("didn't get the chair. two years practising that concerto", read, setback, good).map((l) => l.name)).toEqual([
      'unlucky',
      'none',
    ]);
    expect(withoutGoodNews('They let forty of us go at the plant today', read, setback, good)[0].name).toBe('unlucky');
  });

  it('keeps the reading of any other message, and without a setback pattern', () => {
    expect(withoutGoodNews('got the chair!! two years practising that concerto', read, setback, good)).toBe(read);
    expect(withoutGoodNews("didn't get the chair", read, undefined, good)).toBe(read);
  });
});

describe('withToneWords', () => {
  const words = { needs: { gross: /\b(?:smell\w*|mou?ld)\b/iu }, unless: { down: /\blol\b|😂/u } };
  const read = (first: string) => [
    { name: first, score: 0.6 },
    { name: 'funny', score: 0.3 },
    { name: 'none', score: 0.1 },
  ];

  it('drops a tone whose words the message lacks, and the next one stands, scored as if the dropped tone were ruled out', () => {
    const [first, second] = withToneWords('she ate through the bag and is now asleep on the floor', read('gross'), words);
    expect(first.name).toBe('funny');
    expect(first.score).toBeCloseTo(0.75);
    expect(second.score).toBeCloseTo(0.25);
  });

  it('leaves the scores as the model gave them when the tone dropped was not the best', () => {
    const reading = [
      { name: 'win', score: 0.69 },
      { name: 'unlucky', score: 0.11 },
      { name: 'gross', score: 0.08 },
      { name: 'none', score: 0.12 },
    ];
    expect(withToneWords('i cleaned that flat for two days before i left', reading, words)).toEqual([reading[0], reading[1], reading[3]]);
  });

  it('keeps a tone whose words are there', () => {
    expect(withToneWords('the whole office smells like salmon', read('gross'), words)[0].name).toBe('gross');
  });

  it('drops a tone the message laughs against', () => {
    expect(withToneWords('yeah she knows lol. she does the same to mine', read('down'), words)[0].name).toBe('funny');
    expect(withToneWords('i miss her so much', read('down'), words)[0].name).toBe('down');
  });
});
