import { alarmCurve, chooseAlarm, chooseThreshold, scopeCurve } from './scope-curve';

describe('the out-of-scope trade-off', () => {
  const inside = new Set(['transfer', 'alarm']);
  const inScope = [
    { best: 'transfer', score: 0.95, gold: 'transfer' },
    { best: 'alarm', score: 0.6, gold: 'alarm' },
    { best: 'transfer', score: 0.9, gold: 'alarm' },
    { best: 'alarm', score: 0.99, gold: 'alarm' },
  ];
  const outOfScope = [
    { best: 'small_talk', score: 0.9 },
    { best: 'transfer', score: 0.55 },
    { best: 'alarm', score: 0.8 },
    { best: 'oos', score: 0.4 },
  ];

  it('counts a low score as out of scope, and a wrong or unsure in-scope answer as a miss', () => {
    expect(scopeCurve(inScope, outOfScope, inside, [0, 0.7, 0.85])).toEqual([
      { threshold: 0, inScopeAccuracy: 0.75, outOfScopeRecall: 0.5 },
      { threshold: 0.7, inScopeAccuracy: 0.5, outOfScopeRecall: 0.75 },
      { threshold: 0.85, inScopeAccuracy: 0.5, outOfScopeRecall: 1 },
    ]);
  });

  it('chooses the best recall that keeps in-scope accuracy at the bar, or nothing', () => {
    const points = scopeCurve(inScope, outOfScope, inside, [0, 0.5, 0.7, 0.85]);
    expect(chooseThreshold(points, 0.5)?.threshold).toBe(0.85);
    expect(chooseThreshold(points, 0.75)?.threshold).toBe(0);
    expect(chooseThreshold(points, 0.9)).toBeUndefined();
  });
});

describe('the alarm trade-off', () => {
  it('counts false alarms and recall at each threshold and picks the best recall within the false-alarm limit', () => {
    const points = alarmCurve([0.1, 0.2, 0.6, 0.9], [0.5, 0.7, 0.95, 0.99], [0.5, 0.7, 0.95]);
    expect(points).toEqual([
      { threshold: 0.5, falseAlarms: 0.5, recall: 1 },
      { threshold: 0.7, falseAlarms: 0.25, recall: 0.75 },
      { threshold: 0.95, falseAlarms: 0, recall: 0.5 },
    ]);
    expect(chooseAlarm(points, 0.25)?.threshold).toBe(0.7);
    expect(chooseAlarm(points, 0)?.threshold).toBe(0.95);
    expect(chooseAlarm(points, -1)).toBeUndefined();
  });
});
