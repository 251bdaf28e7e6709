import type { Batching } from '@app/models';

/** A generated reply with the generator's confidence in [0, 1]. */
export interface GeneratedReply {
  text: string;
  score: number;
  /** Tokens generated, for generators that generate (benchmarks report tokens/s). */
  tokens?: number;
}

/** An end-to-end generator: the user's text in, a reply out; every generator returns the same type. */
export interface ReplyGenerator {
  readonly name: string;
  readonly modelVersion: string;
  /** Messages per call and queue delay, from the model's manifest (env can override them). */
  readonly batching: Batching;
  load(): Promise<void>;
  /** One reply per text; `undefined` for one it stopped at its deadline (reported as missed). */
  generate(texts: string[], deadlinesAtMs?: number[]): Promise<(GeneratedReply | undefined)[]>;
  release(): Promise<void>;
}
