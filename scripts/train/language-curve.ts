import { join } from 'node:path';
import { z } from 'zod';
import { otherLanguageScore } from '@app/dialogue-state';
import type { TextClassifier } from '@app/models';
import { readJsonlRows } from '../eval/jsonl';
import { expectedCalibrationError } from './metrics';
import { alarmCurve, type AlarmPoint } from './scope-curve';

/** A chat line labelled with the language a bilingual reader says it is in (ISO 639-1), and what kind of line it is. */
const languageRowSchema = z.object({
  text: z.string().min(1),
  lang: z.string().regex(/^[a-z]{2}$/),
  kind: z.enum(['informal_en', 'plain', 'foreign_about', 'short', 'mixed']),
});
export type LanguageRow = z.infer<typeof languageRowSchema>;

/** Written for this project by a reader who saw neither the language model nor the policy: the validation set of `thresholds.language`. */
export const LANGUAGE_SET = 'data/nlu/eval/language.jsonl';

export function readLanguageSet(root: string): LanguageRow[] {
  return readJsonlRows(join(root, LANGUAGE_SET), languageRowSchema).map(({ row }) => row);
}

export interface LanguageCalibration {
  /** The top label's accuracy and expected calibration error over every row. */
  accuracy: number;
  ece: number;
  /** The policy's "not English" reading at each threshold: false alarms on English lines, recall on the others. */
  points: AlarmPoint[];
}

/** The language model as served, and the policy's reading of it (`languageNot: ["en"]`), on a labelled set. */
export async function calibrateLanguage(model: TextClassifier, rows: LanguageRow[], thresholds: number[]): Promise<LanguageCalibration> {
  const best = (await model.predict(rows.map((r) => r.text))).map((p) => p.labels[0]);
  const correct = best.map((b, i) => b?.name === rows[i].lang);
  const other = best.map((b, i) => otherLanguageScore(b && { label: b.name, score: b.score }, rows[i].text, ['en']));
  return {
    accuracy: correct.filter(Boolean).length / rows.length,
    ece: expectedCalibrationError(
      best.map((b) => b?.score ?? 0),
      correct,
    ),
    points: alarmCurve(
      other.filter((_, i) => rows[i].lang === 'en'),
      other.filter((_, i) => rows[i].lang !== 'en'),
      thresholds,
    ),
  };
}
