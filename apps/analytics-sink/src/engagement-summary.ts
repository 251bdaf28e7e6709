import { Injectable } from '@nestjs/common';
import { ClickHouseStore } from './clickhouse.provider';

export interface Quantiles {
  p50: number;
  p95: number;
}

/** The figures of GET /v1/analytics/summary and the dashboard, over the last `minutes`. */
export interface EngagementSummary {
  minutes: number;
  since: string;
  generatedAt: string;
  messages: number;
  activeUsers: number;
  conversations: number;
  turnsPerConversation: number;
  /** Users active in the window who were first seen before it. */
  returningUsers: number;
  loveDeclarations: number;
  /** Best intent label → messages (top 10); best emotion label → messages. */
  intents: Record<string, number>;
  emotions: Record<string, number>;
  replySources: Record<'canned' | 'retrieval' | 'generative' | 'fallback', number>;
  replyRules: Record<string, number>;
  fallbackRate: number;
  /** Contributors that had not answered when a merge closed, summed over messages. */
  deadlineMisses: number;
  missesByContributor: Record<string, number>;
  /** Work skipped at its deadline by the workers themselves, by contributor. */
  skippedByContributor: Record<string, number>;
  /** reply (acceptance → reply), nlu:<task> and gen:<generator> (the model's own time). */
  latencyMs: Record<string, Quantiles>;
  series: { minute: string; messages: number; users: number; fallback: number; replyP95: number }[];
}

const SOURCES = ['canned', 'retrieval', 'generative', 'fallback'] as const;

/** Reads the per-minute rollups (migration 004) into the dashboard's figures. */
@Injectable()
export class EngagementSummaryReader {
  constructor(private readonly store: ClickHouseStore) {}

