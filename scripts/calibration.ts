/**
 * `npm run calibration`: the expected calibration error of every single-label head as served
 * (models/<task>), on the held-out set its training plan names first, and the accuracy beside it.
 * A well-calibrated score is what lets data/policy.json pick its thresholds from curves.
 */
import { ModelRepository, projectRoot } from '@app/models';
import { expectedCalibrationError } from './train/metrics';
import { DEFAULT_DATA, planTask, type TrainableTask } from './train/tasks';
import { readGoEmotions } from './train/datasets';
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
  await ekmanCurve(repository, root);
  await repository.release();
}

/**
 * The policy acts on emotion's best Ekman label when it scores at least `thresholds.emotion`:
 * how often that label is one of the row's gold labels (precision) and how many non-neutral rows
 * get a right one (coverage), at each threshold, on GoEmotions dev (its validation split; the test
 * split is held back); and the ECE of that label.
 */
async function ekmanCurve(repository: ModelRepository, root: string): Promise<void> {
  const data = resolve(root, DEFAULT_DATA.emotion, 'ekman');
  const rows = readGoEmotions(data, 'dev').examples;
  const model = await repository.load('emotion');
  const best = (await model.predict(rows.map((r) => r.text))).map((p) => p.groups.ekman?.[0]);
  await model.release();
  const correct = best.map((b, i) => b !== undefined && rows[i].labels.includes(b.name));
  console.log(
    `\nemotion, best Ekman label, ${rows.length} GoEmotions dev rows: ECE ${expectedCalibrationError(
      best.map((b) => b?.score ?? 0),
      correct,
    ).toFixed(4)}`,
  );
  console.log('| threshold | precision of an emotion (not neutral) | share of emotional rows that get one |\n|---|---|---|');
  const emotional = rows.filter((r) => !r.labels.includes('neutral')).length;
  let chosen: number | undefined;
  for (const t of [0.3, 0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9]) {
    const fired = best.map((b, i) => ({ b, i })).filter(({ b }) => b !== undefined && b.name !== 'neutral' && b.score >= t);
    const precision = fired.filter(({ i }) => correct[i]).length / fired.length;
    if (chosen === undefined && precision >= EMOTION_PRECISION) chosen = t;
    console.log(`| ${t.toFixed(2)} | ${precision.toFixed(3)} | ${((precision * fired.length) / emotional).toFixed(3)} |`);
  }
  console.log(
    `the lowest threshold whose precision is at least ${EMOTION_PRECISION}: ${chosen ?? 'none'} (policy.json thresholds.emotion)`,
  );
}

/** An emotional reply to a message that is not what it reads as is worse than a plain one: the precision the policy asks of an emotion. */
const EMOTION_PRECISION = 0.85;

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
