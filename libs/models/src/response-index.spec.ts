import { DEFAULT_RUNTIME, createSession, ort } from './ort';
import { blend, chitChatPairs, searchGraph } from './response-index';

const turn = (sender: string, ...texts: string[]) => texts.map((text) => ({ text, sender }));

describe('chitChatPairs', () => {
  const corpus = {
    a: { messages: [turn('x', 'Hello', 'how are you?'), turn('y', 'good thanks, you?'), turn('x', 'see http://spam.example'), turn('y', 'ok')] },
    b: { messages: [turn('x', 'I love pizza'), turn('y', 'me too, pineapple or not?'), turn('x', 'never pineapple')] },
  };

  it("pairs each turn with the next one (one sender's messages joined), with the turn before as context", () => {
    const pairs = chitChatPairs(corpus, 100, 1, 25);
    expect(pairs).toEqual(
      expect.arrayContaining([
        { context: '', prompt: 'Hello how are you?', reply: 'good thanks, you?' },
        { context: 'I love pizza', prompt: 'me too, pineapple or not?', reply: 'never pineapple' },
      ]),
    );
  });

  it('drops links, one-word replies and over-long replies', () => {
    const replies = chitChatPairs(corpus, 100, 1, 3).map((p) => p.reply);
    expect(replies).not.toContain('see http://spam.example');
    expect(replies).not.toContain('ok');
    expect(replies).not.toContain('me too, pineapple or not?'); // 4 words > 3
  });

  it('picks the same pairs for the same seed, and stops at maxPairs', () => {
    expect(chitChatPairs(corpus, 2, 5, 25)).toEqual(chitChatPairs(corpus, 2, 5, 25));
    expect(chitChatPairs(corpus, 1, 5, 25)).toHaveLength(1);
  });
});

describe('searchGraph (real ONNX Runtime)', () => {
  it('returns the k nearest keys by dot product, best first', async () => {
    const keys = Float32Array.from([1, 0, 0, 1, 0.6, 0.8]); // three keys of width 2
    const { session } = await createSession(searchGraph(keys, 2, 3, 2), DEFAULT_RUNTIME);
    const { Tensor } = ort();
    const out = await session.run({ query: new Tensor('float32', Float32Array.from([0, 1, 1, 0]), [2, 2]) });
    expect(Array.from(out.top_indices.data as BigInt64Array, Number)).toEqual([1, 2, 0, 2]);
    expect(Array.from(out.top_scores.data as Float32Array)).toEqual([1, expect.closeTo(0.8, 6), 1, expect.closeTo(0.6, 6)]);
    await session.release();
  });
});

describe('blend', () => {
  it('adds the weighted context and returns a unit vector', () => {
    const v = blend(Float32Array.from([1, 0]), Float32Array.from([0, 1]), 1);
    expect(v[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(v[1]).toBeCloseTo(Math.SQRT1_2, 6);
  });
});
