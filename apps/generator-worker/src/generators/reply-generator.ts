/** A generated reply with the generator's confidence in [0, 1]. */
export interface GeneratedReply {
  text: string;
  score: number;
}

/** An end-to-end generator: the user's text in, a reply out; every generator returns the same type. */
export interface ReplyGenerator {
  readonly name: string;
  readonly modelVersion: string;
  load(): Promise<void>;
  generate(texts: string[]): Promise<GeneratedReply[]>;
  release(): Promise<void>;
}
