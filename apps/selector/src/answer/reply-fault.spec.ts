import { ReplyFault } from './reply-fault';

describe('ReplyFault', () => {
  const copies = (fault: ReplyFault, n: number) => Array.from({ length: n }, () => fault.copies());

  it('publishes every answer once when off', () => {
    expect(copies(new ReplyFault('off', 1), 5)).toEqual([1, 1, 1, 1, 1]);
  });

  it('publishes every n-th answer twice, or not at all', () => {
    expect(copies(new ReplyFault('double', 3), 7)).toEqual([1, 1, 2, 1, 1, 2, 1]);
    expect(copies(new ReplyFault('drop', 2), 4)).toEqual([1, 0, 1, 0]);
  });
});
