import type { Hit } from '@app/models';
import { pick } from './embedding-retrieval.generator';

const hit = (reply: string, score: number, source: 'persona' | 'corpus' = 'corpus'): Hit => ({
  entry: { prompt: 'p', reply, source },
  score,
});

describe('pick', () => {
  it('takes the best hit, its score clamped to [0, 1]', () => {
    expect(pick('hi', [hit('hey you', 1.0000001), hit('hello', 0.5)], 0.05)).toEqual({ text: 'hey you', score: 1 });
  });

  it('prefers a persona line within the margin of the best corpus reply', () => {
    expect(pick('hi', [hit('yo', 0.8), hit('Well hello, you.', 0.76, 'persona')], 0.05).text).toBe('Well hello, you.');
    expect(pick('hi', [hit('yo', 0.8), hit('Well hello, you.', 0.7, 'persona')], 0.05).text).toBe('yo');
  });

  it('passes over a reply that only repeats the message', () => {
    expect(pick('How are you?', [hit('how are you', 0.95), hit('Great, you?', 0.7)], 0.05).text).toBe('Great, you?');
  });
});
