/**
 * Which changelog partitions this member owns and whether each is restored yet: a partition is
 * restored once every record below the log end it had at assignment has been applied. Pure
 * bookkeeping, so the consumer's rebalance handling can be tested without a broker.
 */
export class ChangelogRestore {
  private readonly owned = new Set<number>();
  /** Partition → the offset it must be read up to (exclusive); present while restoring. */
  private readonly pending = new Map<number, bigint>();
  /** Partition → records applied since its restore began. */
  private readonly applied = new Map<number, number>();

  /** A new assignment: which partitions are new to this member, and which it lost. */
  assign(partitions: number[]): { added: number[]; revoked: number[] } {
    const next = new Set(partitions);
    const added = partitions.filter((p) => !this.owned.has(p)).sort((a, b) => a - b);
    const revoked = [...this.owned].filter((p) => !next.has(p)).sort((a, b) => a - b);
    for (const p of revoked) {
      this.owned.delete(p);
      this.pending.delete(p);
      this.applied.delete(p);
    }
    for (const p of added) {
      this.owned.add(p);
      this.pending.set(p, -1n); // log end not known yet
      this.applied.set(p, 0);
    }
    return { added, revoked };
  }

  /**
   * The log's start and end offsets at assignment. Returns true when the partition is already
   * restored (an empty log).
   */
  begin(partition: number, startOffset: string, endOffset: string): boolean {
    if (!this.pending.has(partition)) return false;
    if (BigInt(endOffset) <= BigInt(startOffset)) {
      this.pending.delete(partition);
      return true;
    }
    this.pending.set(partition, BigInt(endOffset));
    return false;
  }

  /** Records up to lastOffset were applied; true when that completes the partition's restore. */
  advance(partition: number, lastOffset: string, records: number): boolean {
    const end = this.pending.get(partition);
    if (end === undefined) return false;
    this.applied.set(partition, (this.applied.get(partition) ?? 0) + records);
    if (end < 0n || BigInt(lastOffset) + 1n < end) return false;
    this.pending.delete(partition);
    return true;
  }

  isRestoring(partition: number): boolean {
    return this.pending.has(partition);
  }

  appliedCount(partition: number): number {
    return this.applied.get(partition) ?? 0;
  }
}
