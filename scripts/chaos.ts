/**
 * `npm run chaos [-- --rate 4 --settle 6]`: the whole pipeline under a steady load while, in turn,
 * every NLU worker, every generator, the selector, the sink and the gateway are killed with
 * SIGKILL and started again, the broker is restarted, and the ClickHouse owner (the sink) is
 * stopped and started. Clients retry like real ones (same clientMessageId, backoff) until they get
 * an answer. Then it counts: every message a client sent has exactly one reply or an explicit
 * failure, and exactly one row in `messages` and in `outcomes`. Writes docs/bench/chaos.json and
 * prints the table for docs/reliability.md; exits 1 when anything was lost or doubled.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePorts } from '@app/local-kafka';
import { projectRoot } from '@app/models';
import { DEFAULT_NLU_LAYOUT, NLU_LAYOUTS, type LocalStack } from './local-stack';
import { startWholeStack } from './bench/whole-stack';

interface Sent {
  clientMessageId: string;
  userId: string;
  attempts: number;
  /** Distinct message ids and reply texts the client got back (both must stay at one). */
  messageIds: Set<string>;
  replies: Set<string>;
  reasons: string[];
  /** The final explicit refusal (a 4xx, or a 5xx after the retry budget), if there was no reply. */
  failure?: string;
  done: boolean;
}

interface Phase {
  name: string;
  startedAtMs: number;
  downMs: number;
}

const log = (line: string) => console.log(`[chaos] ${line}`);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: '4' },
      settle: { type: 'string', default: '6' },
      generators: { type: 'string', default: 'retrieval,llm' },
    },
  });
  const rate = Number(values.rate);
  const settleMs = Number(values.settle) * 1000;
  const root = projectRoot();
  const [kafkaPort] = await freePorts(1);
  const generators = values.generators!.split(',').filter(Boolean);
  // A fixed broker port, so the broker comes back where the apps expect it after its restart.
  const nluWorkers = NLU_LAYOUTS[DEFAULT_NLU_LAYOUT];
  const stack = await startWholeStack('chaos', {
    root,
    generators,
    nluWorkers,
    kafkaPort,
    env: { LLM_THREADS: '1', SINK_FLUSH_MS: '200' },
    log,
  });
  const sent: Sent[] = [];
  let loading = true;
  const clients = new Set<Promise<void>>();
  const load = (async () => {
    let i = 0;
    while (loading) {
      const started = Date.now();
      const client = send(stack, sent, i++).finally(() => clients.delete(client));
      clients.add(client);
      await pause(Math.max(0, 1000 / rate - (Date.now() - started)));
    }
  })();

  const phases: Phase[] = [];
  const phase = async (name: string, action: () => Promise<void>) => {
    await pause(settleMs);
    const startedAtMs = Date.now();
    log(`${name} ...`);
    await action();
    phases.push({ name, startedAtMs, downMs: Date.now() - startedAtMs });
    log(`${name}: back after ${((Date.now() - startedAtMs) / 1000).toFixed(1)} s (${sent.length} messages sent so far)`);
  };
  try {
    await pause(settleMs);
    for (const app of stack.apps.filter((a) => a.spec.app === 'nlu-worker' || a.spec.app === 'generator-worker').map((a) => a.spec.id))
      await phase(`kill -9 ${app}`, () => stack.restart(app, { kill: true }));
    for (const app of ['selector', 'analytics-sink', 'gateway']) await phase(`kill -9 ${app}`, () => stack.restart(app, { kill: true }));
    await phase('restart the broker', async () => {
      await stack.broker!.stop();
      await stack.broker!.start();
    });
    await phase('stop and start the ClickHouse owner (sink)', () => stack.restart('analytics-sink'));
    await pause(settleMs);
  } finally {
    loading = false;
    await load;
    log(`load stopped; waiting for ${clients.size} clients still retrying ...`);
    await Promise.allSettled([...clients]);
  }
  const report = await count(stack, sent, phases);
  await stack.stop();
  const dir = join(root, 'docs', 'bench');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'chaos.json'), `${JSON.stringify({ date: new Date().toISOString(), rate, ...report }, null, 2)}\n`);
  console.log(`\n${report.table}\n\nwrote docs/bench/chaos.json`);
  if (report.lost + report.doubledReplies + report.rowsMissing + report.rowsDoubled > 0) process.exit(1);
}

