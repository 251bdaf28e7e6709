import { pairKey, parseReactions, situationPairs, voteTone } from './reactions';

const situation = (name: string, tone?: string) => ({ name, prompts: ['a', 'b', 'c'], replies: ['one', 'two'], ...(tone ? { tone } : {}) });

describe('parseReactions', () => {
  it('reads situations and the lines of each tone', () => {
    const file = parseReactions(JSON.stringify({ tones: { annoyed: ['Ugh.', 'No.'] }, situations: [situation('bus', 'annoyed'), situation('joke', 'none')] }));
    expect(file.tones.annoyed).toEqual(['Ugh.', 'No.']);
    expect(file.situations.map((s) => s.tone)).toEqual(['annoyed', 'none']);
  });

  it('names the file and the problem: a tone without lines, a situation twice, an unknown field', () => {
    expect(() => parseReactions(JSON.stringify({ situations: [situation('bus', 'annoyed')] }), 'r.json')).toThrow(
      'r.json: situations.0.tone: tone annoyed has no lines in tones',
    );
    expect(() => parseReactions(JSON.stringify({ situations: [situation('bus'), situation('bus')] }))).toThrow('situation bus appears twice');
    expect(() => parseReactions(JSON.stringify({ situations: [{ ...situation('bus'), mood: 'x' }] }))).toThrow(/situations\.0/);
  });
});

describe('situationPairs', () => {
  it('pairs each prompt with the replies in turn and keeps the tone', () => {
    expect(situationPairs([situation('bus', 'annoyed')])).toEqual([
      { prompt: 'a', reply: 'one', tone: 'annoyed' },
      { prompt: 'b', reply: 'two', tone: 'annoyed' },
      { prompt: 'c', reply: 'one', tone: 'annoyed' },
    ]);
    expect(situationPairs([situation('bus')])[0]).toEqual({ prompt: 'a', reply: 'one' });
  });
});

describe('voteTone', () => {
  it('scores the winner by its share of the votes times its closest neighbour', () => {
    const vote = voteTone(
      [
        { tone: 'annoyed', score: 0.6 },
        { tone: 'annoyed', score: 0.5 },
        { tone: 'funny', score: 0.4 },
        { tone: 'win', score: 0.2 },
      ],
      0.3,
    );
    expect(vote?.tone).toBe('annoyed');
    expect(vote?.share).toBeCloseTo(1.1 / 1.5);
    expect(vote?.score).toBeCloseTo((1.1 / 1.5) * 0.6);
  });

  it('lets neighbours that disagree pull the score down, and "none" win', () => {
    const split = voteTone(
      [
        { tone: 'annoyed', score: 0.6 },
        { tone: 'win', score: 0.59 },
      ],
      0.3,
    );
    expect(split!.score).toBeLessThan(0.31);
    expect(voteTone([{ tone: 'none', score: 0.7 }], 0.3)?.tone).toBe('none');
  });

  it('has no vote when no neighbour is close enough', () => {
    expect(voteTone([{ tone: 'annoyed', score: 0.2 }], 0.3)).toBeUndefined();
    expect(voteTone([], 0.3)).toBeUndefined();
  });
});

describe('tone examples', () => {
  it('are read per tone, and a tone without lines is refused', () => {
    const file = parseReactions(JSON.stringify({ tones: { annoyed: ['Ugh.', 'No.'] }, toneExamples: { annoyed: ['its been 40 min'], none: ['tokyo then kyoto'] }, situations: [situation('bus')] }));
    expect(file.toneExamples.none).toEqual(['tokyo then kyoto']);
    expect(() => parseReactions(JSON.stringify({ toneExamples: { gross: ['mold'] }, situations: [situation('bus')] }))).toThrow('tone gross has no lines in tones');
  });
});


describe('tone pairs', () => {
  const tones = { annoyed: ['Ugh.', 'No.'], funny: ['Ha.', 'Stop.'] };

  it('are keyed by two tones with lines, in alphabetical order', () => {
    const file = parseReactions(JSON.stringify({ tones, pairs: { 'annoyed+funny': ['Funny, but the nerve.', 'Both.'] }, situations: [situation('bus')] }));
    expect(file.pairs['annoyed+funny']).toHaveLength(2);
    expect(pairKey('funny', 'annoyed')).toBe('annoyed+funny');
    for (const pair of ['funny+annoyed', 'annoyed+gross', 'annoyed'])
      expect(() => parseReactions(JSON.stringify({ tones, pairs: { [pair]: ['a', 'b'] }, situations: [situation('bus')] }))).toThrow(`pairs.${pair}`);
  });
});
