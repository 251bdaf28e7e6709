import { isCommonEnglish, looksEnglish } from './english-words';

describe('looksEnglish', () => {
  it.each(['hi im Priya', 'im bored, entertain me', 'yo sassy', 'ugh sorry switching to english, im just so tired', 'lol'])(
    '%j is English',
    (text) => {
      expect(looksEnglish(text)).toBe(true);
    },
  );
  it.each([
    'hola! cómo estás?',
    'salut ça va ?',
    'ciao! stasera cucino le lasagne per i miei amici',
    'es regnet schon den ganzen tag in Hamburg',
  ])('%j is not', (text) => {
    expect(looksEnglish(text)).toBe(false);
  });
  it('knows common words from names', () => {
    expect(isCommonEnglish('Tired')).toBe(true);
    expect(isCommonEnglish('Priya')).toBe(false);
  });
});
