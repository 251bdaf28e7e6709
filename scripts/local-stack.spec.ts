import { NLU_TASKS } from '@app/contracts';
import { APP_NAMES, NLU_LAYOUTS, parseNluWorkers, planApps, replicaNumber } from './local-stack';

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

describe('planApps', () => {
  const options = { nluWorkers: [['intent', 'emotion']], generators: ['retrieval', 'llm'] };

  it('gives an app of one replica its plain id', () => {
    expect(planApps(options, APP_NAMES).map((spec) => spec.id)).toEqual([
      'analytics-sink',
      'selector',
      'nlu-intent+emotion',
      'gen-retrieval',
      'gen-llm',
      'gateway',
    ]);
  });

  it('numbers the replicas of an app, which share its base id and settings', () => {
    const specs = planApps({ ...options, replicas: { selector: 3, 'generator-worker': 2 } }, ['selector', 'generator-worker']);
    expect(specs.map((spec) => [spec.id, spec.base])).toEqual([
      ['selector#1', 'selector'],
      ['selector#2', 'selector'],
      ['selector#3', 'selector'],
      ['gen-retrieval#1', 'gen-retrieval'],
      ['gen-retrieval#2', 'gen-retrieval'],
      ['gen-llm#1', 'gen-llm'],
      ['gen-llm#2', 'gen-llm'],
    ]);
    expect(new Set(specs.filter((spec) => spec.base === 'gen-llm').map((spec) => JSON.stringify(spec.env))).size).toBe(1);
  });
});

describe('replicaNumber', () => {
  it('reads the number after #, and 1 for an id without one', () => {
    expect(replicaNumber('selector#12')).toBe(12);
    expect(replicaNumber('nlu-intent+emotion')).toBe(1);
  });
});
