/** Which n-grams hashedNgrams makes: word n-grams up to `n`, and character `chars`-grams when set. */
export interface NgramSpec {
  dims: number;
  n: number;
  chars?: number;
}

/**
 * Hashed n-grams: the lexical cues a sentence embedding blurs ("thanks", "lol", "sorry", "you're
 * smart" vs "you're dumb", "haha", "ugh"). Lower-cased words and single symbols, word n-grams up to
 * `n`, and character n-grams of the whole text (which catch spellings, slang and emoji), each hashed
 * (FNV-1a) into one of `dims` buckets, present-or-not, then L2-normalised per text. Training and
 * serving share this one function, so the buckets always mean the same thing.
 */
export function hashedNgrams(texts: string[], spec: NgramSpec): Float32Array {
  const { dims } = spec;
  const out = new Float32Array(texts.length * dims);
  texts.forEach((text, row) => {
    const lower = text.toLowerCase();
    const words = lower.match(/[a-z']+|[^\sa-z']/g) ?? [];
    const buckets = new Set<number>();
    for (let n = 1; n <= spec.n; n++) {
      for (let i = 0; i + n <= words.length; i++) buckets.add(fnv1a(words.slice(i, i + n).join(' ')) % dims);
    }
    if (spec.chars) {
      const padded = ` ${lower.replace(/\s+/g, ' ')} `;
      for (let i = 0; i + spec.chars <= padded.length; i++) buckets.add(fnv1a(`#${padded.slice(i, i + spec.chars)}`) % dims);
    }
    const value = 1 / Math.sqrt(Math.max(buckets.size, 1));
    for (const bucket of buckets) out[row * dims + bucket] = value;
  });
  return out;
}

function fnv1a(s: string): number {
  let hash = 2166136261;
  for (let i = 0; i < s.length; i++) {
    hash ^= s.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return hash >>> 0;
}
