/** What FAULT_REPLY does: nothing (`off`, the default), or a drill on every `every`-th answer. */
export type ReplyFaultMode = 'off' | 'double' | 'drop';

/**
 * A drill, off unless FAULT_REPLY is set (never in production): every FAULT_REPLY_EVERY-th answer
 * of this selector is published twice (`double`: the same records again) or not at all while its
 * offset is released as if it had been (`drop`: a lost publish). `npm run chaos -- --inject double|drop`
 * shows that the fault run catches both.
 */
export class ReplyFault {
  private answers = 0;

  constructor(
    private readonly mode: ReplyFaultMode,
    private readonly every: number,
  ) {}

  /** How many times to publish the next answer: 1, or 2 (`double`) or 0 (`drop`) on every `every`-th. */
  copies(): number {
    if (this.mode === 'off') return 1;
    this.answers++;
    if (this.answers % this.every !== 0) return 1;
    return this.mode === 'double' ? 2 : 0;
  }
}
