import { Bm25RetrievalGenerator } from './bm25-retrieval.generator';
import type { ReplyGenerator } from './reply-generator';

/** Every generator a worker can run, by the name GENERATOR selects. */
const GENERATORS = {
  retrieval: () => new Bm25RetrievalGenerator(),
} satisfies Record<string, () => ReplyGenerator>;

export const GENERATOR_NAMES = Object.keys(GENERATORS) as [keyof typeof GENERATORS, ...(keyof typeof GENERATORS)[]];

export function createGenerator(name: keyof typeof GENERATORS): ReplyGenerator {
  return GENERATORS[name]();
}
