import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SentenceEncoder } from './sentence-encoder';

/**
 * The texts' embeddings, reusing those kept in `dir` from the last build with the same encoder and
 * embedding only the texts that are new, then keeping exactly these texts for the next build. A
 * house line added to the reactions file re-embeds one line, not the index's 30,000 texts (about
 * two minutes on two cores). `name` keeps stores of different text sets apart ("index", "tones").
 */
export async function embedKept(
  dir: string,
  name: string,
  texts: readonly string[],
  encoder: Pick<SentenceEncoder, 'name' | 'version' | 'dimension'>,
  embed: (texts: string[]) => Promise<Float32Array>,
  log: (line: string) => void,
): Promise<Float32Array> {
  const d = encoder.dimension;
  const tag = createHash('sha256').update(`${encoder.name}@${encoder.version}`).digest('hex').slice(0, 12);
  const base = join(dir, `embeddings-${tag}-${name}`);
  const kept = readKept(base, d);
  const missing = [...new Set(texts.filter((text) => !kept.has(text)))];
  if (missing.length > 0 && kept.size > 0) log(`reusing ${texts.length - missing.length} of ${texts.length} kept embeddings (${name}); embedding ${missing.length}`);
  const fresh = missing.length > 0 ? await embed(missing) : new Float32Array(0);
  missing.forEach((text, i) => kept.set(text, fresh.subarray(i * d, (i + 1) * d)));
  const out = new Float32Array(texts.length * d);
  texts.forEach((text, i) => out.set(kept.get(text)!, i * d));
  if (missing.length > 0 || kept.size !== new Set(texts).size) {
    mkdirSync(dir, { recursive: true });
    // Stores of another encoder are of no further use.
    for (const old of readdirSync(dir).filter((f) => f.startsWith('embeddings-') && f.includes(`-${name}.`) && !f.startsWith(`embeddings-${tag}-`)))
      rmSync(join(dir, old), { force: true });
    writeKept(base, [...new Set(texts)], kept, d);
  }
  return out;
}

function readKept(base: string, d: number): Map<string, Float32Array> {
  const kept = new Map<string, Float32Array>();
  if (!existsSync(`${base}.json`) || !existsSync(`${base}.f32`)) return kept;
  const { texts, sha256 } = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as { texts: string[]; sha256: string };
  const bytes = readFileSync(`${base}.f32`);
  // A store whose two files disagree (a crash between writing them) is not trusted.
  if (bytes.length !== texts.length * d * 4 || createHash('sha256').update(bytes).digest('hex') !== sha256) return kept;
  const vectors = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4).slice();
  texts.forEach((text, i) => kept.set(text, vectors.subarray(i * d, (i + 1) * d)));
  return kept;
}

/** The vectors, then the texts that name them with the vectors' hash: readKept trusts the pair only when the hash agrees. */
function writeKept(base: string, texts: string[], kept: Map<string, Float32Array>, d: number): void {
  const vectors = new Float32Array(texts.length * d);
  texts.forEach((text, i) => vectors.set(kept.get(text)!, i * d));
  const bytes = new Uint8Array(vectors.buffer);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  for (const [file, data] of [
    [`${base}.f32`, bytes],
    [`${base}.json`, JSON.stringify({ sha256, texts })],
  ] as const) {
    writeFileSync(`${file}.part`, data);
    renameSync(`${file}.part`, file);
  }
}
