import { Bm25RetrievalGenerator, tokenize } from './bm25-retrieval.generator';

describe('Bm25RetrievalGenerator', () => {
  const generator = new Bm25RetrievalGenerator();
  beforeAll(() =>
    generator.index([
      { prompt: 'i love my dog', reply: 'Dogs are the best.' },
      { prompt: 'what is the weather like', reply: 'Weather? So boring.' },
      { prompt: 'tell me a joke', reply: 'Knock knock.' },
    ]),
  );

  it('replies with the reply of the closest prompt', async () => {
    const [dog, weather] = await generator.generate(['My dog is cute', 'how is the weather today']);
    expect(dog.text).toBe('Dogs are the best.');
    expect(weather.text).toBe('Weather? So boring.');
  });

  it('scores an exact match near 1 and no overlap at 0', async () => {
    const [exact, none] = await generator.generate(['tell me a joke', 'quantum chromodynamics']);
    expect(exact.score).toBeGreaterThan(0.6);
    expect(exact.score).toBeLessThanOrEqual(1);
    expect(none.score).toBe(0);
  });

  it('weighs rare terms above common ones', async () => {
    const [result] = await generator.generate(['the joke']);
    expect(result.text).toBe('Knock knock.');
  });

  it('refuses an empty bank', () => {
    expect(() => new Bm25RetrievalGenerator().index([])).toThrow('empty');
  });

  it('loads the shipped response bank and versions it by content', async () => {
    const shipped = new Bm25RetrievalGenerator();
    await shipped.load();
    expect(shipped.modelVersion).toMatch(/^bm25-[0-9a-f]{8}$/);
    const [reply] = await shipped.generate(['what movie should i watch']);
    expect(reply.text).toContain('twist ending');
  });

  it('tokenizes case-insensitively and keeps apostrophes', () => {
    expect(tokenize("I Can't SLEEP!")).toEqual(['i', "can't", 'sleep']);
  });
});
