/**
 * `npm run eval:replies [-- --url http://127.0.0.1:3000] [--min-acceptance 0.85] [--min-coverage 0.8] [--max-false-accusations 0]
 *   [--max-task-refusals 0] [--unjudged FILE] [--keep-run data/eval/first-runs/<set>.json]`
 *
 * Plays the committed conversations (data/eval/conversations.jsonl) through the public API of a
 * running stack (--url) or of one it starts itself, checks every reply automatically, looks up
 * the reader's judgement of each reply (data/eval/judgements.jsonl), prints the figures per check,
 * source, rule and category, and exits non-zero when a gate is not met. A new blind set's first run
 * is kept with --keep-run, to be judged later and counted by `npm run eval:blind`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '@app/models';
import { llmPersonaPrompt } from '../apps/selector/src/policy/safety-screen';
import { readConversations } from './eval/conversation-set';
import { firstRunOf } from './eval/first-runs';
import { readJudgements } from './eval/judgements';
import { playConversations, storedCandidates } from './eval/play';
import { buildReport, type EvalReport, type Tally } from './eval/report';
import { DEFAULT_NLU_LAYOUT, parseNluWorkers, type LocalStack } from './local-stack';
import { startWholeStack } from './bench/whole-stack';

const log = (line: string) => console.log(`[eval] ${line}`);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      /** The analytics sink, to record what every generator offered (default: the stack's own when it starts one). */
      sink: { type: 'string' },
      set: { type: 'string', default: 'data/eval/conversations.jsonl' },
      judgements: { type: 'string', default: 'data/eval/judgements.jsonl' },
      concurrency: { type: 'string', default: '4' },
      /** How long a user takes to answer a reply: the generators read the conversation from its changelog, a moment behind. */
      'pause-ms': { type: 'string', default: '1000' },
      generators: { type: 'string', default: 'retrieval,llm' },
      'min-acceptance': { type: 'string', default: '0.85' },
      'min-coverage': { type: 'string', default: '0.8' },
      'max-false-accusations': { type: 'string', default: '0' },
      'max-task-refusals': { type: 'string', default: '0' },
      out: { type: 'string', default: '.data/eval-replies.json' },
      unjudged: { type: 'string' },
      /** Keep this run's replies (a blind set's first run) for `npm run eval:blind`. */
      'keep-run': { type: 'string' },
    },
  });
  const root = projectRoot();
  const conversations = readConversations(resolve(root, values.set!));
  const judgements = readJudgements(resolve(root, values.judgements!));
  const persona = llmPersonaPrompt(root) ?? '';
  const total = conversations.reduce((n, c) => n + c.turns.length, 0);
  log(`${conversations.length} conversations, ${total} turns, ${judgements.size} judgements`);
  let stack: LocalStack | undefined;
  try {
    let url = values.url;
    let sink = values.sink;
    if (!url) {
      stack = await startWholeStack('eval', {
        root,
        generators: values.generators!.split(',').filter(Boolean),
        nluWorkers: parseNluWorkers(DEFAULT_NLU_LAYOUT),
        log,
      });
      url = stack.gatewayUrl;
      sink = stack.sinkUrl;
    }
    const started = Date.now();
    const played = await playConversations(url, conversations, {
      concurrency: Number(values.concurrency),
      pauseMs: Number(values['pause-ms']),
      runId: `${Date.now().toString(36)}`,
      onTurn: (done) => done % 50 === 0 && log(`played ${done}/${total} turns (${((Date.now() - started) / 1000).toFixed(0)} s)`),
    });
    const report = buildReport(conversations, played, judgements, persona, {
      minAcceptance: Number(values['min-acceptance']),
      minCoverage: Number(values['min-coverage']),
      maxFalseAccusations: Number(values['max-false-accusations']),
      maxTaskRefusals: Number(values['max-task-refusals']),
    });
    const out = resolve(root, values.out!);
    mkdirSync(dirname(out), { recursive: true });
    let candidates = {};
    if (sink) {
      // The sink writes in batches: give the last turns' rows a moment to land.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      candidates = Object.fromEntries(await storedCandidates(sink, played));
    }
    writeFileSync(out, `${JSON.stringify({ played, report, candidates }, null, 2)}\n`);
    if (values.unjudged) {
      writeFileSync(
        resolve(root, values.unjudged),
        report.unjudged.map((u) => JSON.stringify({ ...u, verdict: '', reason: '' })).join('\n') + '\n',
      );
      log(`${report.unjudged.length} unjudged replies written to ${values.unjudged}`);
    }
    if (values['keep-run']) {
      const set = basename(values.set!, '.jsonl').replace(/^conversations-?/, '') || 'main';
      const build = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
      const run = firstRunOf(set, build, new Date().toISOString().slice(0, 10), played);
      writeFileSync(resolve(root, values['keep-run']), `${JSON.stringify(run, null, 2)}\n`);
      log(`this run's replies kept in ${values['keep-run']} (build ${build})`);
    }
    print(report);
    log(`every reply and figure: ${out}`);
    if (report.gates.some((g) => !g.ok)) process.exitCode = 1;
  } finally {
    await stack?.stop();
  }
}

function print(report: EvalReport): void {
  const pct = (n: number) => `${(100 * n).toFixed(1)}%`;
  const table = (title: string, rows: Record<string, Tally>) => {
    log(`${title}: turns, judged, accepted (of judged)`);
    for (const [key, t] of Object.entries(rows).sort((a, b) => b[1].turns - a[1].turns))
      log(
        `  ${key.padEnd(24)} ${String(t.turns).padStart(4)} ${String(t.judged).padStart(4)} ${t.judged ? pct(t.accepted / t.judged) : '—'}`,
      );
  };
  log(`automatic checks (failed / checked):`);
  for (const [label, c] of Object.entries(report.checks)) log(`  ${label.padEnd(24)} ${c.failed} / ${c.checked}`);
  table('by source', report.bySource);
  table('by rule', report.byRule);
  table('by category', report.byCategory);
  for (const g of report.gates) log(`gate: ${g.name}: ${g.share ? pct(g.value) : g.value} (${g.limit}) ${g.ok ? 'ok' : 'FAILED'}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
