import { NLU_TASKS } from '@app/contracts';
import { NLU_LAYOUTS, parseNluWorkers } from './local-stack';

describe('parseNluWorkers', () => {
  it('reads a layout by name', () => {
    expect(parseNluWorkers('per-task')).toEqual(NLU_TASKS.map((task) => [task]));
    expect(parseNluWorkers('shared-encoder')).toBe(NLU_LAYOUTS['shared-encoder']);
  });

  it('reads processes separated by commas and their tasks joined by +', () => {
    expect(parseNluWorkers('intent+emotion, language,')).toEqual([['intent', 'emotion'], ['language']]);
  });

  it('has every task in each layout exactly once', () => {
    for (const layout of Object.values(NLU_LAYOUTS)) expect(layout.flat().sort()).toEqual([...NLU_TASKS].sort());
  });
});
