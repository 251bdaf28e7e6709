import { appendFileSync, existsSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SentenceEncoder } from '@app/models';

/**
 * Embeds many texts in length-sorted batches (less padding), with progress. Every embedding is kept
 * in .cache/embeddings/<encoder>@<version>/ (texts.jsonl + vectors.f32, appended in step), so a text
 * is encoded once however many tasks and runs use it.
 */
export async function embedAll(
  encoder: SentenceEncoder,
  texts: string[],
  cacheRoot: string,
  log: (line: string) => void,
  batchSize = 64,
): Promise<Float32Array> {
  const dim = encoder.dimension;
  const dir = join(cacheRoot, `${encoder.name}@${encoder.version}`);
  const textsFile = join(dir, 'texts.jsonl');
  const vectorsFile = join(dir, 'vectors.f32');
  const known = loadStore(textsFile, vectorsFile, dim);
  const missing = [...new Set(texts.filter((t) => !known.has(t)))].sort((a, b) => a.length - b.length);
  if (missing.length > 0) {
    mkdirSync(dir, { recursive: true });
    const started = Date.now();
    let lastLog = 0;
    for (let start = 0; start < missing.length; start += batchSize) {
      const batch = missing.slice(start, start + batchSize);
      const vectors = await encoder.embed(batch);
      // Vectors first: a store cut short by a crash has more vectors than texts, which loadStore trims.
      appendFileSync(vectorsFile, new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength));
      appendFileSync(textsFile, batch.map((t) => JSON.stringify(t)).join('\n') + '\n');
      batch.forEach((t, j) => known.set(t, vectors.subarray(j * dim, (j + 1) * dim)));
      const done = Math.min(start + batchSize, missing.length);
      if (Date.now() - lastLog > 5000 || done === missing.length) {
        lastLog = Date.now();
        log(`  embedded ${done}/${missing.length} new texts (${Math.round(done / ((Date.now() - started) / 1000))} texts/s)`);
      }
    }
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
