import { isCommonEnglish, looksEnglish, otherLanguageScore } from './english-words';

describe('looksEnglish', () => {
  it.each([
    'hi im Priya',
    'im bored, entertain me',
    'yo sassy',
    'ugh sorry switching to english, im just so tired',
    'lol',
    'wyd',
    'hbu?',
    'im on till 11, send help',
    'a 3?? wow ok. harsh',
  ])('%j is English', (text) => {
    expect(looksEnglish(text)).toBe(true);
  });
  it.each([
    'hola! cómo estás?',
    'salut ça va ?',
    'ciao! stasera cucino le lasagne per i miei amici',
    'es regnet schon den ganzen tag in Hamburg',
    'bugün işte çok yoruldum, eve gelince hemen yattım',
  ])('%j is not', (text) => {
    expect(looksEnglish(text)).toBe(false);
  });
  it('knows common words from names', () => {
    expect(isCommonEnglish('Tired')).toBe(true);
    expect(isCommonEnglish('Priya')).toBe(false);
  });
});

describe('otherLanguageScore', () => {
  it('is the best label score when that label is none of the languages and the line has no English words', () => {
    expect(otherLanguageScore({ label: 'es', score: 0.97 }, 'hola! hoy fue un día rarísimo', ['en'])).toBe(0.97);
  });
  it('is 0 for one of the languages, a line with English words, or no reading', () => {
    expect(otherLanguageScore({ label: 'en', score: 0.9 }, 'hola amigo', ['en'])).toBe(0);
    expect(otherLanguageScore({ label: 'pl', score: 0.89 }, 'wyd', ['en'])).toBe(0);
    expect(otherLanguageScore(undefined, 'hola', ['en'])).toBe(0);
  });
  it('keeps a foreign line with English-looking fragments of its words', () => {
    expect(otherLanguageScore({ label: 'tr', score: 1 }, 'annemi çok özledim, bayramda gideceğim', ['en'])).toBe(1);
  });
});
