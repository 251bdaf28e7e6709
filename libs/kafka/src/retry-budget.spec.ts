import { RetryBudget } from './retry-budget';

describe('RetryBudget', () => {
  const poisonAt = (bad: number) => {
    const handled: number[][] = [];
    const handle = async (events: number[]) => {
      handled.push(events);
      if (events.includes(bad)) throw new Error(`cannot handle ${bad}`);
    };
    return { handled, handle };
  };

  it('throws a failing batch again until its last attempt, then handles its records one by one and gives up only the poison one', async () => {
    const budget = new RetryBudget(3);
    const { handled, handle } = poisonAt(2);
    const givenUp: [number, string][] = [];
    const giveUp = async (event: number, error: Error) => void givenUp.push([event, error.message]);
    await expect(budget.run('t/0/10', [1, 2, 3], handle, giveUp)).rejects.toThrow('cannot handle 2');
    await expect(budget.run('t/0/10', [1, 2, 3], handle, giveUp)).rejects.toThrow('cannot handle 2');
    expect(budget.pending).toBe(1);
    await budget.run('t/0/10', [1, 2, 3], handle, giveUp);
    expect(handled.slice(3)).toEqual([[1], [2], [3]]);
    expect(givenUp).toEqual([[2, 'cannot handle 2']]);
    expect(budget.pending).toBe(0);
  });

  it('forgets the failures of a batch that later succeeds, and counts batches apart', async () => {
    const budget = new RetryBudget(2);
    let flaky = true;
    const handle = async () => {
      if (flaky) throw new Error('broker hiccup');
    };
    const giveUp = jest.fn();
    await expect(budget.run('t/0/10', [1], handle, giveUp)).rejects.toThrow();
    await expect(budget.run('t/1/10', [1], handle, giveUp)).rejects.toThrow();
    flaky = false;
    await budget.run('t/0/10', [1], handle, giveUp);
    expect(budget.pending).toBe(1);
    flaky = true;
    // t/0/10 starts again from nothing: the next failure is its first, thrown again.
    await expect(budget.run('t/0/10', [1], handle, giveUp)).rejects.toThrow();
    expect(giveUp).not.toHaveBeenCalled();
  });

  it('with one attempt goes record by record at once', async () => {
    const { handle } = poisonAt(1);
    const giveUp = jest.fn(async () => undefined);
    await new RetryBudget(1).run('k', [1, 2], handle, giveUp);
    expect(giveUp).toHaveBeenCalledTimes(1);
  });

  it('refuses a budget that is not a positive integer', () => {
    expect(() => new RetryBudget(0)).toThrow(/positive integer/);
  });
});
