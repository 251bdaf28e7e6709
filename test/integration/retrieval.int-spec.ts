import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, readReactions } from '@app/models';
import { EmbeddingRetrievalGenerator } from '../../apps/generator-worker/src/generators/embedding-retrieval.generator';

/** The retrieval generator on the real response bank (Chit-Chat corpus + persona) and the real encoder. */
describe('embedding retrieval over the response bank', () => {
  const generator = new EmbeddingRetrievalGenerator({ provider: 'cpu', intraOpThreads: 1 });
  beforeAll(() => generator.load());
  afterAll(() => generator.release());

  it('answers every message of a batch, as it answers each alone', async () => {
    const texts = ['I just got a new job!!', 'what are your plans for the weekend', 'my cat knocked my coffee over', 'hi'];
    const batch = await generator.generate(texts.map((text) => ({ text })));
    expect(batch).toHaveLength(texts.length);
    for (let i = 0; i < texts.length; i++) {
      expect(batch[i].text.length).toBeGreaterThan(0);
      expect(batch[i].score).toBeGreaterThanOrEqual(0);
      expect(batch[i].score).toBeLessThanOrEqual(1);
      const [alone] = await generator.generate([{ text: texts[i] }]);
      expect(alone.text).toBe(batch[i].text);
      expect(alone.score).toBeCloseTo(batch[i].score, 4);
    }
    const version = (model: string) =>
      (JSON.parse(readFileSync(join(projectRoot(), 'models', model, 'manifest.json'), 'utf8')) as { version: string }).version;
    expect(generator.modelVersion).toBe(
      `response-bank@${version('response-bank')}+minilm-l6-v2-int8+reply-ranker@1.0.0+tone@${version('tone')}`,
    );
  });

  it("keeps the bot's voice where a persona line fits", async () => {
    const [reply] = await generator.generate([{ text: 'What movie should I watch tonight?' }]);
    expect(reply).toEqual({ text: 'Something with a twist ending. What did you watch last?', score: expect.any(Number), origin: 'house' });
    expect(reply.score).toBeGreaterThan(0.7);
  });

  it('answers from the corpus of real conversations where no persona line is close', async () => {
    // A habit told flatly: no house line, and no tone to react to.
    const [reply] = await generator.generate([{ text: 'I usually go hiking in the mountains in the summer' }]);
    expect(reply.text.toLowerCase()).toMatch(/mountain|hik/);
    expect(reply.origin).toBe('corpus');
  });

  it('reacts in the tone the tone model reads when no house line is close', async () => {
    const { tones } = readReactions(join(projectRoot(), 'apps/generator-worker/data/reactions.json'));
    const [reply] = await generator.generate([{ text: 'my coworker keeps replying all to the whole company' }]);
    expect(reply.origin).toBe('tone');
    expect(tones.annoyed).toContain(reply.text);
    // Asked for something, not telling news: nothing to react to.
    const [joke] = await generator.generate([{ text: 'tell me a joke' }]);
    expect(joke.origin).not.toBe('tone');
  });

  it('answers a message read as one of two tones, unsure which, with a line that fits either', async () => {
    const { pairs } = readReactions(join(projectRoot(), 'apps/generator-worker/data/reactions.json'));
    const [reply] = await generator.generate([{ text: 'my coworker microwaved fish in the office again' }]);
    expect(reply.origin).toBe('pair');
    expect(pairs['annoyed+funny']).toContain(reply.text);
    expect(reply.score).toBeGreaterThanOrEqual(0.6);
  });

  it("carries the story's reaction on to a detail that reads as nothing alone, not to one that turns it", async () => {
    const { tones, continuations } = readReactions(join(projectRoot(), 'apps/generator-worker/data/reactions.json'));
    const opening = 'came out of the library and my bike was gone. they cut the lock';
    const [reaction] = await generator.generate([{ text: opening }]);
    expect(reaction.origin).toBe('tone');
    const tone = Object.keys(tones).find((t) => tones[t].includes(reaction.text))!;
    expect(['annoyed', 'unlucky']).toContain(tone);
    const [detail] = await generator.generate([
      { text: 'it was a blue one with a basket', history: [{ user: opening, bot: reaction.text }] },
    ]);
    expect(detail.origin).toBe('story');
    expect(continuations[tone]).toContain(detail.text);
    // A rejection the model alone reads as a win ("went with someone" is a setback) carries no win on to its next detail.
    const misread = 'they said i was a strong candidate but they went with someone with more experience';
    const [leaning] = await generator.generate([
      { text: "idk how i'm supposed to get experience if nobody gives me any", history: [{ user: misread, bot: 'Oh.' }] },
    ]);
    expect(leaning.origin).not.toBe('story');
    // A detail read, not surely, as the story's opposite (a win inside a grievance) carries the grievance on.
    const grievance = 'my landlord kept my whole deposit for a scratch on the door';
    const [more] = await generator.generate([
      { text: 'i cleaned that flat for two days before i left', history: [{ user: grievance, bot: 'Oh.' }] },
    ]);
    expect(more.origin).toBe('story');
    expect(continuations.annoyed).toContain(more.text);
    // A message that turns the story ("tho", "but", "at least") is read on its own.
    const [turned] = await generator.generate([{ text: 'he paid it all back in the end tho', history: [{ user: grievance, bot: 'Oh.' }] }]);
    expect(turned.origin).not.toBe('story');
  });

  it("reads a short answer in the light of the bot's previous reply", async () => {
    const after = (bot: string) => ({ text: 'not really', history: [{ user: 'hey', bot }] });
    const [food, sport] = await generator.generate([
      after('Do you like cooking Italian food?'),
      after('Do you play football on weekends?'),
    ]);
    expect(food.text).not.toBe(sport.text);
    // The same request alone (no other context in the batch) gets the same reply.
    const [alone] = await generator.generate([after('Do you play football on weekends?')]);
    expect(alone.text).toBe(sport.text);
  });

  it('does not repeat a reply the bot gave in the recent turns', async () => {
    const text = 'What movie should I watch tonight?';
    const [first] = await generator.generate([{ text }]);
    const [again] = await generator.generate([{ text, history: [{ user: text, bot: first.text }] }]);
    expect(again.text).not.toBe(first.text);
    expect(again.text.length).toBeGreaterThan(0);
  });
});
