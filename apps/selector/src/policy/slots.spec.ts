import { nameGivenIn, daysUntilChristmas, slotValues } from './slots';

describe('daysUntilChristmas', () => {
  it.each([
    ['2026-12-01', 24],
    ['2026-12-25', 0],
    ['2026-12-26', 364],
    ['2028-01-01', 359],
    ['2028-03-01', 299],
  ])('from %s: %d days', (date, days) => {
    expect(daysUntilChristmas(date)).toBe(days);
  });

  it('is counted in the configured time zone', () => {
    // 23:30 on 24 December in New York is already the 25th in Tokyo.
    const now = new Date('2026-12-25T04:30:00Z');
    expect(slotValues(undefined, { entities: [] }, '', now, 'America/New_York').christmas).toBe('1');
    expect(slotValues(undefined, { entities: [] }, '', now, 'Asia/Tokyo').christmas).toBe('0');
  });
});

describe('nameGivenIn', () => {
  it.each([
    ['his name is skrunk', 'Skrunk'],
    ['His name is Bartholomew. He is not sorry.', 'Bartholomew'],
    ['his name was gerald. i decided that afterwards', 'Gerald'],
    ['its a pothos called kevin. he survived two office moves', 'Kevin'],
    ['the cats called pancake btw', 'Pancake'],
    ['his name is Captain Biscuit and i hate him a little', 'Captain Biscuit'],
  ])('%j → %j', (text, given) => {
    expect(nameGivenIn(text)).toBe(given);
  });

  it.each(["it's called a cold brew", 'her name is on the list', 'the dog was named after my grandad', 'i have a cat'])(
    'finds none in %j',
    (text) => {
      expect(nameGivenIn(text)).toBeUndefined();
    },
  );

  it("leaves a person's name alone, unless an animal is in the story too", () => {
    expect(nameGivenIn('her name is Chloe, we met on hinge')).toBeUndefined();
    expect(nameGivenIn('her name is Rosa and she loves 80s music', "planning a surprise party for my wife's 40th")).toBeUndefined();
    expect(nameGivenIn('his name is Noodle and hes orange', 'we adopted a kitten today!! 🐱')).toBe('Noodle');
    expect(nameGivenIn('his name is Kiwi and he is 12', 'my roommate got a parrot')).toBe('Kiwi');
  });
});