  async summary(minutes: number, now = new Date()): Promise<EngagementSummary> {
    const since = new Date(Math.floor((now.getTime() - minutes * 60_000) / 60_000) * 60_000);
    const params = { since: toClickHouseTime(since) };
    const t = (name: string) => this.store.table(name);
    const [totals, returning, nlu, nluLatency, candidates, outcomes, replyLatency, misses, series] = await Promise.all([
      this.rows<{ messages: string; users: string; conversations: string }>(
        `SELECT uniqExactMerge(messages) AS messages, uniqExactMerge(users) AS users, uniqExactMerge(conversations) AS conversations
         FROM ${t('rollup_messages_minute')} WHERE minute >= {since:DateTime}`,
        params,
      ),
      this.rows<{ returning: string }>(
        `SELECT count() AS returning FROM
           (SELECT DISTINCT user_id FROM ${t('messages')} WHERE accepted_at >= {since:DateTime}) AS active
         INNER JOIN
           (SELECT user_id FROM ${t('user_first_seen')} GROUP BY user_id HAVING min(first_seen) < {since:DateTime}) AS earlier
         USING user_id`,
        params,
      ),
      this.rows<{ task: string; label: string; status: string; messages: string }>(
        `SELECT task, label, status, uniqExactMerge(messages) AS messages FROM ${t('rollup_nlu_minute')}
         WHERE minute >= {since:DateTime} GROUP BY task, label, status`,
        params,
      ),
      this.rows<{ task: string; q: number[] }>(
        `SELECT task, quantilesMerge(0.5, 0.95)(latency) AS q FROM ${t('rollup_nlu_minute')}
         WHERE minute >= {since:DateTime} AND status = 'ok' GROUP BY task`,
        params,
      ),
      this.rows<{ generator: string; status: string; messages: string; q: number[] }>(
        `SELECT generator, status, uniqExactMerge(messages) AS messages, quantilesMerge(0.5, 0.95)(latency) AS q
         FROM ${t('rollup_candidates_minute')} WHERE minute >= {since:DateTime} GROUP BY generator, status`,
        params,
      ),
      this.rows<{ source: string; policy_rule: string; fallback: boolean; messages: string }>(
        `SELECT source, policy_rule, fallback, uniqExactMerge(messages) AS messages
         FROM ${t('rollup_outcomes_minute')} WHERE minute >= {since:DateTime} GROUP BY source, policy_rule, fallback`,
        params,
      ),
      this.rows<{ q: number[]; n: string }>(
        `SELECT quantilesMerge(0.5, 0.95)(latency) AS q, uniqExactMerge(messages) AS n FROM ${t('rollup_outcomes_minute')}
         WHERE minute >= {since:DateTime}`,
        params,
      ),
      this.rows<{ contributor: string; messages: string }>(
        `SELECT contributor, uniqExactMerge(messages) AS messages FROM ${t('rollup_misses_minute')}
         WHERE minute >= {since:DateTime} GROUP BY contributor`,
        params,
      ),
      this.rows<{ minute: string; messages: string; users: string; fallback: string; reply_p95: number }>(
        `SELECT m.minute AS minute, m.messages AS messages, m.users AS users, o.fallback AS fallback, o.reply_p95 AS reply_p95 FROM
           (SELECT minute, uniqExactMerge(messages) AS messages, uniqExactMerge(users) AS users
            FROM ${t('rollup_messages_minute')} WHERE minute >= {since:DateTime} GROUP BY minute) AS m
         LEFT JOIN
           (SELECT minute, uniqExactMergeIf(messages, fallback) AS fallback, quantilesMerge(0.5, 0.95)(latency)[2] AS reply_p95
            FROM ${t('rollup_outcomes_minute')} WHERE minute >= {since:DateTime} GROUP BY minute) AS o
         USING minute
         ORDER BY minute`,
        params,
      ),
    ]);
    const count = (value: string | number | undefined) => Number(value ?? 0);
    const messages = count(totals[0]?.messages);
    const conversations = count(totals[0]?.conversations);
    const labels = (task: string) =>
      Object.fromEntries(
        nlu
          .filter((r) => r.task === task && r.status === 'ok')
          .map((r) => [r.label, count(r.messages)] as const)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 10),
      );
    const replySources = Object.fromEntries(SOURCES.map((s) => [s, 0])) as EngagementSummary['replySources'];
    const replyRules: Record<string, number> = {};
    let answered = 0;
    let fallbacks = 0;
    for (const o of outcomes) {
      const n = count(o.messages);
      answered += n;
      if (o.fallback) fallbacks += n;
      if (o.source in replySources) replySources[o.source as keyof typeof replySources] += n;
      replyRules[o.policy_rule] = (replyRules[o.policy_rule] ?? 0) + n;
    }
    const latencyMs: Record<string, Quantiles> = {};
    if (count(replyLatency[0]?.n) > 0) latencyMs.reply = quantiles(replyLatency[0].q);
    for (const r of nluLatency) latencyMs[`nlu:${r.task}`] = quantiles(r.q);
    for (const c of candidates.filter((c) => c.status === 'ok')) latencyMs[`gen:${c.generator}`] = quantiles(c.q);
    const skippedByContributor: Record<string, number> = {};
    for (const r of nlu.filter((r) => r.status === 'skipped_deadline'))
      skippedByContributor[`nlu:${r.task}`] = (skippedByContributor[`nlu:${r.task}`] ?? 0) + count(r.messages);
    for (const c of candidates.filter((c) => c.status === 'skipped_deadline'))
      skippedByContributor[`gen:${c.generator}`] = count(c.messages);
    const missesByContributor = Object.fromEntries(misses.map((m) => [m.contributor, count(m.messages)]));
    return {
      minutes,
      since: since.toISOString(),
      generatedAt: now.toISOString(),
      messages,
      activeUsers: count(totals[0]?.users),
      conversations,
      turnsPerConversation: conversations > 0 ? round(messages / conversations) : 0,
      returningUsers: count(returning[0]?.returning),
      loveDeclarations: nlu
        .filter((r) => r.task === 'intent' && r.status === 'ok' && r.label === 'love_declaration')
        .reduce((sum, r) => sum + count(r.messages), 0),
      intents: labels('intent'),
      emotions: labels('emotion'),
      replySources,
      replyRules,
      fallbackRate: answered > 0 ? round(fallbacks / answered) : 0,
      deadlineMisses: Object.values(missesByContributor).reduce((a, b) => a + b, 0),
      missesByContributor,
      skippedByContributor,
      latencyMs,
      series: series.map((s) => ({
        minute: `${s.minute.replace(' ', 'T')}Z`,
        messages: count(s.messages),
        users: count(s.users),
        fallback: count(s.fallback),
        replyP95: Math.round(s.reply_p95 ?? 0),
      })),
    };
  }

  private async rows<T>(query: string, params: Record<string, unknown>): Promise<T[]> {
    const result = await this.store.client.query({ query, query_params: params, format: 'JSONEachRow' });
    return result.json<T>();
  }
}

const round = (value: number) => Math.round(value * 1000) / 1000;

function quantiles(q: number[] | undefined): Quantiles {
  return { p50: Math.round(q?.[0] ?? 0), p95: Math.round(q?.[1] ?? 0) };
}

/** 'YYYY-MM-DD hh:mm:ss' in UTC, as ClickHouse's DateTime parameters want it. */
export function toClickHouseTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}
