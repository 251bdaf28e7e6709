import type { Sent } from './clients';
import type { ClickHouseAudit } from './clickhouse-audit';
import type { Phase } from './faults';
import type { ReplyAudit } from './reply-audit';
import type { NameRecall, StateRegression } from './state-audit';
import type { MessageRecord } from './topic-reader';

export interface ChaosFigures {
  sent: number;
  replied: number;
  retried: number;
  gatewayFallbacks: number;
  explicitFailures: number;
  /** Messages with no reply within the client's budget, or accepted and never answered by the selector. */
  lost: number;
  lostByClients: number;
  unanswered: number;
  doubledReplies: number;
  replies: Pick<ReplyAudit, 'accepted' | 'answered' | 'answerRecords' | 'resendRecords' | 'retriedMessages' | 'doubles'>;
  clickhouse: ClickHouseAudit;
  stateRegressions: StateRegression[];
  names: NameRecall;
  phases: { name: string; downSeconds: number }[];
  /** Anything that makes the run fail: the exit status is 1 when this is above 0. */
  failures: number;
}

/** The figures of one run from what the clients saw, what the topics hold and what ClickHouse holds. */
export function figures(input: {
  sent: Sent[];
  messages: MessageRecord[];
  replies: ReplyAudit;
  clickhouse: ClickHouseAudit;
  stateRegressions: StateRegression[];
  names: NameRecall;
  phases: Phase[];
}): ChaosFigures {
  const { sent, replies, clickhouse } = input;
  const clientOf = new Map(input.messages.map((m) => [m.messageId, m.clientMessageId]));
  const lostClients = new Set(sent.filter((s) => s.result === 'lost').map((s) => s.clientMessageId));
  for (const id of replies.unanswered) lostClients.add(clientOf.get(id) ?? id);
  // A client that saw two message ids or two texts for one clientMessageId is a double too.
  const doubled = new Set(replies.doubles.map((d) => d.messageId));
  for (const s of sent) if (s.messageIds.size > 1 || s.replies.size > 1) doubled.add(s.clientMessageId);
  const f = {
    sent: sent.length,
    replied: sent.filter((s) => s.result === 'replied').length,
    retried: sent.filter((s) => s.attempts > 1).length,
    gatewayFallbacks: sent.filter((s) => s.reasons.at(-1) === 'gateway.no_reply').length,
    explicitFailures: sent.filter((s) => s.result === 'refused').length,
    lost: lostClients.size,
    lostByClients: sent.filter((s) => s.result === 'lost').length,
    unanswered: replies.unanswered.length,
    doubledReplies: doubled.size,
    replies: {
      accepted: replies.accepted,
      answered: replies.answered,
      answerRecords: replies.answerRecords,
      resendRecords: replies.resendRecords,
      retriedMessages: replies.retriedMessages,
      doubles: replies.doubles,
    },
    clickhouse,
    stateRegressions: input.stateRegressions,
    names: input.names,
    phases: input.phases.map((p) => ({ name: p.name, downSeconds: Math.round(p.downMs / 100) / 10 })),
  };
  const failures =
    f.lost +
    f.doubledReplies +
    clickhouse.missing +
    clickhouse.differing +
    clickhouse.rollupMismatches.length +
    f.stateRegressions.length +
    f.names.failures.length;
  return { ...f, failures };
}

/** The tables for docs/reliability.md. */
export function tables(f: ChaosFigures): string {
  const ch = f.clickhouse;
  const order = ['messages', 'outcomes', 'nlu_results', 'candidates'];
  const per = (field: 'missing' | 'repeated' | 'differing') => order.map((t) => ch.tables[t]?.[field] ?? 0).join('/');
  return [
    '| sent | replied | of which retried | gateway fallbacks | explicit failures | lost | doubled replies | rows missing (m/o/n/c) | rows stored twice, differing (m/o/n/c) | rollup mismatches | state regressions | name recall |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    `| ${f.sent} | ${f.replied} | ${f.retried} | ${f.gatewayFallbacks} | ${f.explicitFailures} | **${f.lost}** | **${f.doubledReplies}** | **${per('missing')}** | **${per('differing')}** | **${ch.rollupMismatches.length}** | **${f.stateRegressions.length}** | ${f.names.recalled}/${f.names.asked} |`,
    '',
    '| message ids on chat.messages | answered by the selector | never answered | `answer` records on chat.replies | `resend` records | ids accepted twice or more | doubles |',
    '|---|---|---|---|---|---|---|',
    `| ${f.replies.accepted} | ${f.replies.answered} | ${f.unanswered} | ${f.replies.answerRecords} | ${f.replies.resendRecords} | ${f.replies.retriedMessages} | ${f.replies.doubles.length} |`,
    '',
    '| ClickHouse table | rows (no FINAL) | rows (FINAL) | missing | stored twice alike | stored twice, differing | rollup as read / raw | rollup cells / raw cells |',
    '|---|---|---|---|---|---|---|---|',
    ...order.map((t) => {
      const row = ch.tables[t];
      const r = ch.rollups[t];
      return `| ${t} | ${row.rows} | ${row.finalRows} | ${row.missing} | ${row.repeated} | ${row.differing} | ${r ? `${r.rollup} / ${r.raw}` : '–'} | ${r ? `${r.cells} / ${r.rawCells}` : '–'} |`;
    }),
    '',
    '| fault | time to ready again |',
    '|---|---|',
    ...f.phases.map((p) => `| ${p.name} | ${p.downSeconds.toFixed(1)} s |`),
  ].join('\n');
}
