import { sentimentOf } from './datasets';

describe("GoEmotions' sentiment grouping", () => {
  it.each([
    [['joy'], 'positive'],
    [['gratitude', 'admiration'], 'positive'],
    [['anger'], 'negative'],
    [['neutral'], 'neutral'],
    [['surprise', 'curiosity'], 'neutral'],
    [['joy', 'sadness'], undefined],
  ])('%j → %s', (emotions, expected) => {
    expect(sentimentOf(emotions)).toBe(expected);
  });
});
