import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { otherLanguageScore } from '@app/dialogue-state';
import type { TextClassifier } from '@app/models';
import { expectedCalibrationError } from './metrics';
import { alarmCurve, type AlarmPoint } from './scope-curve';

/** A chat line labelled with the language a bilingual reader says it is in, and what kind of line it is (informal_en, plain, foreign_about, short, mixed). */
export interface LanguageRow {
  text: string;
  lang: string;
  kind: string;
}

/** Written for this project by a reader who saw neither the language model nor the policy: the validation set of `thresholds.language`. */
export const LANGUAGE_SET = 'data/nlu/eval/language.jsonl';

export function readLanguageSet(root: string): LanguageRow[] {
  return readFileSync(join(root, LANGUAGE_SET), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LanguageRow);
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
