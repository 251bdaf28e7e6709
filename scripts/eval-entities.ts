/**
 * `npm run eval:entities [-- --tuned] [--misses]`: the entity tagger as served (models/entities) on
 * committed labelled chat lines (the held-out set by default): precision and recall per type, the
 * share of entity-free lines where it found something, and (--misses) each line it got wrong.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelRepository, projectRoot, type Span } from '@app/models';
import { spanScores } from './train/metrics';

/** `tuned`: the lines the chat rules were written against; `heldOut`: written apart and never read while writing them. */
export const ENTITY_SETS = { tuned: 'data/nlu/eval/entities.jsonl', heldOut: 'data/nlu/eval/entities-heldout.jsonl' };

export const ENTITY_TYPES = ['person', 'place', 'organization', 'date', 'relation', 'pet'];

export function readEntitySet(root: string, file = ENTITY_SETS.heldOut): { id: string; text: string; entities: Span[] }[] {
  return readFileSync(join(root, file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { id: string; text: string; entities: Span[] });
}

async function main(): Promise<void> {
  const set = process.argv.includes('--tuned') ? ENTITY_SETS.tuned : ENTITY_SETS.heldOut;
  const rows = readEntitySet(projectRoot(), set);
  console.log(set);
  const repository = new ModelRepository({ fetchMissing: false });
  const tagger = await repository.load('entities');
  const found = (await tagger.predict(rows.map((r) => r.text))).map((p) =>
    p.labels.filter((l) => l.text !== undefined).map((l) => ({ text: l.text!, type: l.name })),
  );
  const { scores, falseAlarmLines } = spanScores(
    found,
    rows.map((r) => r.entities),
    ENTITY_TYPES,
  );
  if (process.argv.includes('--misses')) {
    rows.forEach((row, i) => {
      const named = found[i].filter((s) => ENTITY_TYPES.includes(s.type));
      const show = (spans: Span[]) => spans.map((s) => `${s.type}:${s.text}`).join(', ');
      if (show(named).toLowerCase() !== show(row.entities).toLowerCase())
        console.log(`${row.id}  ${row.text}\n   want [${show(row.entities)}]  got [${show(named)}]`);
    });
  }
  console.log(`| type | gold spans | precision | recall | F1 |\n|---|---|---|---|---|`);
  for (const s of scores)
    console.log(`| ${s.label} | ${s.support} | ${s.precision.toFixed(3)} | ${s.recall.toFixed(3)} | ${s.f1.toFixed(3)} |`);
  console.log(
    `entity-free lines (${rows.filter((r) => r.entities.length === 0).length}) with something found: ${(falseAlarmLines * 100).toFixed(1)}%`,
  );
  await tagger.release();
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
