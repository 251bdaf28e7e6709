import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { judgementKey, type Judgement } from './judgements';
import type { PlayedTurn } from './play';

/**
 * A blind set's first run, kept: the replies a build gave to a set nobody had read yet. Judged
 * later like any run, it is the project's honest figure of reply quality on conversations it was
 * not tuned on (data/eval/first-runs/<set>.json, written by `eval:replies --keep-run`).
 */
const firstRunSchema = z
  .object({
    set: z.string().min(1),
    build: z.string().min(1),
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    turns: z.array(z.object({ id: z.string(), turn: z.number().int().min(0), reply: z.string(), rule: z.string() }).strict()).min(1),
  })
  .strict();
export type FirstRun = z.infer<typeof firstRunSchema>;

/** A first run judged before its replies were kept (data/eval/first-runs/recorded.json): its figure, as docs/quality.md recorded it. */
const recordedSchema = z
  .object({
    $comment: z.string(),
    runs: z.array(
      z
        .object({ set: z.string(), build: z.string(), date: z.string(), accepted: z.number().int().min(0), turns: z.number().int().min(1) })
        .strict(),
    ),
  })
  .strict();

export interface BlindFigure {
  set: string;
  build: string;
  date: string;
  turns: number;
  judged: number;
  accepted: number;
  /** Computed from a kept run and today's verdicts, or recorded by hand before runs were kept. */
  origin: 'kept' | 'recorded';
}

/** The kept first run of a played set. */
export function firstRunOf(set: string, build: string, date: string, played: PlayedTurn[]): FirstRun {
  return { set, build, date, turns: played.map((t) => ({ id: t.id, turn: t.turn, reply: t.reply.text, rule: t.reply.reason ?? '' })) };
}

/** A kept run's figure under the verdicts given since: a reply without a verdict counts as not judged. */
export function judgeFirstRun(run: FirstRun, judgements: Map<string, Judgement>): BlindFigure {
  const verdicts = run.turns.map((t) => judgements.get(judgementKey(t.id, t.turn, t.reply))?.verdict);
  return {
    set: run.set,
    build: run.build,
    date: run.date,
    turns: run.turns.length,
    judged: verdicts.filter(Boolean).length,
    accepted: verdicts.filter((v) => v === 'accept').length,
    origin: 'kept',
  };
}

/** Every blind first run in `dir`, oldest first: the kept runs judged with `judgementsOf(set)`, and the recorded ones. */
export function blindFigures(dir: string, judgementsOf: (set: string) => Map<string, Judgement>): BlindFigure[] {
  const recorded = recordedSchema.parse(JSON.parse(readFileSync(join(dir, 'recorded.json'), 'utf8'))).runs;
  const kept = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'recorded.json')
    .map((f) => firstRunSchema.parse(JSON.parse(readFileSync(join(dir, f), 'utf8'))))
    .map((run) => judgeFirstRun(run, judgementsOf(run.set)));
  const figures: BlindFigure[] = [
    ...recorded.map((r) => ({ ...r, judged: r.turns, origin: 'recorded' as const })),
    ...kept.filter((k) => !recorded.some((r) => r.set === k.set)),
  ];
  return figures.sort((a, b) => a.date.localeCompare(b.date) || setNumber(a.set) - setNumber(b.set));
}

const setNumber = (set: string) => Number(/\d+$/.exec(set)?.[0] ?? 0);
