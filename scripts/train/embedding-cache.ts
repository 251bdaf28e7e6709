import { appendFileSync, existsSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { embedMany, type SentenceEncoder } from '@app/models';

/**
 * Embeds texts, keeping every embedding in .cache/embeddings/<encoder>@<version>/ (texts.jsonl +
 * vectors.f32), so a text is encoded once however many tasks and runs use it.
 */
export async function embedAll(
  encoder: SentenceEncoder,
  texts: string[],
  cacheRoot: string,
  log: (line: string) => void,
): Promise<Float32Array> {
  const dim = encoder.dimension;
  const dir = join(cacheRoot, `${encoder.name}@${encoder.version}`);
  const textsFile = join(dir, 'texts.jsonl');
  const vectorsFile = join(dir, 'vectors.f32');
  const known = loadStore(textsFile, vectorsFile, dim);
  const missing = [...new Set(texts.filter((t) => !known.has(t)))];
  if (missing.length > 0) {
    mkdirSync(dir, { recursive: true });
    log(`  embedding ${missing.length} new texts`);
    const vectors = await embedMany(encoder, missing, log);
    // Vectors first: a store cut short by a crash has more vectors than texts, which loadStore trims.
    appendFileSync(vectorsFile, new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength));
    appendFileSync(textsFile, missing.map((t) => JSON.stringify(t)).join('\n') + '\n');
    missing.forEach((t, j) => known.set(t, vectors.subarray(j * dim, (j + 1) * dim)));
  }
  const out = new Float32Array(texts.length * dim);
  texts.forEach((t, i) => out.set(known.get(t)!, i * dim));
  return out;
}

function loadStore(textsFile: string, vectorsFile: string, dim: number): Map<string, Float32Array> {
  const known = new Map<string, Float32Array>();
  if (!existsSync(textsFile) || !existsSync(vectorsFile)) return known;
  const bytes = readFileSync(vectorsFile);
  const vectors = new Float32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 4));
  const lines = readFileSync(textsFile, 'utf8').split('\n').filter(Boolean);
  const rows = Math.min(lines.length, Math.floor(vectors.length / dim));
  for (let i = 0; i < rows; i++) known.set(JSON.parse(lines[i]) as string, vectors.subarray(i * dim, (i + 1) * dim));
  if (rows !== lines.length || rows * dim * 4 !== bytes.length) {
    // A half-written batch: keep the rows both files agree on, so later appends stay aligned.
    truncateSync(vectorsFile, rows * dim * 4);
    writeFileSync(textsFile, lines.slice(0, rows).join('\n') + (rows > 0 ? '\n' : ''));
  }
  return known;
}
