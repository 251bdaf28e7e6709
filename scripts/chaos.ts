/**
 * `npm run chaos [-- --rate 4 --settle 6 --selectors 3 --workers 2 --broker-outage 70 --inject double|drop]`:
 * the whole pipeline, with replicas (3 selectors, 2 NLU workers, 2 of each generator), under a
 * steady load of clients that retry like real ones, while in turn: the selectors are scaled up,
 * down and back (rebalances), one replica of every app is killed with SIGKILL (a selector with
 * merges open), the broker is down for longer than a producer retries, and the ClickHouse owner
 * (the sink) is down. Each conversation opens with the user's name and, after the faults, asks for it.
 *
 * Then it counts, from three sides: the clients (a reply within their budget; a 5xx after it is a
 * loss), the topics read raw (every reply record per message: a second decision or a record sent
 * twice is a double; every conversation's state against its answered messages) and ClickHouse as
 * stored, without FINAL (a row per message in every table, none stored twice differently, rollups
 * that count what the raw rows hold). Prints the tables for docs/reliability.md, writes
 * docs/bench/chaos.json (chaos-inject-<mode>.json with --inject) and exits 1 on any loss, double,
 * missing or differing row, rollup mismatch, state regression or forgotten name.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePorts } from '@app/local-kafka';
import { projectRoot } from '@app/models';
import type { PhysicalCounts } from '../apps/analytics-sink/src/physical-counts';
import { startWholeStack } from './bench/whole-stack';
import { auditClickHouse, type ClickHouseAudit } from './chaos/clickhouse-audit';
import { Load, newSent } from './chaos/clients';
import { MAX_CONVERSATIONS, NAMES, lineOf, nameQuestion } from './chaos/conversations';
import { runFaults, type Phase } from './chaos/faults';
import { auditReplies } from './chaos/reply-audit';
import { figures, tables } from './chaos/report';
import { auditNames, auditState } from './chaos/state-audit';
import { readTopics } from './chaos/topic-reader';
import { DEFAULT_NLU_LAYOUT, NLU_LAYOUTS, type LocalStack } from './local-stack';

const log = (line: string) => console.log(`[chaos] ${line}`);
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const PREFIX = 'chaos.';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: '4' },
      settle: { type: 'string', default: '6' },
      // Retrieval only by default: an LLM reply takes ~1 s of both cores, and two LLM replicas
      // (each its own copy of the model) would only take CPU from the NLU workers and the selectors.
      generators: { type: 'string', default: 'retrieval' },
      selectors: { type: 'string', default: '3' },
      workers: { type: 'string', default: '2' },
      'generator-replicas': { type: 'string', default: '2' },
      conversations: { type: 'string', default: '40' },
      'broker-outage': { type: 'string', default: '70' },
      'sink-outage': { type: 'string', default: '30' },
      // Longer than the broker's outage: a message sent as the broker goes down can still be answered.
      'client-budget': { type: 'string', default: '150' },
      inject: { type: 'string', default: 'off' },
      'inject-every': { type: 'string', default: '20' },
    },
  });
  const rate = Number(values.rate);
  const selectors = Number(values.selectors);
  const conversations = Math.min(MAX_CONVERSATIONS, Number(values.conversations));
  const inject = values.inject!;
  if (!['off', 'double', 'drop'].includes(inject)) throw new Error(`--inject is off, double or drop (not ${inject})`);
  const root = projectRoot();
  // A fixed broker port, so the broker comes back where the apps expect it after its outage.
  const [kafkaPort] = await freePorts(1);
  const generators = values.generators!.split(',').filter(Boolean);
  const nluWorkers = NLU_LAYOUTS[DEFAULT_NLU_LAYOUT];
  const startedAtMs = Date.now();
  const stack = await startWholeStack('chaos', {
    root,
    generators,
    nluWorkers,
    kafkaPort,
    replicas: { selector: selectors, 'nlu-worker': Number(values.workers), 'generator-worker': Number(values['generator-replicas']) },
    // Two NLU workers and two generators loading their models at once on two cores take a while.
    readyTimeoutMs: 240_000,
    env: { LLM_THREADS: '1', SINK_FLUSH_MS: '200' },
    appEnv: inject === 'off' ? {} : { selector: { FAULT_REPLY: inject, FAULT_REPLY_EVERY: values['inject-every']! } },
    log,
  });
  try {
    const load = new Load({
      gatewayUrl: stack.gatewayUrl,
      rate,
      budgetMs: Number(values['client-budget']) * 1000,
      line: (i) => lineOf(i, conversations),
    });
    load.start();
    let phases: Phase[];
    try {
      phases = await runFaults(
        stack,
        {
          settleMs: Number(values.settle) * 1000,
          brokerOutageMs: Number(values['broker-outage']) * 1000,
          sinkOutageMs: Number(values['sink-outage']) * 1000,
          selectors,
          waiting: () => load.waiting(),
          log,
        },
        () => `${load.sent.length} messages sent so far`,
      );
    } finally {
      await load.stop((n) => log(`load stopped; waiting for ${n} clients still retrying ...`));
    }
    const opened = new Set(load.sent.map((s) => s.conversationId));
    const asked = [...Array(conversations).keys()].map((k) => nameQuestion(k)).filter((line) => opened.has(line.conversationId));
    log(`asking ${asked.length} conversations for the name they opened with ...`);
    const finals = asked.map((line) => newSent(line, true));
    await Promise.all(finals.map((sent) => load.add(sent)));

    log('reading chat.messages, chat.replies and chat.conversations from the start ...');
    const topics = await readTopics(stack.kafkaBrokers, PREFIX);
    const replies = auditReplies(topics.messages, topics.replies);
    const nameOf = (conversationId: string) => NAMES[Number(conversationId.slice('conv-'.length))];
    const stateRegressions = auditState(
      [...opened].map((conversationId) => ({ conversationId, name: nameOf(conversationId) })),
      topics.conversations,
      topics.messages,
      topics.replies,
    );
    const names = auditNames(finals, nameOf);
    const accepted = [...new Set(topics.messages.map((m) => m.messageId))];
    const minutes = Math.ceil((Date.now() - startedAtMs) / 60_000) + 2;
    const clickhouse = await auditStored(stack, minutes, (counts) =>
      auditClickHouse(counts, accepted, { nlu_results: nluWorkers.flat(), candidates: generators }),
    );
    const result = figures({ sent: load.sent, messages: topics.messages, replies, clickhouse, stateRegressions, names, phases });
    const table = tables(result);
    const dir = join(root, 'docs', 'bench');
    mkdirSync(dir, { recursive: true });
    const file = inject === 'off' ? 'chaos.json' : `chaos-inject-${inject}.json`;
    writeFileSync(join(dir, file), `${JSON.stringify({ date: new Date().toISOString(), settings: values, ...result, table }, null, 2)}\n`);
    console.log(`\n${table}\n\nwrote docs/bench/${file}`);
    for (const d of replies.doubles.slice(0, 10)) log(`double: ${d.messageId} ${d.kinds.join(', ')}`);
    for (const r of stateRegressions.slice(0, 10))
      log(`state: ${r.conversationId} ${r.problem} (turns ${r.turnCount}, answered ${r.answered})`);
    for (const n of names.failures.slice(0, 10)) log(`name: ${n.conversationId} (${n.name}) got "${n.reply}"`);
    if (result.failures === 0) return 0;
    log(`FAILED: ${result.failures} problems (see the tables)`);
    return 1;
  } finally {
    await stack.stop();
  }
}

/**
 * ClickHouse as stored, once the sink has caught up (it re-reads what it had not committed after
 * its restarts): asked again until nothing expected is missing, or a minute has passed.
 */
async function auditStored(
  stack: LocalStack,
  minutes: number,
  audit: (counts: PhysicalCounts) => ClickHouseAudit,
): Promise<ClickHouseAudit> {
  log('counting rows in ClickHouse as stored (no FINAL) ...');
  const giveUpAt = Date.now() + 60_000;
  for (;;) {
    const res = await fetch(`${stack.sinkUrl}/v1/analytics/physical?minutes=${minutes}`);
    if (!res.ok) throw new Error(`GET /v1/analytics/physical: ${res.status} ${await res.text()}`);
    const result = audit((await res.json()) as PhysicalCounts);
    if (result.missing === 0 || Date.now() > giveUpAt) return result;
    await pause(2_000);
  }
}

main().then(
  (status) => process.exit(status),
  (error) => {
    console.error(`[chaos] ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  },
);
