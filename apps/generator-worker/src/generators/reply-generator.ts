import type { HistoryTurn } from '@app/dialogue-state';
import type { ItemFailure } from '@app/kafka';
import type { Batching, ProviderUse } from '@app/models';

/** A generated reply with the generator's confidence in [0, 1]. */
export interface GeneratedReply {
  text: string;
  score: number;
  /**
   * Retrieval: "house" (a line of our own for the situation), "tone" (a line of our own for how to
   * react to it), "story" (one that carries on the reaction to the story so far) or "corpus" (a
   * real reply); the policy can ask for one.
   */
  origin?: 'house' | 'tone' | 'story' | 'pair' | 'corpus';
  /** Tokens generated, for generators that generate (benchmarks report tokens/s). */
  tokens?: number;
}

/** One message to answer, with what the generator may know of its conversation. */
export interface ReplyRequest {
  text: string;
  /** Absolute epoch ms; none = no deadline. */
  deadlineAtMs?: number;
  /** The conversation's last exchanges, oldest first (from chat.conversations). */
  history?: HistoryTurn[];
  /** The text with pronouns resolved against the conversation's entities, where any were. */
  resolvedText?: string;
}

/** An end-to-end generator: the user's text in, a reply out; every generator returns the same type. */
export interface ReplyGenerator {
  readonly name: string;
  readonly modelVersion: string;
  /** Messages per call and queue delay, from the model's manifest (env can override them). */
  readonly batching: Batching;
  load(): Promise<void>;
  /** After load(): where each of its models runs, as configured and as loaded (generator_execution_provider_info). */
  readonly providers: ProviderUse[];
  /**
   * One reply per request: `undefined` for one it stopped at its deadline (reported as missed), an
   * ItemFailure for one it could not answer in the time left (reported as that message's error).
   */
  generate(requests: ReplyRequest[]): Promise<(GeneratedReply | ItemFailure | undefined)[]>;
  release(): Promise<void>;
}
