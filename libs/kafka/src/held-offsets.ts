/**
 * Offsets a consumer has read but whose work is not done yet, per partition: the committed offset
 * of a partition may not pass the lowest of them. A selector holds a message from the moment it
 * opens its merge until its reply, outcome and state are acknowledged by the broker, so a crash in
 * between redelivers the message instead of losing it.
 */
export class HeldOffsets {
  private readonly held = new Map<number, Set<bigint>>();

  hold(partition: number, offset: string): void {
    const offsets = this.held.get(partition) ?? new Set<bigint>();
    offsets.add(BigInt(offset));
    this.held.set(partition, offsets);
  }

  release(partition: number, offset: string): void {
    const offsets = this.held.get(partition);
    offsets?.delete(BigInt(offset));
    if (offsets?.size === 0) this.held.delete(partition);
  }

  /** How many offsets are held in all. */
  get size(): number {
    let size = 0;
    for (const offsets of this.held.values()) size += offsets.size;
    return size;
  }

  /**
   * The highest offset that may be committed for a partition, given the next offset to read
   * (`handledNext`): the lowest held offset if any is held below it, else `handledNext` itself.
   */
  committable(partition: number, handledNext: string): string {
    let lowest = BigInt(handledNext);
    for (const offset of this.held.get(partition) ?? []) if (offset < lowest) lowest = offset;
    return lowest.toString();
  }

  /** Partitions with offsets held. */
  partitions(): number[] {
    return [...this.held.keys()];
  }

  /** Forgets partitions this member no longer owns: their new owner reads from the committed offset. */
  drop(partitions: number[]): void {
    for (const partition of partitions) this.held.delete(partition);
  }
}
