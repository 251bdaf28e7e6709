import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { ConversationStateSchema, TurnSchema, deriveMeta, type ConversationState, type EventMeta, type Turn } from '@app/contracts';

/** A past exchange as generators use it: what the user said and what the bot answered. */
export interface HistoryTurn {
  user: string;
  bot: string;
}

export type TurnInit = MessageInitShape<typeof TurnSchema> & { userText: string };

/**
 * The dialogue state of the conversations on this member's partitions, read from and written to
 * the chat.conversations changelog. Keyed by partition too, so a rebalance drops exactly the
 * conversations that moved to another member.
 */
export class ConversationStore {
  private readonly byPartition = new Map<number, Map<string, ConversationState>>();
  private readonly partitionOf = new Map<string, number>();

  /** Keeps a state read from the changelog or just written; an older one (fewer turns) never replaces a newer. */
  apply(partition: number, state: ConversationState): boolean {
    const conversationId = state.meta?.conversationId;
    if (!conversationId) return false;
    const current = this.get(conversationId);
    if (current && current.turnCount > state.turnCount) return false;
    let states = this.byPartition.get(partition);
    if (!states) this.byPartition.set(partition, (states = new Map()));
    states.set(conversationId, state);
    this.partitionOf.set(conversationId, partition);
    return true;
  }

  get(conversationId: string): ConversationState | undefined {
    const partition = this.partitionOf.get(conversationId);
    return partition === undefined ? undefined : this.byPartition.get(partition)?.get(conversationId);
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
