import { askedAbout, pickKey } from './asked';

describe('askedAbout', () => {
  it.each([
    ['do you like thunderstorms', { liked: 'thunderstorms' }],
    ['fine. whatever. do you like thunderstorms', { liked: 'thunderstorms' }],
    ['do you even like pineapple on pizza or not', { liked: 'pineapple on pizza' }],
    ['are you into horror movies?', { liked: 'horror movies' }],
    ['do you have a favourite bird', { favourite: 'bird' }],
    ['whats ur favourite colour?', { favourite: 'colour' }],
    ['whats your favorite color sassy', { favourite: 'color' }],
    ["what's your fave ice cream flavour", { favourite: 'ice cream flavour' }],
    ['whats your favourite season btw', { favourite: 'season' }],
  ])('%j asks about %j', (text, asked) => {
    expect(askedAbout(text)).toEqual(asked);
  });

  it.each([
    'do you like me',
    'do you like it',
    'do you like your job',
    'do you like talking to people',
    'do you like it when people are rude',
    'so do you like dogs or cats',
    'do you have a favourite thing people tell you',
    'how was your day',
    'whats your favourite thing about your job then',
    'ok whats your favourite thing ppl talk about then',
  ])('%j names no taste of its own', (text) => {
    expect(askedAbout(text)).toBeUndefined();
  });
});

describe('pickKey', () => {
  it.each([
    ['colors', 'colour'],
    ['kind of music', 'music'],
    ['dogs', 'dog'],
    ['ice cream flavor', 'ice_cream_flavour'],
    ['berries', 'berry'],
    ['bus', 'bus'],
  ])('%j → %j', (kind, key) => {
    expect(pickKey(kind)).toBe(key);
  });
});
