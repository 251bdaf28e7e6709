/**
 * `npm run calibration`: the expected calibration error of every single-label head as served
 * (models/<task>), on the held-out set its training plan names first, and the accuracy beside it.
 * A well-calibrated score is what lets data/policy.json pick its thresholds from curves.
 */
import { ModelRepository, projectRoot, type Prediction, type ScoredLabel } from '@app/models';
import { expectedCalibrationError } from './train/metrics';
import { DEFAULT_DATA, planTask, type TrainableTask } from './train/tasks';
import { readGoEmotions } from './train/datasets';
import { calibrateLanguage, LANGUAGE_SET, readLanguageSet } from './train/language-curve';
import { chooseAlarm } from './train/scope-curve';
import { resolve } from 'node:path';

const SINGLE_LABEL: TrainableTask[] = ['intent', 'sentiment', 'toxicity', 'dialog_act'];

async function main(): Promise<void> {
  const root = projectRoot();
  const repository = new ModelRepository({ runtime: { provider: 'cpu', intraOpThreads: 1 }, fetchMissing: false });
  console.log('| task | held-out set | rows | accuracy | ECE (15 bins) |');
  console.log('|---|---|---|---|---|');
  for (const task of SINGLE_LABEL) {
    const plan = planTask(task, resolve(root, DEFAULT_DATA[task]), root);
    const evalSet = plan.evals.find((e) => e.metric === 'accuracy')!;
    const model = await repository.load(task);
    const predictions = await model.predict(evalSet.examples.map((e) => e.text));
    const top = predictions.map((p) => p.labels[0]);
    const correct = top.map((label, i) => label.name === evalSet.examples[i].labels[0]);
    const accuracy = correct.filter(Boolean).length / correct.length;
    const ece = expectedCalibrationError(
      top.map((label) => label.score),
      correct,
    );
    console.log(`| ${task} | ${evalSet.name} | ${correct.length} | ${accuracy.toFixed(4)} | ${ece.toFixed(4)} |`);
    await model.release();
  }
  const ekman = readGoEmotions(resolve(root, DEFAULT_DATA.emotion, 'ekman'), 'dev').examples;
  await policyCurve(repository, 'emotion', ekman, (p) => p.groups.ekman?.[0], 'emotion, best Ekman label');
  const sentiment = planTask('sentiment', resolve(root, DEFAULT_DATA.sentiment), root).evals.find((e) => e.metric === 'accuracy')!.examples;
  await policyCurve(repository, 'sentiment', sentiment, (p) => p.labels[0], 'sentiment, best label');
  await languageCurve(repository, root);
  await repository.release();
}

/**
 * The policy answers a line in another language with its "I only do English" line when the
 * language task is at least `thresholds.language` sure of a language other than English and the line
 * has no English words: how many English lines that takes for another language (false alarms), and
 * how many of the others it catches, at each threshold, on the labelled chat lines; the threshold
 * is the best recall with at most 1% of English lines misread.
 */
async function languageCurve(repository: ModelRepository, root: string): Promise<void> {
  const rows = readLanguageSet(root);
  const model = await repository.load('language');
  const { accuracy, ece, points } = await calibrateLanguage(model, rows, [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95]);
  await model.release();
  const english = rows.filter((r) => r.lang === 'en').length;
  console.log(
    `\nlanguage, ${rows.length} lines of ${LANGUAGE_SET} (${english} English): top label accuracy ${accuracy.toFixed(4)}, ECE ${ece.toFixed(4)}`,
  );
  console.log('| threshold | English lines read as another language | other lines read as such |\n|---|---|---|');
  for (const p of points) console.log(`| ${p.threshold.toFixed(2)} | ${p.falseAlarms.toFixed(3)} | ${p.recall.toFixed(3)} |`);
  const chosen = chooseAlarm(points, MAX_ENGLISH_MISREAD);
  console.log(
    `the best recall with at most ${MAX_ENGLISH_MISREAD} of English lines misread: ${chosen?.threshold ?? 'none'} (policy.json thresholds.language)`,
  );
}

/**
 * Telling an English speaker the bot cannot read them is the costlier mistake (answered in English,
 * a Spanish line still gets a reply): the share of English lines it may happen to, half the 2%
 * the toxicity alarm may misread.
 */
const MAX_ENGLISH_MISREAD = 0.01;

/**
 * The policy acts on emotion's best Ekman label, and on sentiment's label, when it scores at least
 * `thresholds.emotion` / `thresholds.sentiment`: how often a label other than neutral is one of the
 * row's gold labels (precision) and what share of the non-neutral rows get a right one, at each
 * threshold, on GoEmotions dev (its validation split; the test split is held back); the ECE of the
 * label; and the lowest threshold with the precision the policy asks for.
 */
async function policyCurve(
  repository: ModelRepository,
  task: string,
  rows: { text: string; labels: string[] }[],
  pick: (prediction: Prediction) => ScoredLabel | undefined,
  what: string,
): Promise<void> {
  const model = await repository.load(task);
  const best = (await model.predict(rows.map((r) => r.text))).map(pick);
  await model.release();
  const correct = best.map((b, i) => b !== undefined && rows[i].labels.includes(b.name));
  const ece = expectedCalibrationError(
    best.map((b) => b?.score ?? 0),
    correct,
  );
  console.log(`\n${what}, ${rows.length} GoEmotions dev rows: ECE ${ece.toFixed(4)}`);
  console.log('| threshold | precision (not neutral) | share of non-neutral rows that get a right one |\n|---|---|---|');
  const marked = rows.filter((r) => !r.labels.includes('neutral')).length;
  let chosen: number | undefined;
  for (const t of [0.3, 0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9]) {
    const fired = best.map((b, i) => ({ b, i })).filter(({ b }) => b !== undefined && b.name !== 'neutral' && b.score >= t);
    const precision = fired.filter(({ i }) => correct[i]).length / fired.length;
    if (chosen === undefined && precision >= POLICY_PRECISION) chosen = t;
    console.log(`| ${t.toFixed(2)} | ${precision.toFixed(3)} | ${((precision * fired.length) / marked).toFixed(3)} |`);
  }
  console.log(`the lowest threshold whose precision is at least ${POLICY_PRECISION}: ${chosen ?? 'none'} (policy.json thresholds.${task})`);
}

/** A feeling or mood line on a message that is not what it reads as is worse than a plain one: the precision the policy asks of both. */
const POLICY_PRECISION = 0.85;

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