/** One client: sends, and retries with the same clientMessageId on anything but an answer or a 4xx. */
async function send(stack: LocalStack, sent: Sent[], i: number): Promise<void> {
  const record: Sent = {
    clientMessageId: `chaos-${i}-${randomUUID()}`,
    userId: `user-${i % 50}`,
    attempts: 0,
    messageIds: new Set(),
    replies: new Set(),
    reasons: [],
    done: false,
  };
  sent.push(record);
  const body = JSON.stringify({
    conversationId: `conv-${i % 40}`,
    userId: record.userId,
    text: TEXTS[i % TEXTS.length],
    clientMessageId: record.clientMessageId,
  });
  const giveUpAt = Date.now() + 90_000;
  while (Date.now() < giveUpAt) {
    record.attempts++;
    try {
      const res = await fetch(`${stack.gatewayUrl}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(15_000),
      });
      const json = (await res.json()) as { messageId?: string; reply?: { text: string; reason: string }; error?: { code: string } };
      if (res.status === 200 && json.reply) {
        record.messageIds.add(json.messageId!);
        record.replies.add(json.reply.text);
        record.reasons.push(json.reply.reason);
        record.done = true;
        return;
      }
      if (res.status >= 400 && res.status < 500 && res.status !== 429) {
        record.failure = `${res.status} ${json.error?.code}`;
        record.done = true;
        return;
      }
      record.failure = `${res.status} ${json.error?.code ?? ''}`.trim();
    } catch (error) {
      record.failure = (error as Error).name === 'TimeoutError' ? 'timeout' : 'connection';
    }
    await pause(Math.min(5_000, 250 * 2 ** Math.min(record.attempts, 5)));
  }
  // The retry budget is spent: the last answer (a 5xx, or nothing) is this message's explicit failure.
  record.done = record.failure !== 'connection' && record.failure !== 'timeout';
}

async function count(stack: LocalStack, sent: Sent[], phases: Phase[]) {
  const replied = sent.filter((s) => s.messageIds.size > 0);
  const failed = sent.filter((s) => s.messageIds.size === 0 && s.done);
  const lost = sent.filter((s) => !s.done);
  const doubledReplies = sent.filter((s) => s.messageIds.size > 1 || s.replies.size > 1);
  const retried = sent.filter((s) => s.attempts > 1);
  log(`counting rows in ClickHouse for ${replied.length} replied messages ...`);
  const rowsOf = async (messageId: string) => {
    const res = await fetch(`${stack.sinkUrl}/v1/analytics/messages/${messageId}`);
    const body = (await res.json()) as { messages: unknown[]; outcomes: unknown[] };
    return { messages: body.messages.length, outcomes: body.outcomes.length };
  };
  // The sink may still be writing what it re-read after its restarts.
  const deadline = Date.now() + 60_000;
  let rows: { messages: number; outcomes: number }[] = [];
  for (;;) {
    rows = [];
    for (const s of replied) rows.push(await rowsOf([...s.messageIds][0]));
    if (rows.every((r) => r.messages === 1 && r.outcomes === 1) || Date.now() > deadline) break;
    await pause(2_000);
  }
  const rowsMissing = rows.filter((r) => r.messages === 0 || r.outcomes === 0).length;
  const rowsDoubled = rows.filter((r) => r.messages > 1 || r.outcomes > 1).length;
  const gatewayFallbacks = replied.filter((s) => s.reasons.at(-1) === 'gateway.no_reply').length;
  const table = [
    '| sent | replied | of which retried | gateway fallbacks | explicit failures | lost | doubled replies | rows missing (messages/outcomes) | rows doubled |',
    '|---|---|---|---|---|---|---|---|---|',
    `| ${sent.length} | ${replied.length} | ${retried.filter((s) => s.messageIds.size > 0).length} | ${gatewayFallbacks} | ${failed.length} | ${lost.length} | ${doubledReplies.length} | ${rowsMissing} | ${rowsDoubled} |`,
    '',
    '| fault | time to ready again |',
    '|---|---|',
    ...phases.map((p) => `| ${p.name} | ${(p.downMs / 1000).toFixed(1)} s |`),
  ].join('\n');
  return {
    sent: sent.length,
    replied: replied.length,
    retried: retried.length,
    gatewayFallbacks,
    explicitFailures: failed.length,
    failures: failed.map((s) => s.failure),
    lost: lost.length,
    doubledReplies: doubledReplies.length,
    rowsMissing,
    rowsDoubled,
    phases: phases.map((p) => ({ name: p.name, downSeconds: Math.round(p.downMs / 100) / 10 })),
    table,
  };
}

const TEXTS = [
  'I had an awful day at work',
  'hello there!',
  'what will the weather be like tomorrow?',
  'I love you',
  'my sister got a puppy and it is so cute',
  'tell me a joke',
  'I went hiking last weekend',
  'what time is it?',
];

main().catch((error) => {
  console.error(`[chaos] ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
