/** A label with its score in [0, 1]. */
export interface ScoredLabel {
  name: string;
  score: number;
}

/** One NLU task: a model that reads a batch of texts and scores labels for each, best first. */
export interface NluTask {
  readonly name: string;
  readonly modelName: string;
  readonly modelVersion: string;
  load(): Promise<void>;
  predict(texts: string[]): Promise<ScoredLabel[][]>;
}
