/**
 * `npm run train -- --task intent [--data DIR|FILE] [--hidden 256] [--epochs 30] [--seed 7]`
 *
 * Embeds the task's data with the pinned encoder, trains its head(s) with a seed, exports each as
 * ONNX, and writes models/<task>/manifest.json and MODEL_CARD.md with the scores on held-out data.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  exportHeadOnnx,
  hashedNgrams,
  roundWeightsToHalf,
  HEAD_INPUT,
  HEAD_OUTPUT,
  HeadRunner,
  ModelRepository,
  projectRoot,
  sha256Of,
  type EncoderHeadManifest,
  type HeadSpec,
  type NgramSpec,
} from '@app/models';
import { embedAll } from './train/embedding-cache';
import { accuracy, bestThreshold, macroF1, perLabel } from './train/metrics';
import { predictMlp, seededRandom, trainMlp, type TrainingSet } from './train/mlp';
import { alarmCurve, chooseAlarm, chooseThreshold, scopeCurve, type AlarmPoint, type ScopePoint } from './train/scope-curve';
import { DEFAULT_DATA, planTask, TASK_NAMES, type TrainableTask } from './train/tasks';
import type { Example } from './train/datasets';

const ENCODER = 'minilm-l6-v2-int8';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      task: { type: 'string' },
      data: { type: 'string' },
      hidden: { type: 'string', default: '256' },
      epochs: { type: 'string', default: '30' },
      seed: { type: 'string', default: '7' },
      'learning-rate': { type: 'string', default: '0.001' },
      'weight-decay': { type: 'string', default: '0.0001' },
      version: { type: 'string', default: '1.0.0' },
      encoder: { type: 'string', default: ENCODER },
      /** Buckets of hashed word uni+bigrams fed next to the embedding; 0 = embedding only. */
      ngrams: { type: 'string', default: '0' },
      /** Character n-gram length added to the hashed features (0 = words only). */
      chars: { type: 'string', default: '0' },
      /** Store the head's weight matrices as float16 (half the file; scores are taken on the rounded weights). */
      float16: { type: 'boolean', default: false },
    },
  });
  const task = values.task as TrainableTask;
  if (!TASK_NAMES.includes(task)) throw new Error(`--task must be one of ${TASK_NAMES.join(', ')}`);
  const root = projectRoot();
  const data = resolve(root, values.data ?? DEFAULT_DATA[task]);
  const options = {
    hidden: Number(values.hidden),
    epochs: Number(values.epochs),
    seed: Number(values.seed),
    learningRate: Number(values['learning-rate']),
    weightDecay: Number(values['weight-decay']),
    batchSize: 64,
  };
  const log = (line: string) => console.log(`[train ${task}] ${line}`);
  const plan = planTask(task, data, root);
  const repository = new ModelRepository({ log });
  const encoder = await repository.encoder(values.encoder!);
  const cache = join(root, '.cache', 'embeddings');
  const ngramDims = Number(values.ngrams);
  const chars = Number(values.chars);
  const ngramSpec: NgramSpec | undefined = ngramDims > 0 ? { dims: ngramDims, n: 2, ...(chars > 0 ? { chars } : {}) } : undefined;
  const width = encoder.dimension + ngramDims;
  /** The head's input rows: the embedding, then the hashed n-grams when asked for. */
  const embed = async (examples: Example[]) => {
    const texts = examples.map((e) => e.text);
    const embeddings = await embedAll(encoder, texts, cache, log);
    if (!ngramSpec) return embeddings;
    const lexical = hashedNgrams(texts, ngramSpec);
    const rows = new Float32Array(texts.length * width);
    for (let r = 0; r < texts.length; r++) {
      rows.set(embeddings.subarray(r * encoder.dimension, (r + 1) * encoder.dimension), r * width);
      rows.set(lexical.subarray(r * ngramDims, (r + 1) * ngramDims), r * width + encoder.dimension);
    }
    return rows;
  };
  const outDir = join(root, 'models', task);
  mkdirSync(outDir, { recursive: true });

  const heads: HeadSpec[] = [];
  const trained = new Map<string, { spec: HeadSpec; head: ReturnType<typeof trainMlp> }>();
  for (const plan_ of plan.heads) {
    log(`head ${plan_.name}: ${plan_.train.length} rows, ${plan_.labels.length} labels${plan_.multiLabel ? ' (multi-label)' : ''}`);
    // Multi-label heads hold back a seeded tenth of train to pick each label's threshold on.
    const random = seededRandom(options.seed);
    const calibration = plan_.multiLabel ? plan_.train.filter(() => random() < 0.1) : [];
    const calibrationSet = new Set(calibration);
    const fit = plan_.train.filter((e) => !calibrationSet.has(e));
    const x = await embed(fit);
    const index = new Map(plan_.labels.map((l, i) => [l, i]));
    const set: TrainingSet = { x, rows: fit.length, dims: width, classes: plan_.labels.length };
    if (plan_.multiLabel) {
      set.targets = new Uint8Array(fit.length * plan_.labels.length);
      fit.forEach((e, r) => e.labels.forEach((l) => (set.targets![r * plan_.labels.length + index.get(l)!] = 1)));
    } else {
      set.y = Int32Array.from(fit, (e) => index.get(e.labels[0])!);
    }
    const started = Date.now();
    const trainedHead = trainMlp(set, {
      ...options,
      onEpoch: (epoch, loss) => (epoch % 5 === 0 || epoch === 1) && log(`  epoch ${epoch}/${options.epochs} loss ${loss.toFixed(4)}`),
    });
    log(`  trained in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const head = values.float16 ? roundWeightsToHalf(trainedHead) : trainedHead;
    let thresholds: number[] | undefined;
    if (plan_.multiLabel) {
      const probabilities = predictMlp(head, await embed(calibration), calibration.length);
      const c = plan_.labels.length;
      thresholds = plan_.labels.map((label, k) =>
        bestThreshold(
          calibration.map((_, r) => probabilities[r * c + k]),
          calibration.map((e) => e.labels.includes(label)),
        ),
      );
    }
    const bytes = exportHeadOnnx(head, `${task}.${plan_.name}`, ngramDims, values.float16);
    const file = `${plan_.name}.head.onnx`;
    writeFileSync(join(outDir, file), bytes);
    const spec: HeadSpec = {
      name: plan_.name,
      file,
      sha256: sha256Of(bytes),
      labels: plan_.labels,
      multiLabel: plan_.multiLabel,
      input: HEAD_INPUT,
      output: HEAD_OUTPUT,
      ...(thresholds ? { thresholds } : {}),
    };
    heads.push(spec);
    trained.set(plan_.name, { spec, head });
    // The served head is the ONNX file: check that ONNX Runtime reproduces the trained weights.
    const runner = await HeadRunner.load(bytes, repository.runtime);
    const rows = Math.min(64, fit.length);
    const probe = x.subarray(0, rows * width);
    const column = (from: number, to: number) => {
      const out = new Float32Array(rows * (to - from));
      for (let r = 0; r < rows; r++) out.set(probe.subarray(r * width + from, r * width + to), r * (to - from));
      return out;
    };
    const viaOrt = (await runner.run(column(0, encoder.dimension), rows, ngramDims > 0 ? column(encoder.dimension, width) : undefined))
      .data;
    const viaJs = predictMlp(head, probe, rows);
    const drift = Math.max(...viaOrt.map((v, i) => Math.abs(v - viaJs[i])));
    if (drift > 1e-4) throw new Error(`exported head ${plan_.name} differs from the trained one by ${drift}`);
    await runner.release();
  }

  const results: { name: string; metric: string; value: number; bar?: number; detail?: string }[] = [];
  for (const evalSet of plan.evals) {
    const { spec, head } = trained.get(evalSet.head)!;
    const x = await embed(evalSet.examples);
    const probabilities = predictMlp(head, x, evalSet.examples.length);
    const c = spec.labels.length;
    const predicted = evalSet.examples.map((_, r) => {
      const row = probabilities.subarray(r * c, (r + 1) * c);
      if (!spec.multiLabel) return [spec.labels[row.indexOf(Math.max(...row))]];
      const over = spec.labels.filter((_, k) => row[k] >= spec.thresholds![k]);
      return over.length > 0 ? over : [spec.labels[row.indexOf(Math.max(...row))]];
    });
    const gold = evalSet.examples.map((e) => e.labels);
    if (evalSet.metric === 'outside') {
      const inside = new Set(evalSet.inside);
      results.push({ name: evalSet.name, metric: 'recall', value: predicted.filter((p) => !inside.has(p[0])).length / predicted.length });
    } else if (evalSet.metric === 'accuracy') {
      results.push({
        name: evalSet.name,
        metric: 'accuracy',
        value: accuracy(
          predicted.map((p) => p[0]),
          gold.map((g) => g[0]),
        ),
        bar: evalSet.bar,
      });
    } else {
      const scores = perLabel(predicted, gold, spec.labels);
      const detail = scores.map((s) => `${s.label} ${s.f1.toFixed(2)}`).join(', ');
      results.push({ name: evalSet.name, metric: 'macro-F1', value: macroF1(scores), bar: evalSet.bar, detail });
    }
    const last = results[results.length - 1];
    log(
      `${last.name}: ${last.value.toFixed(4)}${last.bar !== undefined ? ` (bar ${last.bar}: ${last.value >= last.bar ? 'met' : 'NOT met'})` : ''}`,
    );
  }

  let scope: { points: ScopePoint[]; chosen?: ScopePoint; bars: { inScopeAccuracy: number; outOfScopeRecall: number } } | undefined;
  if (plan.scope) {
    const { spec, head } = trained.get(plan.scope.head)!;
    const best = async (examples: Example[]) => {
      const probabilities = predictMlp(head, await embed(examples), examples.length);
      const c = spec.labels.length;
      return examples.map((e, r) => {
        const row = Array.from(probabilities.subarray(r * c, (r + 1) * c));
        const k = row.indexOf(Math.max(...row));
        return { best: spec.labels[k], score: row[k], gold: e.labels[0] };
      });
    };
    const thresholds = Array.from({ length: 20 }, (_, i) => i / 20);
    const points = scopeCurve(await best(plan.scope.inScope), await best(plan.scope.outOfScope), new Set(plan.scope.inside), thresholds);
    const chosen = chooseThreshold(points, plan.scope.bars.inScopeAccuracy);
    scope = { points, chosen, bars: plan.scope.bars };
    for (const p of points)
      log(
        `scope: threshold ${p.threshold.toFixed(2)}  in-scope accuracy ${p.inScopeAccuracy.toFixed(4)}  out-of-scope recall ${p.outOfScopeRecall.toFixed(4)}`,
      );
    log(
      chosen
        ? `scope: chosen threshold ${chosen.threshold.toFixed(2)} (in-scope ${chosen.inScopeAccuracy.toFixed(4)}, out-of-scope ${chosen.outOfScopeRecall.toFixed(4)}; bar ${plan.scope.bars.outOfScopeRecall}: ${chosen.outOfScopeRecall >= plan.scope.bars.outOfScopeRecall ? 'met' : 'NOT met'})`
        : `scope: no threshold keeps in-scope accuracy at ${plan.scope.bars.inScopeAccuracy}`,
    );
  }

  let alarm: AlarmReport | undefined;
  if (plan.alarm) {
    const { head: name, positive, validation, benign, harmful, bars } = plan.alarm;
    const { spec, head } = trained.get(name)!;
    const k = spec.labels.indexOf(positive);
    const scores = async (examples: Example[]) => {
      const probabilities = predictMlp(head, await embed(examples), examples.length);
      return examples.map((_, r) => probabilities[r * spec.labels.length + k]);
    };
    const validationScores = await scores(validation);
    const isPositive = validation.map((e) => e.labels[0] === positive);
    const thresholds = Array.from({ length: 19 }, (_, i) => (i + 1) / 20);
    const curve = alarmCurve(
      validationScores.filter((_, i) => !isPositive[i]),
      validationScores.filter((_, i) => isPositive[i]),
      thresholds,
    );
    const chosen = chooseAlarm(curve, bars.maxFalseAlarms) ?? curve[curve.length - 1];
    const [heldOut] = alarmCurve(await scores(benign.examples), await scores(harmful.examples), [chosen.threshold]);
    alarm = { curve, chosen, heldOut, benign: benign.name, harmful: harmful.name, bars };
    for (const p of curve)
      log(`alarm: threshold ${p.threshold.toFixed(2)}  validation false alarms ${p.falseAlarms.toFixed(4)}  recall ${p.recall.toFixed(4)}`);
    log(
      `alarm: chosen ${chosen.threshold.toFixed(2)}; ${benign.name}: ${heldOut.falseAlarms.toFixed(4)} flagged (bar ≤ ${bars.maxFalseAlarms}: ${heldOut.falseAlarms <= bars.maxFalseAlarms ? 'met' : 'NOT met'}); ${harmful.name}: recall ${heldOut.recall.toFixed(4)} (bar ≥ ${bars.minRecall}: ${heldOut.recall >= bars.minRecall ? 'met' : 'NOT met'})`,
    );
  }

  const manifest: EncoderHeadManifest = {
    format: 'onnx-head',
    name: task,
    task,
    version: values.version!,
    description: plan.description,
    encoder: encoder.name,
    heads,
    ...(ngramSpec ? { ngrams: ngramSpec } : {}),
    batching: { maxBatchSize: 32, maxQueueDelayMs: 100 },
    card: 'MODEL_CARD.md',
  };
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const command = `npm run train -- --task ${task} --data ${relative(root, data)} --hidden ${options.hidden} --epochs ${options.epochs} --weight-decay ${options.weightDecay} --ngrams ${ngramDims} --chars ${chars}${values.float16 ? ' --float16' : ''} --seed ${options.seed}`;
  writeFileSync(
    join(outDir, 'MODEL_CARD.md'),
    card(task, plan.description, plan.sources, encoder, heads, options, results, command, ngramSpec) +
      (scope ? scopeSection(scope) : '') +
      (alarm ? alarmSection(alarm) : ''),
  );
  log(`wrote ${relative(root, outDir)}/ (manifest.json, MODEL_CARD.md, ${heads.map((h) => h.file).join(', ')})`);
  await repository.release();
}

function card(
  task: string,
  description: string,
  sources: string[],
  encoder: { name: string; version: string; dimension: number },
  heads: HeadSpec[],
  options: { hidden: number; epochs: number; seed: number; learningRate: number; weightDecay: number; batchSize: number },
  results: { name: string; metric: string; value: number; bar?: number; detail?: string }[],
  command: string,
  ngrams: NgramSpec | undefined,
): string {
  const lexical = ngrams && `${ngrams.dims} (hashed word 1–${ngrams.n}-grams${ngrams.chars ? ` and character ${ngrams.chars}-grams` : ''})`;
  const input = lexical ? `${encoder.dimension} (embedding) + ${lexical}` : `${encoder.dimension}`;
  const shape = options.hidden > 0 ? `${input} → ${options.hidden} (ReLU) → labels` : `${input} → labels (linear)`;
  return `# Model card: ${task}

${description}.

- **Trained:** ${new Date().toISOString().slice(0, 10)}, by \`${command}\`
- **Encoder:** ${encoder.name} ${encoder.version} (frozen; sentence embeddings of ${encoder.dimension} values), see models/${encoder.name}/manifest.json
- **Head:** ${shape}; AdamW (learning rate ${options.learningRate}, weight decay ${options.weightDecay}), batch ${options.batchSize}, ${options.epochs} epochs, seed ${options.seed}
- **Heads:** ${heads.map((h) => `\`${h.file}\` (${h.labels.length} labels, ${h.multiLabel ? 'multi-label, sigmoid, a threshold per label picked on a seeded tenth of train' : 'softmax'})`).join('; ')}
- **Data:** ${sources.join('; ')}

