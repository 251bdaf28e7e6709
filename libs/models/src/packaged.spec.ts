import { CompromiseEntityTagger } from './packaged';

describe('the compromise entity tagger with the chat rules', () => {
  const spans = async (text: string) => {
    const tagger = await CompromiseEntityTagger.load({
      format: 'compromise-entities',
      name: 'entities',
      task: 'entities',
      version: 'test',
      package: 'compromise',
      batching: { maxBatchSize: 8, maxQueueDelayMs: 1 },
    });
    const [prediction] = await tagger.predict([text]);
    return prediction.labels.map((l) => `${l.name}:${l.text ?? ''}`);
  };

  it('tells a pet from a person and a relation from a name', async () => {
    expect(await spans('my sister Anna and my dog Rocky')).toEqual(['person:Anna', 'relation:my sister', 'relation:my dog', 'pet:Rocky']);
  });

  it('finds no entity in chatter made of common words', async () => {
    for (const text of ['are you there?', 'what is your name', 'I will try and I may fail', 'grace period on my rent ended', 'Jesus that was close']) {
      expect((await spans(text)).filter((s) => !s.startsWith('thing:') && s !== 'none:')).toEqual([]);
    }
  });
});
