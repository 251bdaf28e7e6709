import { splitByDeadline } from './deadline-batches';
import type { ConsumedEvent } from './consumed-record';

const event = (deadlineAtMs: number) => ({ deadlineAtMs }) as ConsumedEvent<'chat.messages'>;

describe('splitByDeadline', () => {
  it('keeps work due after now and skips work due at or before now', () => {
    const { live, late } = splitByDeadline([event(999), event(1000), event(1001)], 1000);
    expect(live.map((e) => e.deadlineAtMs)).toEqual([1001]);
    expect(late.map((e) => e.deadlineAtMs)).toEqual([999, 1000]);
  });
});
