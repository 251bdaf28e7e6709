import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { NluResultSchema, ResultStatus, SCHEMA_VERSION, Topic, encodeEvent, eventHeaders } from '@app/contracts';
import type { LocalStack } from '../../scripts/local-stack';
import { eventually, getJson, postJson } from '../support/http';
import { sidePrefix, startSideStack } from '../support/side-stack';
import { stackInfo } from '../support/stack-info';

const SUNK = [Topic.messages, Topic.nluResults, Topic.candidates, Topic.outcomes];

describe('engagement summary (GET /v1/analytics/summary)', () => {
  const stack = stackInfo();
  const summary = async (minutes = 60) => (await getJson(`${stack.sinkUrl}/v1/analytics/summary?minutes=${minutes}`)).body;

  it('counts messages, users, conversations and love declarations as they arrive', async () => {
    const before = await summary();
    const user = `u-${randomUUID()}`;
    const conversationId = `c-${randomUUID()}`;
    for (const text of ['I love you', 'hello there', 'I really love you, you know']) {
      const res = await postJson(`${stack.gatewayUrl}/v1/messages`, { conversationId, userId: user, text, deadlineMs: 3000 });
      expect(res.status).toBe(200);
    }
    const after = await eventually(async () => {
      const s = await summary();
      return s.messages >= before.messages + 3 && s.loveDeclarations >= before.loveDeclarations + 2 ? s : undefined;
    });
    expect(after.activeUsers).toBeGreaterThanOrEqual(before.activeUsers + 1);
    expect(after.conversations).toBeGreaterThanOrEqual(before.conversations + 1);
    expect(Object.keys(after.replySources).sort()).toEqual(['canned', 'fallback', 'generative', 'retrieval']);
    const answered = Object.values(after.replySources as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(answered).toBeGreaterThanOrEqual(after.messages - 3); // the last replies may still be on their way to the sink
    expect(after.intents.love_declaration).toBeGreaterThanOrEqual(2);
    expect(after.latencyMs.reply.p95).toBeGreaterThanOrEqual(after.latencyMs.reply.p50);
    expect(after.latencyMs['nlu:intent'].p50).toBeGreaterThan(0);
    expect(after.series.length).toBeGreaterThan(0);
    expect(after).toEqual(
      expect.objectContaining({
        returningUsers: expect.any(Number),
        fallbackRate: expect.any(Number),
        deadlineMisses: expect.any(Number),
        turnsPerConversation: expect.any(Number),
        emotions: expect.any(Object),
      }),
    );
  });

  it('refuses a bad window with a machine-readable code', async () => {
    for (const minutes of ['0', '-5', 'abc', '99999']) {
      const res = await getJson(`${stack.sinkUrl}/v1/analytics/summary?minutes=${minutes}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_minutes');
    }
  });
});

/**
 * Exactly-once effect: a pipeline of its own sends N messages, then its sink is killed and its
 * consumer group rewound to the start of every topic it reads, so every record is delivered (and
 * inserted) again. Each table still holds exactly N rows per message, and the rollups count N.
 */
describe('the sink after a forced redelivery', () => {
  const shared = stackInfo();
  const prefix = sidePrefix('exactly-once');
  let stack: LocalStack;
  const kafka = new Kafka({ clientId: 'exactly-once-test', brokers: [shared.kafkaBrokers], logLevel: logLevel.NOTHING });

  beforeAll(async () => {
    stack = await startSideStack('exactly-once', {
      nluWorkers: [['sentiment']],
      generators: ['retrieval'],
      apps: ['analytics-sink', 'selector', 'nlu-worker', 'generator-worker', 'gateway'],
      env: { SINK_FLUSH_MS: '100' },
    });
  });
  afterAll(() => stack?.stop());

  it('keeps exactly one row per message in every table, and counts each message once', async () => {
    const N = 6;
    const ids: string[] = [];
    for (let i = 0; i < N; i++) {
      const res = await postJson(`${stack.gatewayUrl}/v1/messages`, {
        conversationId: `c-${randomUUID()}`,
        userId: `u-${i}`,
        text: `message number ${i}, what a day`,
        deadlineMs: 3000,
      });
      expect(res.status).toBe(200);
      ids.push(res.body.messageId);
    }
    const rowsOf = async (id: string) => (await getJson(`${stack.sinkUrl}/v1/analytics/messages/${id}`)).body;
    const counts = async () => {
      const all = await Promise.all(ids.map(rowsOf));
      return ['messages', 'nluResults', 'candidates', 'outcomes'].map((table) => all.map((rows) => rows[table].length));
    };
    const once = ['messages', 'nluResults', 'candidates', 'outcomes'].map(() => ids.map(() => 1));
    await eventually(async () => (JSON.stringify(await counts()) === JSON.stringify(once) ? true : undefined), 30_000);

    const admin = kafka.admin();
    await admin.connect();
    try {
      await stack.restart('analytics-sink', {
        kill: true,
        // The killed member leaves the group when its session times out; then the group can be rewound.
        whileStopped: async () => {
          await eventually(
            async () => {
              for (const topic of SUNK)
                await admin.resetOffsets({ groupId: `${prefix}analytics-sink`, topic: `${prefix}${topic}`, earliest: true });
              return true;
            },
            30_000,
            500,
          );
        },
      });
    } finally {
      await admin.disconnect();
    }
    // A fresh process counts from zero: every row of the run was written again.
    await eventually(async () => {
      const text = await (await fetch(`${stack.sinkUrl}/metrics`)).text();
      const written = [...text.matchAll(/^sink_rows_written_total\{[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
      return written >= 4 * N ? written : undefined;
    }, 30_000);
    expect(await counts()).toEqual(once);
    // Without FINAL (GET /v1/analytics/physical): the rows written again stay until a merge, each
    // alike its first copy; FINAL and the rollups count each message once.
    const physical = (await getJson(`${stack.sinkUrl}/v1/analytics/physical?minutes=60`)).body;
    for (const table of ['messages', 'nlu_results', 'candidates', 'outcomes']) {
      const stored = physical.tables[table];
      expect({ table, finalRows: stored.finalRows, differing: stored.differing }).toEqual({ table, finalRows: N, differing: 0 });
      expect(stored.rows).toBeGreaterThanOrEqual(N);
      expect(stored.rows).toBeLessThanOrEqual(2 * N);
      expect(Object.values(stored.perKey as Record<string, [number, number]>).map(([, contents]) => contents)).toEqual(ids.map(() => 1));
      expect({ table, ...physical.rollups[table] }).toEqual({ table, rollup: N, raw: N, cells: N, rawCells: N });
    }
    const summary = (await getJson(`${stack.sinkUrl}/v1/analytics/summary?minutes=60`)).body;
    expect(summary).toMatchObject({ messages: N, conversations: N, activeUsers: N });
    expect(Object.values(summary.replySources as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(N);
  });

  it('does not let a late "skipped" result replace an answered one, in the table or the rollups', async () => {
    const res = await postJson(`${stack.gatewayUrl}/v1/messages`, {
      conversationId: `c-${randomUUID()}`,
      userId: 'u-late',
      text: 'the bus was late again',
      deadlineMs: 3000,
    });
    expect(res.status).toBe(200);
    const { messageId, conversationId } = res.body;
    const rowsOf = async () => (await getJson(`${stack.sinkUrl}/v1/analytics/messages/${messageId}`)).body;
    const answered = await eventually(async () => {
      const rows = await rowsOf();
      return rows.nluResults.length === 1 && rows.nluResults[0].status === 'ok' ? rows : undefined;
    }, 30_000);
    const skipped = async () =>
      (await getJson(`${stack.sinkUrl}/v1/analytics/summary?minutes=60`)).body.skippedByContributor['nlu:sentiment'] ?? 0;
    const skippedBefore = await skipped();
    const handled = async () => {
      const text = await (await fetch(`${stack.sinkUrl}/metrics`)).text();
      const counted = (name: string) => Number(new RegExp(`^${name}\\{table="nlu_results"[^}]*\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
      return counted('sink_rows_written_total') + counted('sink_late_results_dropped_total');
    };
    const handledBefore = await handled();
    // What a sentiment worker that answered, crashed before committing and read the message again after its deadline sends.
    const producer = kafka.producer();
    await producer.connect();
    try {
      const now = Date.now();
      await producer.send({
        topic: `${prefix}${Topic.nluResults}`,
        messages: [
          {
            key: conversationId,
            value: encodeEvent(NluResultSchema, {
              meta: {
                schemaVersion: SCHEMA_VERSION,
                messageId,
                conversationId,
                userId: 'u-late',
                acceptedAtMs: now - 5000,
                emittedAtMs: now,
              },
              task: 'sentiment',
              status: ResultStatus.SKIPPED_DEADLINE,
              modelName: answered.nluResults[0].model_name,
            }),
            headers: eventHeaders(NluResultSchema.typeName, now - 2000, 't-late'),
          },
        ],
      });
    } finally {
      await producer.disconnect();
    }
    // Handled: written or dropped as late, whichever the sink decides.
    await eventually(async () => ((await handled()) > handledBefore ? true : undefined), 30_000);
    const rows = await rowsOf();
    expect(rows.nluResults.map((r: { status: string }) => r.status)).toEqual(['ok']);
    expect(await skipped()).toBe(skippedBefore);
  });
});
