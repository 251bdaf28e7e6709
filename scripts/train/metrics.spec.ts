import { accuracy, bestThreshold, expectedCalibrationError, macroF1, perLabel, spanScores } from './metrics';

describe('training metrics', () => {
  it('accuracy counts exact matches', () => {
    expect(accuracy(['a', 'b', 'c', 'a'], ['a', 'b', 'a', 'a'])).toBe(0.75);
  });

  it('per-label F1 and macro-F1 over label sets, ignoring labels absent from gold', () => {
    const predicted = [['joy'], ['joy', 'anger'], ['fear'], ['joy']];
    const gold = [['joy'], ['anger'], ['anger'], ['neutral']];
    const scores = perLabel(predicted, gold, ['joy', 'anger', 'fear', 'neutral', 'surprise']);
    const by = Object.fromEntries(scores.map((s) => [s.label, s]));
    expect(by.joy).toMatchObject({ precision: 1 / 3, recall: 1, support: 1 });
    expect(by.anger).toMatchObject({ precision: 1, recall: 0.5 });
    expect(by.surprise.support).toBe(0);
    // joy 0.5, anger 2/3, fear 0 (not in gold: ignored), neutral 0
    expect(macroF1(scores)).toBeCloseTo((0.5 + 2 / 3 + 0) / 3, 10);
  });

  it('picks the threshold that maximises F1 on the calibration rows', () => {
    const probabilities = [0.9, 0.8, 0.7, 0.35, 0.3, 0.2, 0.1];
    const gold = [true, true, true, true, false, false, false];
    const t = bestThreshold(probabilities, gold);
    expect(t).toBeGreaterThan(0.3);
    expect(t).toBeLessThanOrEqual(0.35);
  });
});

describe('expectedCalibrationError', () => {
  it('is zero when confidence matches accuracy in every bin, and the gap when it does not', () => {
    expect(expectedCalibrationError([0.5, 0.5, 1, 1], [true, false, true, true], 10)).toBeCloseTo(0);
    expect(expectedCalibrationError([0.9, 0.9, 0.9, 0.9], [true, false, true, false], 10)).toBeCloseTo(0.4);
    expect(expectedCalibrationError([0.95, 0.25], [true, true], 10)).toBeCloseTo(0.5 * 0.05 + 0.5 * 0.75);
  });
});

describe('spanScores', () => {
  it('counts a span right when its type and text match, ignoring case and edge punctuation, and flags chatter with any span', () => {
    const gold = [
      [
        { type: 'person', text: 'Jess' },
        { type: 'date', text: 'next Friday' },
      ],
      [],
    ];
    const found = [
      [
        { type: 'person', text: 'jess,' },
        { type: 'date', text: 'Friday' },
      ],
      [{ type: 'person', text: 'Grace' }],
    ];
    const { scores, falseAlarmLines } = spanScores(found, gold, ['person', 'date']);
    expect(scores.map((s) => [s.label, s.precision, s.recall])).toEqual([
      ['person', 0.5, 1],
      ['date', 0, 0],
    ]);
    expect(falseAlarmLines).toBe(1);
  });
});
