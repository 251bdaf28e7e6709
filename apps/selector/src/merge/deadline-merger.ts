/** What one contributor (an NLU task or a generator) delivered for a message. */
export interface Contribution<R = unknown> {
  contributor: string;
  result: R;
  arrivedAtMs: number;
}

export interface MergeRequest {
  messageId: string;
  /** Absolute epoch ms by which the reply must be out. */
  deadlineAtMs: number;
  /** Contributors whose answers close the merge early once all have arrived. */
  expected: string[];
}

export interface ClosedMerge<R = unknown> {
  messageId: string;
  contributions: Map<string, Contribution<R>>;
  /** Expected contributors that had not answered at close. */
  missed: string[];
  /** True when the deadline, not completeness, closed the merge. */
  deadlineReached: boolean;
  closedAtMs: number;
}

export type AddOutcome = 'accepted' | 'buffered' | 'late' | 'duplicate';

export interface DeadlineMergerOptions<R> {
  /** Close this long before the deadline, so the reply can still travel to the client in time. */
  marginMs: number;
  onClose: (merge: ClosedMerge<R>) => void;
  /** How many closed message ids to remember, to spot late results and redelivered messages. */
  closedMemory?: number;
  now?: () => number;
}

interface OpenMerge<R> {
  request: MergeRequest;
  contributions: Map<string, Contribution<R>>;
  timer: NodeJS.Timeout;
}

/**
 * Scatter-gather per message: collects contributions until every expected one is in or the
 * deadline (minus a margin) passes, then closes exactly once. Results that arrive before their
 * message are buffered until it opens or their deadline passes.
 */
export class DeadlineMerger<R = unknown> {
  private readonly open = new Map<string, OpenMerge<R>>();
  private readonly early = new Map<string, { deadlineAtMs: number; contributions: Contribution<R>[] }>();
  private readonly closed = new Set<string>();
  private readonly now: () => number;
  private readonly closedMemory: number;

  constructor(private readonly options: DeadlineMergerOptions<R>) {
    this.now = options.now ?? Date.now;
    this.closedMemory = options.closedMemory ?? 100_000;
  }

  get openCount(): number {
    return this.open.size;
  }

  isKnown(messageId: string): boolean {
    return this.open.has(messageId) || this.closed.has(messageId);
  }

  /** Starts a merge; false if this message is already open or was answered (a redelivery). */
  start(request: MergeRequest): boolean {
    if (this.isKnown(request.messageId)) return false;
    const merge: OpenMerge<R> = { request, contributions: new Map(), timer: undefined as unknown as NodeJS.Timeout };
    this.open.set(request.messageId, merge);
    for (const contribution of this.early.get(request.messageId)?.contributions ?? []) {
      merge.contributions.set(contribution.contributor, contribution);
    }
    this.early.delete(request.messageId);
    if (this.complete(merge)) {
      this.close(request.messageId, false);
    } else {
      const wait = request.deadlineAtMs - this.options.marginMs - this.now();
      merge.timer = setTimeout(() => this.close(request.messageId, true), Math.max(0, wait));
    }
    return true;
  }

  add(messageId: string, contributor: string, result: R, deadlineAtMs: number): AddOutcome {
    const contribution = { contributor, result, arrivedAtMs: this.now() };
    const merge = this.open.get(messageId);
    if (!merge) {
      if (this.closed.has(messageId)) return 'late';
      if (deadlineAtMs <= this.now()) return 'late';
      return this.buffer(messageId, deadlineAtMs, contribution);
    }
    if (merge.contributions.has(contributor)) return 'duplicate';
    merge.contributions.set(contributor, contribution);
    if (this.complete(merge)) this.close(messageId, false);
    return 'accepted';
  }

  /** Drops an open merge without answering it (its partition moved to another member, which answers it). */
  cancel(messageId: string): boolean {
    const merge = this.open.get(messageId);
    if (!merge) return false;
    clearTimeout(merge.timer);
    this.open.delete(messageId);
    return true;
  }

  /** Closes every open merge now (shutdown), so each still gets its answer. */
  closeAll(): void {
    for (const messageId of [...this.open.keys()]) this.close(messageId, true);
  }

  private complete(merge: OpenMerge<R>): boolean {
    return merge.request.expected.every((name) => merge.contributions.has(name));
  }

  private close(messageId: string, deadlineReached: boolean): void {
    const merge = this.open.get(messageId);
    if (!merge) return;
    clearTimeout(merge.timer);
    this.open.delete(messageId);
    this.remember(messageId);
    this.options.onClose({
      messageId,
      contributions: merge.contributions,
      missed: merge.request.expected.filter((name) => !merge.contributions.has(name)),
      deadlineReached,
      closedAtMs: this.now(),
    });
  }

  private buffer(messageId: string, deadlineAtMs: number, contribution: Contribution<R>): AddOutcome {
    const entry = this.early.get(messageId) ?? { deadlineAtMs, contributions: [] };
    if (entry.contributions.some((c) => c.contributor === contribution.contributor)) return 'duplicate';
    entry.contributions.push(contribution);
    this.early.set(messageId, entry);
    this.dropExpiredEarly();
    return 'buffered';
  }

  private dropExpiredEarly(): void {
    // Entries arrive in roughly deadline order, so stop at the first one still alive.
    const now = this.now();
    for (const [messageId, entry] of this.early) {
      if (entry.deadlineAtMs > now) break;
      this.early.delete(messageId);
    }
  }

  private remember(messageId: string): void {
    this.closed.add(messageId);
    // A Set iterates in insertion order, so the first entry is the oldest.
    if (this.closed.size > this.closedMemory) this.closed.delete(this.closed.values().next().value as string);
  }
}
