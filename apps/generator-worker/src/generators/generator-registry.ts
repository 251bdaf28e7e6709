import type { RuntimeOptions } from '@app/models';
import { EmbeddingRetrievalGenerator } from './embedding-retrieval.generator';
import type { ReplyGenerator } from './reply-generator';

/** Every generator a worker can run, by the name GENERATOR selects. */
const GENERATORS = {
  retrieval: (runtime: RuntimeOptions, log: (line: string) => void) => new EmbeddingRetrievalGenerator(runtime, log),
} satisfies Record<string, (runtime: RuntimeOptions, log: (line: string) => void) => ReplyGenerator>;

export const GENERATOR_NAMES = Object.keys(GENERATORS) as [keyof typeof GENERATORS, ...(keyof typeof GENERATORS)[]];

export function createGenerator(name: keyof typeof GENERATORS, runtime: RuntimeOptions, log: (line: string) => void): ReplyGenerator {
  return GENERATORS[name](runtime, log);
}
