import { existsSync } from 'node:fs';
import { z } from 'zod';
import { readJsonlRows } from './jsonl';

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
  if (!existsSync(file)) return new Map();
  return new Map(readJsonlRows(file, judgementSchema).map(({ row }) => [judgementKey(row.id, row.turn, row.reply), row]));
}