## Scores on held-out data

| set | metric | value | bar |
|---|---|---|---|
${results.map((r) => `| ${r.name} | ${r.metric} | ${r.value.toFixed(4)} | ${r.bar !== undefined ? `${r.bar} (${r.value >= r.bar ? 'met' : 'not met'})` : '—'} |`).join('\n')}
${results
  .filter((r) => r.detail)
  .map((r) => `\nPer-label F1, ${r.name}: ${r.detail}.`)
  .join('\n')}

## Limits

- The encoder is all-MiniLM-L6-v2 with int8 weights, English-first; other languages get poorer labels (the language task says which language a message is in).
- Scores are on the sets above, not on live chat traffic; the social, toxicity and dialog-act sets are small and written for this project.
`;
}

/** The card's out-of-scope section: the whole curve and the threshold the policy uses. */
function scopeSection(scope: {
  points: ScopePoint[];
  chosen?: ScopePoint;
  bars: { inScopeAccuracy: number; outOfScopeRecall: number };
}): string {
  const { chosen, bars } = scope;
  return `
## Out of scope: the threshold trade-off

A message is taken as one of CLINC's 150 intents only when that intent is the head's best label
with at least the threshold; otherwise it is out of scope (small talk for the policy). CLINC150 val
(in-scope) and oos_val, swept:

