import type { EvalConversation } from './conversation-set';
import type { ServedReply } from './reply-checks';

export interface PlayedTurn {
  messageId: string;
  id: string;
  category: string;
  turn: number;
  user: string;
  reply: ServedReply;
  latencyMs: number;
  /** Each NLU task's best label and score, as the reply reported them. */
  nlu: Record<string, { label: string; score: number }>;
}

/**
 * Plays each conversation in order through the public HTTP API (`concurrency` conversations at a
 * time, each under a fresh conversation id), and returns every turn with the reply served. Each
 * turn after the first is sent `pauseMs` after the reply before it, as a person reads and types:
 * sooner, the generators may not have the last turn in their copy of the conversation yet.
 */
export async function playConversations(
  gatewayUrl: string,
  conversations: EvalConversation[],
  options: {
    concurrency: number;
    runId: string;
    deadlineMs?: number;
    pauseMs?: number;
    headers?: Record<string, string>;
    onTurn?: (done: number) => void;
  },
): Promise<PlayedTurn[]> {
  const played: PlayedTurn[] = [];
  let next = 0;
  const worker = async () => {
    while (next < conversations.length) {
      const conversation = conversations[next++];
      for (const [turn, { user }] of conversation.turns.entries()) {
        if (turn > 0 && options.pauseMs) await new Promise((done) => setTimeout(done, options.pauseMs));
        const started = Date.now();
        const res = await fetch(`${gatewayUrl}/v1/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...options.headers },
          body: JSON.stringify({
            conversationId: `eval-${options.runId}-${conversation.id}`,
            userId: `eval-${options.runId}-${conversation.id}`,
            text: user,
            ...(options.deadlineMs ? { deadlineMs: options.deadlineMs } : {}),
          }),
        });
        const body = (await res.json()) as {
          messageId?: string;
          reply?: ServedReply;
          nlu?: Record<string, { label: string; score: number }>;
          error?: { code: string };
        };
        if (!res.ok || !body.reply)
          throw new Error(`${conversation.id} turn ${turn}: HTTP ${res.status} ${JSON.stringify(body.error ?? body)}`);
        played.push({
          messageId: body.messageId ?? '',
          id: conversation.id,
          category: conversation.category,
          turn,
          user,
          reply: { text: body.reply.text, source: body.reply.source, reason: body.reply.reason },
          latencyMs: Date.now() - started,
          nlu: Object.fromEntries(Object.entries(body.nlu ?? {}).map(([task, r]) => [task, { label: r.label, score: r.score }])),
        });
        options.onTurn?.(played.length);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  return played.sort((a, b) => a.id.localeCompare(b.id) || a.turn - b.turn);
}

/** A generator's candidate for a played turn, as the analytics store recorded it. */
export interface StoredCandidate {
  generator: string;
  text: string;
  score: number;
  status: string;
}

/** Every turn's stored candidates (the sink's /v1/analytics/messages/<id>), for reading what the generators offered. */
export async function storedCandidates(sinkUrl: string, played: PlayedTurn[]): Promise<Map<string, StoredCandidate[]>> {
  const found = new Map<string, StoredCandidate[]>();
  for (const turn of played) {
    const res = await fetch(`${sinkUrl}/v1/analytics/messages/${turn.messageId}`);
    if (!res.ok) continue;
    const body = (await res.json()) as { candidates?: StoredCandidate[] };
    found.set(
      turn.messageId,
      (body.candidates ?? []).map((c) => ({ generator: c.generator, text: c.text, score: c.score, status: c.status })),
    );
  }
  return found;
}
