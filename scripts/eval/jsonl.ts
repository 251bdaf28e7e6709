import { readFileSync } from 'node:fs';
import type { z } from 'zod';

/** Every line of a JSONL file parsed by `schema`; a bad line stops the run with its file and number. */
export function readJsonlRows<T>(file: string, schema: z.ZodType<T>): { row: T; line: number }[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((text, i) => ({ text, line: i + 1 }))
    .filter(({ text }) => text.trim())
    .map(({ text, line }) => {
      const parsed = schema.safeParse(JSON.parse(text));
      if (!parsed.success)
        throw new Error(`${file}:${line}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`);
      return { row: parsed.data, line };
    });
}
