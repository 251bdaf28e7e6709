import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tokenizer as HfTokenizerImpl } from '@huggingface/tokenizers' with { 'resolution-mode': 'require' };

/** A padded batch, ready to become int64 tensors of shape [batch, length]. */
export interface TokenBatch {
  batch: number;
  length: number;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  tokenTypeIds: BigInt64Array;
}

/**
 * A Hugging Face `tokenizer.json` (+ `tokenizer_config.json`) run by @huggingface/tokenizers, with
 * truncation to maxLength (keeping the closing special token) and padding to the batch's longest.
 */
export class HfTokenizer {
  private constructor(
    private readonly impl: HfTokenizerImpl,
    readonly maxLength: number,
    private readonly padId: number,
  ) {}

  static load(dir: string, maxLength: number): HfTokenizer {
    const file = join(dir, 'tokenizer.json');
    if (!existsSync(file)) throw new Error(`${dir} has no tokenizer.json`);
    const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const configFile = join(dir, 'tokenizer_config.json');
    const config = existsSync(configFile) ? (JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>) : {};
    // The package is ESM with a CommonJS build; require keeps this library CommonJS.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Tokenizer } = require('@huggingface/tokenizers') as typeof import('@huggingface/tokenizers', { with: { 'resolution-mode': 'require' } });
    const impl = new Tokenizer(json, config);
    const padding = (json.padding as { pad_id?: number } | null) ?? null;
    const padToken = typeof config.pad_token === 'string' ? config.pad_token : '[PAD]';
    const padId = padding?.pad_id ?? impl.token_to_id(padToken) ?? 0;
    return new HfTokenizer(impl, maxLength, padId);
  }

  /** Token ids of one text, with special tokens, at most maxLength long. */
  ids(text: string): number[] {
    const ids = this.impl.encode(text).ids;
    if (ids.length <= this.maxLength) return ids;
    // Keep the closing special token ([SEP], </s>): models are trained with it in place.
    return [...ids.slice(0, this.maxLength - 1), ids[ids.length - 1]];
  }

  encodeBatch(texts: string[]): TokenBatch {
    const encoded = texts.map((t) => this.ids(t));
    const length = Math.max(1, ...encoded.map((ids) => ids.length));
    const size = texts.length * length;
    const inputIds = new BigInt64Array(size).fill(BigInt(this.padId));
    const attentionMask = new BigInt64Array(size);
    encoded.forEach((ids, row) => {
      for (let i = 0; i < ids.length; i++) {
        inputIds[row * length + i] = BigInt(ids[i]);
        attentionMask[row * length + i] = 1n;
      }
    });
    return { batch: texts.length, length, inputIds, attentionMask, tokenTypeIds: new BigInt64Array(size) };
  }
}
