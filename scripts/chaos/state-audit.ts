import type { ConversationState } from '@app/contracts';
import type { Sent } from './clients';
import { groupBy } from './reply-audit';
import type { MessageRecord, ReplyRecord } from './topic-reader';

export interface StateRegression {
  conversationId: string;
  /** What the selector's state (its last chat.conversations record) says against what the topics say. */
  problem: 'no state' | 'fewer turns than answers' | 'more turns than answers' | 'name lost';
  turnCount: number;
  answered: number;
}

export interface NameRecall {
  asked: number;
  recalled: number;
  failures: { conversationId: string; name: string; reply: string }[];
}

/**
 * The selector's state after the faults, per chaos conversation: its turn count must equal the
 * number of the conversation's messages the selector answered (fewer: a turn lost to a crash or a
 * rebalance; more: a message counted twice, or answered without a reply sent), and it must still
 * hold the name the conversation opened with.
 */
export function auditState(
  conversations: { conversationId: string; name: string }[],
  states: Map<string, ConversationState | null>,
  messages: MessageRecord[],
  replies: ReplyRecord[],
): StateRegression[] {
  const answeredIn = groupBy(
    [...new Set(replies.filter((r) => r.kind !== 'resend').map((r) => `${r.conversationId}\u0000${r.messageId}`))],
    (key) => key.split('\u0000')[0],
  );
  const acceptedIn = new Set(messages.map((m) => m.conversationId));
  const regressions: StateRegression[] = [];
  for (const { conversationId, name } of conversations) {
    if (!acceptedIn.has(conversationId)) continue;
    const state = states.get(conversationId);
    const answered = answeredIn.get(conversationId)?.length ?? 0;
    const turnCount = state?.turnCount ?? 0;
    const at = { conversationId, turnCount, answered };
    if (!state) regressions.push({ ...at, problem: 'no state' });
    else if (turnCount < answered) regressions.push({ ...at, problem: 'fewer turns than answers' });
    else if (turnCount > answered) regressions.push({ ...at, problem: 'more turns than answers' });
    else if (state.userName !== name) regressions.push({ ...at, problem: 'name lost' });
  }
  return regressions;
}

/** The final "what's my name?" of each conversation: its reply must hold the name. */
export function auditNames(finals: Sent[], nameOf: (conversationId: string) => string): NameRecall {
  const failures: NameRecall['failures'] = [];
  for (const sent of finals) {
    const name = nameOf(sent.conversationId);
    const reply = [...sent.replies][0] ?? `(${sent.result ?? 'no reply'}: ${sent.failure ?? ''})`;
    if (!reply.toLowerCase().includes(name.toLowerCase())) failures.push({ conversationId: sent.conversationId, name, reply });
  }
  return { asked: finals.length, recalled: finals.length - failures.length, failures };
}
