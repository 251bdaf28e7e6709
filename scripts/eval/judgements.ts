import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';

const judgementSchema = z
  .object({
    id: z.string(),
    turn: z.number().int().min(0),
    user: z.string(),
    reply: z.string(),
    verdict: z.enum(['accept', 'reject']),
    reason: z.string().min(1),
  })
  .strict();

export type Judgement = z.infer<typeof judgementSchema>;

const WEEKDAYS = /\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b/gi;
const MONTHS = /\b(?:january|february|march|april|may|june|july|august|september|october|november|december)\b/gi;

/**
 * A reader's verdict on one reply to one turn: a changed reply needs a new judgement. Numbers,
 * weekdays and months are masked, so the clock's lines ("It's 9:42 PM on Tuesday") keep their
 * verdict on another day.
 */
export const judgementKey = (id: string, turn: number, reply: string) =>
  `${id}#${turn}#${reply
    .trim()
    .replace(/\d+(?::\d+)?\s*(?:[ap]m)?/gi, '#')
    .replace(WEEKDAYS, '{weekday}')
    .replace(MONTHS, '{month}')}`;

/** data/eval/judgements.jsonl: one verdict per (conversation, turn, reply), each with its one-line reason. */
export function readJudgements(file: string): Map<string, Judgement> {
  const judged = new Map<string, Judgement>();
  if (!existsSync(file)) return judged;
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .forEach((line, i) => {
      const parsed = judgementSchema.safeParse(JSON.parse(line));
      if (!parsed.success)
        throw new Error(`${file}:${i + 1}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`);
      judged.set(judgementKey(parsed.data.id, parsed.data.turn, parsed.data.reply), parsed.data);
    });
  return judged;
}
