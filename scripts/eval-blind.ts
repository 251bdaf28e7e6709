/**
 * `npm run eval:blind`: the reply acceptance of every blind set's first run, the figure of how the
 * bot does on conversations nobody had read when the build was made (data/eval/first-runs/, judged
 * with each set's data/eval/judgements-<set>.jsonl). Prints a table and writes
 * docs/quality-blind.svg. Needs no stack: the replies were kept when the runs were played.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '@app/models';
import { blindFigures, type BlindFigure } from './eval/first-runs';
import { readJudgements } from './eval/judgements';

const TARGET = 0.85;

function main(): void {
  const root = projectRoot();
  const figures = blindFigures(join(root, 'data/eval/first-runs'), (set) =>
    readJudgements(join(root, `data/eval/judgements-${set}.jsonl`)),
  );
  console.log('| set | build | date | accepted | judged | turns | acceptance | origin |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const f of figures) {
    console.log(
      `| ${f.set} | ${f.build} | ${f.date} | ${f.accepted} | ${f.judged} | ${f.turns} | ${percent(f.accepted / f.turns)} | ${f.origin} |`,
    );
  }
  const out = join(root, 'docs/quality-blind.svg');
  writeFileSync(out, plot(figures));
  console.log(`wrote ${out}`);
}

const percent = (share: number) => `${(100 * share).toFixed(1)}%`;

/** Acceptance of each blind first run, in the order the sets were written, against the target. */
function plot(figures: BlindFigure[]): string {
  const width = 640;
  const height = 340;
  const pad = { left: 50, right: 30, top: 36, bottom: 50 };
  const x = (i: number) => pad.left + ((i + 0.5) / figures.length) * (width - pad.left - pad.right);
  const y = (share: number) => height - pad.bottom - share * (height - pad.top - pad.bottom);
  const points = figures.map((f, i) => `${x(i).toFixed(1)},${y(f.accepted / f.turns).toFixed(1)}`).join(' ');
  const marks = figures
    .map((f, i) => {
      const share = f.accepted / f.turns;
      return `<circle cx="${x(i).toFixed(1)}" cy="${y(share).toFixed(1)}" r="4" fill="#42a5f5"/>
<text x="${x(i).toFixed(1)}" y="${(y(share) - 9).toFixed(1)}" text-anchor="middle">${percent(share)}</text>
<text x="${x(i).toFixed(1)}" y="${height - pad.bottom + 16}" text-anchor="middle">${f.set}</text>
<text x="${x(i).toFixed(1)}" y="${height - pad.bottom + 30}" text-anchor="middle" fill="#666" font-size="10">${f.build}</text>`;
    })
    .join('\n');
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (s) => `<line x1="${pad.left}" y1="${y(s)}" x2="${width - pad.right}" y2="${y(s)}" stroke="#eee"/>
<text x="${pad.left - 6}" y="${y(s) + 4}" text-anchor="end">${s * 100}%</text>`,
    )
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="${pad.left}" y="20" font-weight="bold">Replies a reader accepted on each blind set's first run (npm run eval:blind)</text>
${grid}
<line x1="${pad.left}" y1="${y(TARGET)}" x2="${width - pad.right}" y2="${y(TARGET)}" stroke="#ff6d8a" stroke-dasharray="4"/>
<text x="${width - pad.right}" y="${y(TARGET) - 5}" text-anchor="end" fill="#ff6d8a">target ${TARGET * 100}%</text>
<polyline fill="none" stroke="#42a5f5" stroke-width="2" points="${points}"/>
${marks}
</svg>
`;
}

main();
