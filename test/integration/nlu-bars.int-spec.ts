import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelRepository, type TextClassifier } from '../../libs/models/src';
import { AbuseCues } from '../../apps/selector/src/policy/abuse-cues';
import { ResponsePolicy } from '../../apps/selector/src/policy/response-policy';
import { ENTITY_TYPES, readEntitySet } from '../../scripts/eval-entities';
import { readGoEmotions } from '../../scripts/train/datasets';
import { calibrateLanguage, readLanguageSet } from '../../scripts/train/language-curve';
import { macroF1, perLabel, spanScores } from '../../scripts/train/metrics';

const root = join(__dirname, '..', '..');
const jsonl = (file: string) =>
  readFileSync(join(root, file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { text: string; label: string });

/**
 * The committed intent, toxicity, emotion, language and entity models against the bars of the
 * NLU-precision issue, at the thresholds data/policy.json serves with, on held-out data (for
 * language, the set its threshold was chosen on): a retrained model that falls below fails here.
 */
describe('NLU quality bars at the served thresholds', () => {
  const repository = new ModelRepository({ runtime: { provider: 'cpu', intraOpThreads: 1 }, fetchMissing: false });
  const thresholds = ResponsePolicy.load().file.thresholds;
  let intent: TextClassifier;
  let toxicity: TextClassifier;

  beforeAll(async () => {
    intent = await repository.load('intent');
    toxicity = await repository.load('toxicity');
  });
  afterAll(async () => {
    await intent.release();
    await toxicity.release();
    await repository.release();
  });

  it('takes ≥ 90% of CLINC150 oos_val as outside its 150 intents while keeping ≥ 95% of val', async () => {
    const clinc = JSON.parse(readFileSync(join(root, '../shared/data/clinc150/data.json'), 'utf8')) as Record<string, [string, string][]>;
    const inside = new Set(clinc.train.map(([, label]) => label));
    const best = async (rows: [string, string][]) => (await intent.predict(rows.map(([text]) => text))).map((p) => p.labels[0]);
    const val = await best(clinc.val);
    const inScope = val.filter((b, i) => b.name === clinc.val[i][1] && b.score >= thresholds.intent).length / val.length;
    const oos = await best(clinc.oos_val);
    const outside = oos.filter((b) => !inside.has(b.name) || b.score < thresholds.intent).length / oos.length;
    expect({ inScope: inScope >= 0.95, outside: outside >= 0.9 }).toEqual({ inScope: true, outside: true });
  });

  it('flags ≤ 2% of the held-out benign social lines and ≥ 85% of the held-out toxic ones (the score with an abuse cue)', async () => {
    const cues = AbuseCues.load();
    const flagged = async (rows: { text: string }[]) => {
      const predictions = await toxicity.predict(rows.map((r) => r.text));
      const hits = predictions.filter(
        (p, i) => (p.labels.find((l) => l.name === 'toxic')?.score ?? 0) >= thresholds.toxic && cues.present(rows[i].text),
      );
      return { share: hits.length / rows.length, of: `${hits.length} of ${rows.length}` };
    };
    const benignRows = await flagged(jsonl('data/nlu/eval/toxicity-benign.jsonl'));
    const toxicRows = await flagged(jsonl('data/nlu/eval/toxicity-toxic.jsonl'));
    // The figures docs/models.md quotes.
    console.log(`toxicity with an abuse cue: benign flagged ${benignRows.of}, toxic caught ${toxicRows.of}`);
    const [benign, toxic] = [benignRows.share, toxicRows.share];
    expect({ benign, benignOk: benign <= 0.02, recallOk: toxic >= 0.85 }).toMatchObject({ benignOk: true, recallOk: true });
  });

  it('reaches Ekman macro-F1 ≥ 0.60 and 28-label macro-F1 ≥ 0.46 on GoEmotions dev, labels as served', async () => {
    const data = join(root, '../shared/data/goemotions');
    const fine = readGoEmotions(data, 'dev');
    const ekman = readGoEmotions(join(data, 'ekman'), 'dev');
    const emotion = await repository.load('emotion');
    const texts = fine.examples.map((e) => e.text);
    const predictions = [];
    // Batches of 64 as a worker sees them (one batch of 5,426 pads every text to the longest).
    for (let i = 0; i < texts.length; i += 64) predictions.push(...(await emotion.predict(texts.slice(i, i + 64))));
    await emotion.release();
    const score = (predicted: string[][], gold: string[][], labels: string[]) => macroF1(perLabel(predicted, gold, labels));
    const f1 = score(
      predictions.map((p) => p.labels.map((l) => l.name)),
      fine.examples.map((e) => e.labels),
      fine.labels,
    );
    const ekmanF1 = score(
      predictions.map((p) => (p.groups.ekman ?? []).map((l) => l.name)),
      ekman.examples.map((e) => e.labels),
      ekman.labels,
    );
    console.log(`GoEmotions dev: 28-label macro-F1 ${f1.toFixed(4)}, Ekman macro-F1 ${ekmanF1.toFixed(4)}`);
    expect({ f1Ok: f1 >= 0.46, ekmanOk: ekmanF1 >= 0.6 }).toEqual({ f1Ok: true, ekmanOk: true });
  });

  it('takes ≤ 1% of English chat lines for another language at thresholds.language, and catches most of the others', async () => {
    const language = await repository.load('language');
    const { points } = await calibrateLanguage(language, readLanguageSet(root), [thresholds.language]);
    await language.release();
    const [{ falseAlarms, recall }] = points;
    // docs/models.md: 0.005 and 0.712 at 0.7; the floor is a little under.
    console.log(`language at ${thresholds.language}: English misread ${falseAlarms.toFixed(3)}, others caught ${recall.toFixed(3)}`);
    expect({ falseAlarmsOk: falseAlarms <= 0.01, recallOk: recall >= 0.68 }).toEqual({ falseAlarmsOk: true, recallOk: true });
  });

  it('finds the entities of held-out chat lines per type, and next to none in chatter', async () => {
    // Floors a little under what `npm run eval:entities` measured (docs/models.md): a tagger change that loses them fails.
    const floors: Record<string, [precision: number, recall: number]> = {
      person: [0.65, 0.6],
      place: [0.8, 0.65],
      organization: [0.9, 0.4],
      date: [0.9, 0.9],
      relation: [0.9, 0.9],
      pet: [0.75, 0.35],
    };
    const rows = readEntitySet(root);
    const tagger = await repository.load('entities');
    const found = (await tagger.predict(rows.map((r) => r.text))).map((p) =>
      p.labels.filter((l) => l.text).map((l) => ({ type: l.name, text: l.text! })),
    );
    const { scores, falseAlarmLines } = spanScores(
      found,
      rows.map((r) => r.entities),
      ENTITY_TYPES,
    );
    const below = scores
      .filter((s) => s.precision < floors[s.label][0] || s.recall < floors[s.label][1])
      .map((s) => `${s.label} ${s.precision.toFixed(2)}/${s.recall.toFixed(2)}`);
    expect({ below, falseAlarmsOk: falseAlarmLines <= 0.05 }).toEqual({ below: [], falseAlarmsOk: true });
    await tagger.release();
  });
});
