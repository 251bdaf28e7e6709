import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { ConversationStateSchema, TurnSchema, deriveMeta, type ConversationState, type EventMeta, type Turn } from '@app/contracts';

/** A past exchange as generators use it: what the user said and what the bot answered. */
export interface HistoryTurn {
  user: string;
  bot: string;
}

export type TurnInit = MessageInitShape<typeof TurnSchema> & { userText: string };

/** A conversation the store forgot for being idle: the changelog record to tombstone is keyed by its id, on its partition. */
export interface ExpiredConversation {
  conversationId: string;
  partition: number;
}

/** What an idle sweep must leave alone for now. */
export interface ExpiryExceptions {
  /** Partitions not swept (one being restored: a changelog record not read yet may be newer). */
  partition?: (partition: number) => boolean;
  /** Conversations not expired (one with a message being answered). */
  conversation?: (conversationId: string) => boolean;
}

interface StoredState {
  state: ConversationState;
  /** When the state was written (its meta's emit time), so a restored state keeps its age across restarts. */
  writtenAtMs: number;
}

/**
 * The dialogue state of the conversations on this member's partitions, read from and written to
 * the chat.conversations changelog. Keyed by partition too, so a rebalance drops exactly the
 * conversations that moved to another member.
 *
 * Each partition's map is in write order (an update moves its conversation to the end), so an idle
 * sweep reads only the expired conversations and stops at the first fresh one instead of scanning
 * them all. Without expiry the selector's heap grew ~8.5 KB per conversation ever seen (issue 17).
 */
export class ConversationStore {
  private readonly byPartition = new Map<number, Map<string, StoredState>>();
  private readonly partitionOf = new Map<string, number>();

  /**
   * Keeps a state read from the changelog or just written; an older one (fewer turns) never replaces a newer.
   * `now` stands in for a state without an emit time.
   */
  apply(partition: number, state: ConversationState, now = Date.now()): boolean {
    const conversationId = state.meta?.conversationId;
    if (!conversationId) return false;
    const current = this.get(conversationId);
    if (current && current.turnCount > state.turnCount) return false;
    this.forget(conversationId);
    let states = this.byPartition.get(partition);
    if (!states) this.byPartition.set(partition, (states = new Map()));
    states.set(conversationId, { state, writtenAtMs: state.meta?.emittedAtMs || now });
    this.partitionOf.set(conversationId, partition);
    return true;
  }

  /** A changelog record as it was read: a conversation's state, or a tombstone (null value) under its key. */
  applyRecord(partition: number, key: string, state: ConversationState | null): boolean {
    return state === null ? this.forget(key) : this.apply(partition, state);
  }

  get(conversationId: string): ConversationState | undefined {
    const partition = this.partitionOf.get(conversationId);
    return partition === undefined ? undefined : this.byPartition.get(partition)?.get(conversationId)?.state;
  }

  /** A tombstone (a null-value changelog record) for this conversation: its state is gone. */
  forget(conversationId: string): boolean {
    const partition = this.partitionOf.get(conversationId);
    if (partition === undefined) return false;
    this.partitionOf.delete(conversationId);
    const states = this.byPartition.get(partition);
    states?.delete(conversationId);
    if (states?.size === 0) this.byPartition.delete(partition);
    return true;
  }

  /**
   * Forgets and returns the conversations last written more than `idleMs` before `now`, but for the
   * exceptions; the caller tombstones them on the changelog. Stops at each partition's first fresh
   * conversation: write order is time order, give or take a state restored from another member's
   * write stamped earlier, which then expires no later than the one in front of it.
   */
  expireIdle(now: number, idleMs: number, except: ExpiryExceptions = {}): ExpiredConversation[] {
    const expired: ExpiredConversation[] = [];
    const before = now - idleMs;
    for (const [partition, states] of this.byPartition) {
      if (except.partition?.(partition)) continue;
      for (const [conversationId, { writtenAtMs }] of states) {
        if (writtenAtMs > before) break;
        if (except.conversation?.(conversationId)) continue;
        states.delete(conversationId);
        this.partitionOf.delete(conversationId);
        expired.push({ conversationId, partition });
      }
      if (states.size === 0) this.byPartition.delete(partition);
    }
    return expired;
  }

  /** Forgets the partitions this member lost; returns how many conversations went with them. */
  drop(partitions: number[]): number {
    let dropped = 0;
    for (const partition of partitions) {
      const states = this.byPartition.get(partition);
      if (!states) continue;
      for (const conversationId of states.keys()) this.partitionOf.delete(conversationId);
      dropped += states.size;
      this.byPartition.delete(partition);
    }
    return dropped;
  }

  get size(): number {
    return this.partitionOf.size;
  }
}

/** The state after one more exchange, keeping the last `window` turns. */
export function appendTurn(
  previous: ConversationState | undefined,
  meta: EventMeta,
  turn: TurnInit,
  window: number,
  now = Date.now(),
): ConversationState {
  const turns = [...(previous?.turns ?? []), create(TurnSchema, turn)].slice(-Math.max(1, window));
  return create(ConversationStateSchema, {
    meta: deriveMeta(meta, now),
    turns,
    turnCount: (previous?.turnCount ?? 0) + 1,
  });
}

/** The turn that answered this message, when it is in the state: a redelivery or a client's retry. */
export function answeredTurn(state: ConversationState | undefined, messageId: string): Turn | undefined {
  return state?.turns.find((turn) => turn.messageId === messageId);
}

/** The last `count` exchanges, oldest first. */
export function recentHistory(state: ConversationState | undefined, count: number): HistoryTurn[] {
  if (!state || count <= 0) return [];
  return state.turns.slice(-count).map((turn) => ({ user: turn.userText, bot: turn.replyText }));
}
