import { daysUntilChristmas, slotValues } from './slots';

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