| threshold | in-scope accuracy | out-of-scope recall |
|---|---|---|
${scope.points.map((p) => `| ${p.threshold.toFixed(2)} | ${p.inScopeAccuracy.toFixed(4)} | ${p.outOfScopeRecall.toFixed(4)} |`).join('\n')}

${
  chosen
    ? `Chosen: **${chosen.threshold.toFixed(2)}**, the best out-of-scope recall with in-scope accuracy ≥ ${bars.inScopeAccuracy}: in-scope ${chosen.inScopeAccuracy.toFixed(4)}, out-of-scope ${chosen.outOfScopeRecall.toFixed(4)} (bar ${bars.outOfScopeRecall}: ${chosen.outOfScopeRecall >= bars.outOfScopeRecall ? 'met' : 'not met'}). \`thresholds.intent\` in apps/selector/data/policy.json is this value.`
    : `No threshold keeps in-scope accuracy at ${bars.inScopeAccuracy}.`
}
`;
}

interface AlarmReport {
  curve: AlarmPoint[];
  chosen: AlarmPoint;
  heldOut: AlarmPoint;
  benign: string;
  harmful: string;
  bars: { maxFalseAlarms: number; minRecall: number };
}

/** The card's alarm section: the validation curve, the chosen threshold and the held-out figures at it. */
function alarmSection(alarm: AlarmReport): string {
  const { chosen, heldOut, bars } = alarm;
  return `
## The alarm threshold

Chosen on the validation split (the training file's held-out rows): the best recall whose false
alarms stay at or under ${bars.maxFalseAlarms}.

| threshold | validation false alarms | validation recall |
|---|---|---|
${alarm.curve.map((p) => `| ${p.threshold.toFixed(2)} | ${p.falseAlarms.toFixed(4)} | ${p.recall.toFixed(4)} |`).join('\n')}

Chosen: **${chosen.threshold.toFixed(2)}** (\`thresholds.toxic\` in apps/selector/data/policy.json). At it, on sets written apart from the training data:

| set | figure | value | bar |
|---|---|---|---|
| ${alarm.benign} | flagged | ${heldOut.falseAlarms.toFixed(4)} | ≤ ${bars.maxFalseAlarms} (${heldOut.falseAlarms <= bars.maxFalseAlarms ? 'met' : 'not met'}) |
| ${alarm.harmful} | recall | ${heldOut.recall.toFixed(4)} | ≥ ${bars.minRecall} (${heldOut.recall >= bars.minRecall ? 'met' : 'not met'}) |
`;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
