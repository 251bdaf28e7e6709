import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelRepository, type TextClassifier } from '../../libs/models/src';
import { AbuseCues } from '../../apps/selector/src/policy/abuse-cues';
import { ResponsePolicy } from '../../apps/selector/src/policy/response-policy';

const root = join(__dirname, '..', '..');
const jsonl = (file: string) =>
  readFileSync(join(root, file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { text: string; label: string });

/**
 * The committed intent and toxicity models against the bars of the NLU-precision issue, at the
 * thresholds data/policy.json serves with, on held-out data: a retrained model that falls below
 * fails here.
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
});
