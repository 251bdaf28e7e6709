import { ResultStatus } from '@app/contracts';
import { ItemFailure, toOutcome } from './message-batch-worker';

describe('toOutcome', () => {
  it('reports an output as OK with the batch latency', () => {
    expect(toOutcome({ text: 'hi' }, 12)).toEqual({ status: ResultStatus.OK, output: { text: 'hi' }, latencyMs: 12 });
  });

  it('reports a missing output as skipped at its deadline', () => {
    expect(toOutcome(undefined, 12)).toEqual({ status: ResultStatus.SKIPPED_DEADLINE });
  });

  it("reports an ItemFailure as that message's error, with its reason", () => {
    expect(toOutcome(new ItemFailure('no finished sentence'), 12)).toEqual({
      status: ResultStatus.ERROR,
      error: 'no finished sentence',
    });
  });
});
