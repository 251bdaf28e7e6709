/**
 * `npm run calibration`: the expected calibration error of every single-label head as served
 * (models/<task>), on the held-out set its training plan names first, and the accuracy beside it.
 * A well-calibrated score is what lets data/policy.json pick its thresholds from curves.
 */
import { ModelRepository, projectRoot } from '@app/models';
import { expectedCalibrationError } from './train/metrics';
import { DEFAULT_DATA, planTask, type TrainableTask } from './train/tasks';
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
  await repository.release();
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
