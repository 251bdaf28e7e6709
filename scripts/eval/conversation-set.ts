import { z } from 'zod';
import { readJsonlRows } from './jsonl';

/** What an acceptable reply must do (checked where a check exists, judged always). */
export const MUST = [
  'acknowledge_negative',
  'acknowledge_positive',
  'stay_on_topic',
  'answer_about_bot',
  'decline_task',
  'set_boundary',
  'refuse_injection',
  'use_name',
  'greet',
  'farewell',
  'answer_question',
] as const;
/** What it must not do. */
export const MUST_NOT = ['accuse_user', 'task_refusal', 'claim_human', 'instruction_leak', 'cheerful', 'repeat'] as const;

const turnSchema = z
  .object({
    user: z.string().min(1),
    must: z.array(z.enum(MUST)),
    mustNot: z.array(z.enum(MUST_NOT)),
    topic: z.array(z.string()),
  })
  .strict();

const conversationSchema = z
  .object({
    id: z.string().regex(/^[a-z_]+-\d+$/),
    category: z.string().min(1),
    turns: z.array(turnSchema).min(1),
  })
  .strict();

export type EvalTurn = z.infer<typeof turnSchema>;
export type EvalConversation = z.infer<typeof conversationSchema>;

/** The committed evaluation set (data/eval/conversations.jsonl), validated: a bad line stops the run with its number. */
export function readConversations(file: string): EvalConversation[] {
  const ids = new Set<string>();
  return readJsonlRows(file, conversationSchema).map(({ row, line }) => {
    if (ids.has(row.id)) throw new Error(`${file}:${line}: duplicate id ${row.id}`);
    ids.add(row.id);
    return row;
  });
}
